import "server-only";
import { posix } from "node:path";
import { singleton } from "../singleton";
import { changedFilesForPairs, groupByStack, type StackChanges } from "../git/changes";
import { detectCompose } from "../docker/compose";
import { ALL_DEFAULT_FILES } from "../docker/compose-files";
import { readFilesMulti } from "../git/read";
import { repoPath } from "../git/refs";
import { previousRelease, type Release, type ReleaseList } from "../git/tags";
import type { Sha } from "../git/refs";
import { imageChanges, stackImages, type ImageChange } from "./images";

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

const majorMemo = singleton("releases.composeMajor", () => ({ major: null as 1 | 2 | null, failedAt: 0 }));

/** Which Compose's rules apply (v2's when none is installed; a failed detection is retried after a minute, not per view). */
async function composeMajor(): Promise<1 | 2> {
  if (majorMemo.major) return majorMemo.major;
  if (Date.now() - majorMemo.failedAt < 60_000) return 2;
  try {
    return (majorMemo.major = (await detectCompose()).major);
  } catch {
    majorMemo.failedAt = Date.now();
    return 2;
  }
}

/**
 * service → image for each (commit, stack), from the files Compose reads there (same rules as
 * `compose config`: lib/docker/compose-files.ts), in a few `git cat-file --batch` processes for
 * all of them: the default names and .env first, then any COMPOSE_FILE or `extends:` targets.
 */
export async function imagesAt(specs: { commit: Sha; stack: string }[]): Promise<Map<string, Record<string, string>>> {
  const major = await composeMajor();
  const files = new Map<string, Buffer | null>();
  const out = new Map<string, Record<string, string>>();
  let todo: { commit: Sha; path: string }[] = specs.flatMap((x) => [...ALL_DEFAULT_FILES, ".env"].map((f) => ({ commit: x.commit, path: `${x.stack}/${f}` })));
  for (let round = 0; round < 4 && todo.length; round++) {
    const read = await readFilesMulti(todo);
    for (const [k, v] of read) files.set(k, v);
    todo = [];
    for (const x of specs) {
      const text = (f: string): string | null => {
        const p = posix.normalize(`${x.stack}/${f}`);
        const k = `${x.commit}:${p}`;
        if (!files.has(k)) {
          try {
            todo.push({ commit: x.commit, path: repoPath(p) });
          } catch {
            files.set(k, null); // not a path git can read: Compose would not find it either
          }
          return null;
        }
        return files.get(k)?.toString("utf8") ?? null;
      };
      out.set(`${x.commit}:${x.stack}`, stackImages(major, text, text(".env")));
    }
  }
  return out;
}

/**
 * Changed stacks and image changes for many commit pairs, with a few git processes for all
 * pairs not yet cached (one diff-tree --stdin, cat-file --batch rounds). Cached forever by
 * (sha, sha): commits never change.
 */
export async function summarizePairs(pairs: { from: Sha | null; to: Sha }[]): Promise<PairSummary[]> {
  const key = (p: { from: Sha | null; to: Sha }) => `${p.from ?? "-"}..${p.to}`;
  const todo = pairs.filter((p) => !pairCache.has(key(p)));
  if (todo.length) {
    const lists = await changedFilesForPairs(todo);
    const grouped = lists.map(groupByStack);
    const specs: { commit: Sha; stack: string }[] = [];
    todo.forEach((p, i) => {
      const g = grouped[i];
      for (const stack of [...g.added, ...g.removed, ...g.changed]) for (const c of [p.from, p.to]) if (c) specs.push({ commit: c, stack });
    });
    const images = await imagesAt(specs);
    todo.forEach((p, i) => {
      const g = grouped[i];
      const changes: ImageChange[] = [];
      for (const stack of [...g.added, ...g.removed, ...g.changed].sort()) {
        const a = p.from ? (images.get(`${p.from}:${stack}`) ?? {}) : {};
        const b = images.get(`${p.to}:${stack}`) ?? {};
        changes.push(...imageChanges(stack, a, b));
      }
      pairCache.set(key(p), { changes: g, images: changes });
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
