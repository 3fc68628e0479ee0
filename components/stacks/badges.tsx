import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { Health } from "@/lib/docker/types";
import { DRIFT_LABEL, type ServiceDrift, type StackStatus } from "@/lib/stacks/types";

const statusTone: Record<StackStatus, Tone> = { ok: "ok", warn: "warn", bad: "bad", unknown: "unknown" };
const statusWord: Record<StackStatus, string> = { ok: "ok", warn: "attention", bad: "failing", unknown: "unknown" };

/** The stack's status dot: colour, icon and a word (worst of its containers and monitors). */
export function StackStatusBadge({ status, reason }: { status: StackStatus; reason?: string | null }) {
  return <StatusBadge status={status} tone={statusTone[status]} label={reason ? `${statusWord[status]}: ${reason}` : statusWord[status]} />;
}

export function HealthBadge({ health, state }: { health: Health; state: string }) {
  if (state !== "running") return <StatusBadge status={state} />;
  return <StatusBadge status={health ?? "running"} label={health ?? "running (no health check)"} />;
}

export function DriftBadges({ drift }: { drift: ServiceDrift[] }) {
  if (!drift.length) return <StatusBadge status="in_sync" label="in sync" />;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {drift.map((d) => (
        <span key={d.kind} title={d.text}>
          <StatusBadge status="drift" tone={d.kind === "missing" ? "bad" : d.kind === "update_available" ? "info" : "warn"} label={DRIFT_LABEL[d.kind]} />
        </span>
      ))}
    </span>
  );
}

/** sha256:abcdef… shortened, the full value on hover. */
export function ShortDigest({ value }: { value: string | null }) {
  if (!value) return <span className="text-slate-600 dark:text-slate-400">—</span>;
  const v = value.replace(/^sha256:/, "");
  return (
    <code className="font-mono text-xs" title={value}>
      {v.slice(0, 12)}
    </code>
  );
}
