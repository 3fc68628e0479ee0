import "server-only";
import { listReleases, type OtherTag, type Release } from "../git/tags";
import { currentDeployed, type Deployed } from "./resolve";
import { summarizeReleases, type ReleaseSummary } from "./summary";

export interface ReleasePage {
  total: number;
  matched: number;
  releases: (Release & { summary: ReleaseSummary | null })[];
  others: OtherTag[];
  deployed: Deployed | null;
}

/** Filter by a search text over tag, subject, message and tagger. */
export function matches(r: Release, q: string): boolean {
  if (!q) return true;
  const hay = `${r.tag}\n${r.subject}\n${r.message}\n${r.tagger?.name ?? ""}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/**
 * A page of releases, newest first, with changed stacks and image changes for the releases
 * on the page only (computed for all of them in at most two git processes, then cached).
 */
export async function releasePage(opts: { q?: string; offset?: number; limit?: number; summaries?: boolean } = {}): Promise<ReleasePage> {
  const list = await listReleases();
  const all = list.releases.filter((r) => matches(r, opts.q?.trim() ?? ""));
  const offset = Math.max(0, opts.offset ?? 0);
  const page = all.slice(offset, offset + Math.min(Math.max(opts.limit ?? 50, 1), 500));
  const sums = opts.summaries === false ? null : await summarizeReleases(list, page);
  return {
    total: list.releases.length,
    matched: all.length,
    releases: page.map((r, i) => ({ ...r, summary: sums ? sums[i] : null })),
    others: list.others,
    deployed: await currentDeployed().catch(() => null),
  };
}
