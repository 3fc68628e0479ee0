import "server-only";
import { singleton } from "../singleton";
import { changedFilesForPairs, groupByStack, type StackChanges } from "../git/changes";
import { COMPOSE_FILES, readFilesMulti } from "../git/read";
import { previousRelease, type Release, type ReleaseList } from "../git/tags";
import type { Sha } from "../git/refs";
import { composeImages, imageChanges, type ImageChange } from "./images";

export interface ReleaseSummary {
  tag: string;
  previous: string | null;
  changes: StackChanges;
  images: ImageChange[];
}

export interface PairSummary {
  changes: StackChanges;
  images: ImageChange[];
}

const pairCache = singleton("releases.pairSummary", () => new Map<string, PairSummary>());

/** Compose + .env of a stack at a commit, from a batch read (first compose name that exists wins). */
function stackFiles(files: Map<string, Buffer | null>, commit: Sha | null, stack: string): { compose: string | null; env: string | null } {
  if (!commit) return { compose: null, env: null };
  let compose: string | null = null;
  for (const f of COMPOSE_FILES) {
    const b = files.get(`${commit}:${stack}/${f}`);
    if (b) {
      compose = b.toString("utf8");
      break;
    }
  }
  const env = files.get(`${commit}:${stack}/.env`);
  return { compose, env: env ? env.toString("utf8") : null };
}

/**
 * Changed stacks and image changes for many commit pairs, with at most two git processes for
 * all pairs not yet cached (one diff-tree --stdin, one cat-file --batch). Cached forever by
 * (sha, sha): commits never change.
 */
export async function summarizePairs(pairs: { from: Sha | null; to: Sha }[]): Promise<PairSummary[]> {
  const key = (p: { from: Sha | null; to: Sha }) => `${p.from ?? "-"}..${p.to}`;
  const todo = pairs.filter((p) => !pairCache.has(key(p)));
  if (todo.length) {
    const lists = await changedFilesForPairs(todo);
    const grouped = lists.map(groupByStack);
    const specs: { commit: Sha; path: string }[] = [];
    todo.forEach((p, i) => {
      const g = grouped[i];
      for (const stack of [...g.added, ...g.removed, ...g.changed]) {
        for (const c of [p.from, p.to]) {
          if (!c) continue;
          for (const f of [...COMPOSE_FILES, ".env"]) specs.push({ commit: c, path: `${stack}/${f}` });
        }
      }
    });
    const files = await readFilesMulti(specs);
    todo.forEach((p, i) => {
      const g = grouped[i];
      const images: ImageChange[] = [];
      for (const stack of [...g.added, ...g.removed, ...g.changed].sort()) {
        const a = stackFiles(files, p.from, stack);
        const b = stackFiles(files, p.to, stack);
        images.push(...imageChanges(stack, composeImages(a.compose, a.env), composeImages(b.compose, b.env)));
      }
      pairCache.set(key(p), { changes: g, images });
    });
  }
  return pairs.map((p) => pairCache.get(key(p))!);
}

/** Summaries (vs the previous release) for the given releases of a list. */
export async function summarizeReleases(list: ReleaseList, releases: Release[]): Promise<ReleaseSummary[]> {
  const prev = releases.map((r) => previousRelease(list, r.tag));
  const sums = await summarizePairs(releases.map((r, i) => ({ from: prev[i]?.sha ?? null, to: r.sha })));
  return releases.map((r, i) => ({ tag: r.tag, previous: prev[i]?.tag ?? null, ...sums[i] }));
}
