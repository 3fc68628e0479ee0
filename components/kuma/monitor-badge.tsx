import { StatusBadge } from "@/components/ui/status-badge";
import type { MonitorState } from "@/lib/kuma/types";

/** A monitor's state in the one palette (icon + word); a paused monitor reads "paused". */
export function MonitorBadge({ state, paused = false }: { state: MonitorState; paused?: boolean }) {
  return paused ? <StatusBadge status="paused" /> : <StatusBadge status={state} />;
}
