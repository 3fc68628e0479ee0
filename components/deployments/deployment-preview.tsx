"use client";

// The rollout preview inside the confirm dialog: per stack and service what a rollout or
// rollback will do (recreated / created / removed / untouched), the image change and why.
// Advisory: when the preview fails, the dialog says so and still lets the person confirm.
import { useQuery } from "@tanstack/react-query";
import { Skeleton } from "@/components/ui/card";
import { toneClass, type Tone } from "@/components/ui/status-badge";
import { describeImageChange } from "@/lib/deploy/plan";
import type { PreviewAction, PreviewService, PreviewStack } from "@/lib/deploy/preview-types";
import { deploymentPreviewQuery, type PreviewTarget } from "@/lib/queries/preview";
import { HostChip } from "../stacks/host-chip";

// One palette, never colour alone: each action has an icon and a word.
const ACTION: Record<PreviewAction, { tone: Tone; icon: string }> = {
  recreated: { tone: "info", icon: "↻" },
  created: { tone: "ok", icon: "+" },
  removed: { tone: "warn", icon: "−" },
  untouched: { tone: "unknown", icon: "=" },
};

const CHANGE: Record<PreviewStack["change"], string> = {
  added: "added",
  removed: "removed",
  changed: "changed",
  unchanged: "unchanged",
};

function ActionBadge({ action }: { action: PreviewAction }) {
  const a = ACTION[action];
  return (
    <span
      data-testid="preview-action"
      className={`inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${toneClass[a.tone]}`}
    >
      <span aria-hidden="true">{a.icon}</span>
      {action}
    </span>
  );
}

function imageText(s: PreviewService): string | null {
  if (!s.from && !s.to) return null;
  if (s.from && s.to && s.from === s.to) return s.to;
  return describeImageChange(s.from, s.to);
}

function ServiceRow({ s }: { s: PreviewService }) {
  const image = imageText(s);
  // The image change already says "image"; the other reasons say what else differs.
  const reasons = s.from && s.to && s.from !== s.to ? s.reasons.filter((r) => r !== "image") : s.reasons;
  return (
    <li data-service={s.service} data-action={s.action} className="flex flex-wrap items-center gap-x-2 gap-y-0.5 py-0.5">
      <ActionBadge action={s.action} />
      <span className="font-mono font-medium [overflow-wrap:anywhere]">{s.service}</span>
      {image ? <span className="font-mono text-xs text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">{image}</span> : null}
      {reasons.length ? <span className="text-xs text-slate-700 dark:text-slate-300">({reasons.join(", ")})</span> : null}
    </li>
  );
}

function StackBlock({ st }: { st: PreviewStack }) {
  return (
    <li data-stack={st.stack} data-change={st.change} data-host={st.host} className="rounded-lg border border-slate-200 p-2 dark:border-slate-700">
      <p className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-mono font-semibold [overflow-wrap:anywhere]">{st.stack}</span>
        <HostChip host={st.host} />
        <span className="text-xs text-slate-700 dark:text-slate-300">
          {st.movedTo ? `moves to host ${st.movedTo}: taken down here once ${st.movedTo} is verified` : CHANGE[st.change]}
        </span>
      </p>
      {st.error ? (
        <p className={`mt-1 rounded px-2 py-1 text-xs ring-1 ring-inset ${toneClass.bad}`}>
          <span aria-hidden="true">✕ </span>
          {/^host \S+ unreachable/.test(st.error) ? `Docker ${st.error}` : `Compose refused this stack's files: ${st.error}`}
        </p>
      ) : null}
      {st.services.length ? (
        <ul className="mt-1" aria-label={`Services of ${st.stack}`}>
          {st.services.map((s) => (
            <ServiceRow key={s.service} s={s} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Fetches the preview when mounted (the dialog mounts it when it opens). */
export function DeploymentPreviewPanel({ target }: { target: PreviewTarget }) {
  const q = useQuery(deploymentPreviewQuery(target));
  if (q.isPending)
    return (
      <div data-testid="deployment-preview" aria-busy="true" className="mt-3 flex flex-col gap-2">
        <p className="sr-only">Loading what will change…</p>
        <Skeleton className="h-4 w-4/5" />
        <Skeleton className="h-12 w-full" />
        <Skeleton className="h-4 w-2/3" />
      </div>
    );
  if (q.isError)
    return (
      <p data-testid="deployment-preview" data-state="error" className={`mt-3 rounded-lg px-2 py-1.5 text-sm ring-1 ring-inset ${toneClass.warn}`}>
        <span aria-hidden="true">! </span>
        Preview unavailable: {q.error.message} You can still confirm; the pre-flight checks decide.
      </p>
    );
  const p = q.data;
  const touched = p.stacks.filter((s) => s.change !== "unchanged");
  const unchanged = p.stacks.filter((s) => s.change === "unchanged");
  return (
    <div data-testid="deployment-preview" data-state="ready" className="mt-3 flex flex-col gap-2">
      <p data-testid="preview-summary" className="font-medium [overflow-wrap:anywhere]">
        {p.summary}
      </p>
      {touched.length ? (
        <ul className="flex flex-col gap-2" aria-label="Stacks that change">
          {touched.map((st) => (
            <StackBlock key={`${st.stack}@${st.host ?? ""}`} st={st} />
          ))}
        </ul>
      ) : null}
      {unchanged.length ? (
        <details data-testid="preview-unchanged" className="rounded-lg border border-slate-200 dark:border-slate-700">
          <summary className="min-h-11 cursor-pointer px-2 py-2.5 leading-6 text-slate-700 dark:text-slate-300">
            {unchanged.length} {unchanged.length === 1 ? "stack" : "stacks"} unchanged, not touched
          </summary>
          <ul className="px-2 pb-2 font-mono text-xs [overflow-wrap:anywhere]">
            {unchanged.map((st) => (
              <li key={st.stack} data-stack={st.stack} data-change="unchanged">
                {st.stack}
                {st.services.length ? ` (${st.services.map((s) => s.service).join(", ")}: untouched)` : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
