import type { ReactNode } from "react";

// One status palette everywhere; never colour alone: each tone has an icon and a word.
export type Tone = "ok" | "warn" | "bad" | "unknown" | "info";

export const toneClass: Record<Tone, string> = {
  ok: "bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200",
  warn: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200",
  bad: "bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200",
  unknown: "bg-slate-200 text-slate-800 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200",
  info: "bg-blue-100 text-blue-900 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
};

export const toneIcon: Record<Tone, string> = { ok: "✓", warn: "!", bad: "✕", unknown: "?", info: "●" };

const words: Record<string, Tone> = {
  ok: "ok", up: "ok", healthy: "ok", verified: "ok", succeeded: "ok", running: "info", in_sync: "ok", synced: "ok",
  pending: "warn", starting: "warn", drift: "warn", degraded: "warn", queued: "warn", verifying: "warn", interrupted: "warn",
  restarting: "warn", paused: "unknown", created: "unknown",
  down: "bad", unhealthy: "bad", failed: "bad", exited: "bad", dead: "bad", rolled_back: "bad", error: "bad",
  maintenance: "info", unknown: "unknown", unconfigured: "unknown", none: "unknown",
};

export function toneOf(status: string | null | undefined): Tone {
  return (status && words[status.toLowerCase()]) || "unknown";
}

export function StatusBadge({ status, label, tone, className = "" }: { status: string; label?: ReactNode; tone?: Tone; className?: string }) {
  const t = tone ?? toneOf(status);
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap ${toneClass[t]} ${className}`}
    >
      <span aria-hidden="true">{toneIcon[t]}</span>
      {label ?? status.replace(/_/g, " ")}
    </span>
  );
}
