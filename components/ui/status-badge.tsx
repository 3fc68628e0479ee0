import type { ReactNode } from "react";

// One status palette everywhere; never colour alone: each tone has an icon and a word. Callers
// pick the tone from a typed map of their own vocabulary (SyncBadge, HealthBadge, DeploymentStatus,
// MonitorBadge, …): there is no lookup by free-form word here.
export type Tone = "ok" | "warn" | "bad" | "unknown" | "info";

export const toneClass: Record<Tone, string> = {
  ok: "bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200",
  warn: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200",
  bad: "bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200",
  unknown: "bg-slate-200 text-slate-800 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200",
  info: "bg-blue-100 text-blue-900 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
};

export const toneIcon: Record<Tone, string> = { ok: "✓", warn: "!", bad: "✕", unknown: "?", info: "●" };

export function StatusBadge({ tone, label, icon, title, className = "" }: { tone: Tone; label: ReactNode; icon?: string; title?: string; className?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap ${toneClass[tone]} ${className}`}
    >
      <span aria-hidden="true">{icon ?? toneIcon[tone]}</span>
      {label}
    </span>
  );
}
