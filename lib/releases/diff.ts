import "server-only";
import { changedFilesForPairs, groupByStack } from "../git/changes";
import { COMPOSE_FILES, readFilesMulti } from "../git/read";
import { maskFile } from "../secrets/mask";
import { resolveRef, type ResolvedRef } from "./resolve";
import { formatUnified, unifiedDiff, type Hunk } from "./unified-diff";

export interface FileDiff {
  path: string;
  status: "A" | "D" | "M";
  hunks: Hunk[];
  /** The same diff as unified-diff text (secrets masked). */
  unified: string;
}

export interface StackDiff {
  name: string;
  change: "added" | "removed" | "changed";
  files: FileDiff[];
}

export interface ReleaseDiff {
  from: ResolvedRef;
  to: ResolvedRef;
  stacks: StackDiff[];
  /** Changed files outside stack folders (not diffed). */
  other: string[];
}

const isEnvFile = (name: string) => name === ".env" || name.endsWith(".env") || name.startsWith(".env.");
const isComposeOrEnv = (p: string) => {
  const base = p.slice(p.indexOf("/") + 1);
  return !base.includes("/") && ((COMPOSE_FILES as readonly string[]).includes(base) || isEnvFile(base));
};

/**
 * Per stack, the unified diff of its compose and env files between two refs (release tags,
 * SHAs or "deployed"). Secrets are masked on both sides (lib/secrets/mask.ts), in .env and compose files.
 * Two git processes for a pair not seen before; cached diff-tree results after that.
 */
export async function releaseDiff(fromRef: string, toRef: string): Promise<ReleaseDiff> {
  const [from, to] = await Promise.all([resolveRef(fromRef), resolveRef(toRef)]);
  const [files] = await changedFilesForPairs([{ from: from.sha, to: to.sha }]);
  const g = groupByStack(files);
  const wanted = files.filter((f) => isComposeOrEnv(f.path));
  const blobs = await readFilesMulti(
    wanted.flatMap((f) => [
      { commit: from.sha, path: f.path },
      { commit: to.sha, path: f.path },
    ]),
  );
  const text = (sha: string, p: string) => blobs.get(`${sha}:${p}`)?.toString("utf8") ?? null;
  const stacks: StackDiff[] = [];
  for (const name of [...g.added, ...g.removed, ...g.changed].sort()) {
    const change = g.added.includes(name) ? "added" : g.removed.includes(name) ? "removed" : "changed";
    const out: FileDiff[] = [];
    for (const f of g.files[name].filter((x) => isComposeOrEnv(x.path))) {
      // Both sides masked (.env values, inline compose secrets, credentials in URLs, keys, tokens);
      // only the new side says when a masked value changed, so the two lines differ in the diff.
      const ra = text(from.sha, f.path);
      const rb = text(to.sha, f.path);
      const a = ra == null ? null : maskFile(f.path, ra);
      const b = rb == null ? null : maskFile(f.path, rb, ra);
      const status = f.status === "A" ? "A" : f.status === "D" ? "D" : "M";
      const hunks = unifiedDiff(a, b);
      out.push({ path: f.path, status, hunks, unified: formatUnified(f.path, hunks, status) });
    }
    stacks.push({ name, change, files: out });
  }
  return { from, to, stacks, other: g.other };
}
