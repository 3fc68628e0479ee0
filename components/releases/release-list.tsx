import Link from "next/link";
import { RelativeTime } from "@/components/ui/time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { ReleasePage } from "@/lib/releases/list";
import { ImageChanges, StackChips } from "./chips";

type Item = ReleasePage["releases"][number];

/** A tag's signature as the list shows it (only when RELEASE_SIGNERS is set). */
export interface SignatureBadge {
  verified: boolean;
  signed: boolean;
  signer: string | null;
  reason: string;
}
export type Signatures = Record<string, SignatureBadge>;

function Signature({ s }: { s: SignatureBadge | undefined }) {
  if (!s) return null;
  if (s.verified)
    return (
      <span title={s.reason} data-testid="signature">
        <StatusBadge tone="ok" label={`signed · ${s.signer ?? "verified key"}`} />
      </span>
    );
  return (
    <span title={s.reason} data-testid="signature">
      <StatusBadge tone={s.signed ? "bad" : "warn"} label={s.signed ? `not a trusted signature${s.signer ? ` (${s.signer})` : ""}` : "unsigned"} />
    </span>
  );
}

function Badges({ r, deployed, signature }: { r: Item; deployed: boolean; signature?: SignatureBadge }) {
  return (
    <>
      {deployed ? <StatusBadge tone="ok" label="deployed" /> : null}
      <Signature s={signature} />
      {r.prerelease ? <StatusBadge tone="warn" label="pre-release" /> : null}
      {!r.annotated ? <StatusBadge tone="unknown" label="lightweight tag" /> : null}
    </>
  );
}

function Meta({ r }: { r: Item }) {
  return (
    <p className="text-xs text-slate-600 dark:text-slate-400">
      {r.tagger?.name ?? "unknown"} · <RelativeTime iso={r.date} /> ·{" "}
      <span className="font-mono" title={r.sha}>
        {r.sha.slice(0, 8)}
      </span>
    </p>
  );
}

/** The list view: one card-like row per release. */
export function ReleaseList({ items, deployedTag, signatures }: { items: Item[]; deployedTag: string | null; signatures?: Signatures }) {
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Releases">
      {items.map((r) => (
        <li key={r.tag} className="flex flex-col gap-1 py-3" data-testid="release-row">
          <div className="flex flex-wrap items-center gap-2">
            <Link
              href={`/releases/${encodeURIComponent(r.tag)}`}
              className="inline-flex min-h-11 items-center font-mono text-base font-semibold text-blue-800 hover:underline dark:text-blue-300"
            >
              {r.tag}
            </Link>
            <Badges r={r} deployed={r.tag === deployedTag} signature={signatures?.[r.tag]} />
          </div>
          <p className="text-sm">{r.subject}</p>
          <Meta r={r} />
          {r.summary ? (
            <div className="flex flex-col gap-1 sm:flex-row sm:flex-wrap sm:items-center">
              <StackChips changes={r.summary.changes} />
              <ImageChanges images={r.summary.images} />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The timeline view: releases on a vertical line, newest on top. */
export function ReleaseTimeline({ items, deployedTag, signatures }: { items: Item[]; deployedTag: string | null; signatures?: Signatures }) {
  return (
    <ol className="relative ml-3 border-l-2 border-slate-300 dark:border-slate-700" aria-label="Release timeline">
      {items.map((r) => (
        <li key={r.tag} className="mb-5 ml-5" data-testid="timeline-item">
          <span
            aria-hidden="true"
            className={`absolute -left-[9px] mt-2 h-4 w-4 rounded-full border-2 border-white dark:border-slate-900 ${r.tag === deployedTag ? "bg-emerald-600" : r.prerelease ? "bg-amber-500" : "bg-blue-600"}`}
          />
          <div className="flex flex-wrap items-center gap-2">
            <Link
              href={`/releases/${encodeURIComponent(r.tag)}`}
              className="inline-flex min-h-11 items-center font-mono font-semibold text-blue-800 hover:underline dark:text-blue-300"
            >
              {r.tag}
            </Link>
            <Badges r={r} deployed={r.tag === deployedTag} signature={signatures?.[r.tag]} />
            <span className="text-xs text-slate-600 dark:text-slate-400">
              <RelativeTime iso={r.date} />
            </span>
          </div>
          <p className="text-sm">{r.subject}</p>
          {r.summary ? (
            <div className="mt-1 flex flex-wrap gap-1">
              <StackChips changes={r.summary.changes} />
              <ImageChanges images={r.summary.images} />
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
