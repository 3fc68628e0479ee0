import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { MonitorState } from "@/lib/kuma/types";

const MONITOR_TONE: Record<MonitorState, Tone> = { up: "ok", down: "bad", pending: "warn", maintenance: "info", unknown: "unknown" };

/** A monitor's state in the one palette (icon + word); a paused monitor reads "paused". */
export function MonitorBadge({ state, paused = false }: { state: MonitorState; paused?: boolean }) {
  return paused ? <StatusBadge tone="unknown" label="paused" /> : <StatusBadge tone={MONITOR_TONE[state]} label={state} />;
}
