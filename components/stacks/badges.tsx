import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import { DRIFT_LABEL, type DriftKind, type HealthState, type HealthStatus, type ServiceDrift, type SyncStatus } from "@/lib/stacks/types";

// The two axes of the status model (lib/stacks/status-model.ts), each with one exhaustive map to
// tone, icon and word.

const SYNC: Record<SyncStatus, { tone: Tone; icon: string; label: string }> = {
  synced: { tone: "ok", icon: "✓", label: "synced" },
  out_of_sync: { tone: "warn", icon: "≠", label: "out of sync" },
  unknown: { tone: "unknown", icon: "?", label: "sync unknown" },
};

const HEALTH: Record<HealthStatus, { tone: Tone; icon: string; label: string }> = {
  healthy: { tone: "ok", icon: "✓", label: "healthy" },
  progressing: { tone: "warn", icon: "…", label: "progressing" },
  degraded: { tone: "bad", icon: "✕", label: "degraded" },
  missing: { tone: "bad", icon: "∅", label: "missing" },
  suspended: { tone: "unknown", icon: "⏸", label: "suspended" },
  unknown: { tone: "unknown", icon: "?", label: "health unknown" },
};

/** Out of sync drift is amber, a missing service red, informational drift (update available) blue. */
const DRIFT_TONE: Record<DriftKind, Tone> = {
  image_differs: "warn",
  config_differs: "warn",
  missing: "bad",
  extra: "warn",
  stale_image: "warn",
  update_available: "info",
};

/** Sync: does what runs match the deployed release? With what differs, when it does not. */
export function SyncBadge({ status, reason }: { status: SyncStatus; reason?: string | null }) {
  const s = SYNC[status];
  return <StatusBadge tone={s.tone} icon={s.icon} label={reason ? `${s.label}: ${reason}` : s.label} />;
}

/** Health: worst of the containers (and, for a stack, its Kuma monitors), with which part and why. */
export function HealthBadge({ health, withReason = true }: { health: HealthState; withReason?: boolean }) {
  const h = HEALTH[health.status];
  return <StatusBadge tone={h.tone} icon={h.icon} label={withReason && health.reason ? `${h.label}: ${health.reason}` : h.label} />;
}

export function DriftBadges({ drift }: { drift: ServiceDrift[] }) {
  if (!drift.length) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {drift.map((d) => (
        <StatusBadge key={d.kind} title={d.text} tone={DRIFT_TONE[d.kind]} label={DRIFT_LABEL[d.kind]} />
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
