import "server-only";
import { config } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";
import { gitError, runGit } from "./client";
import { gitDirOf } from "./gitdir";
import { listReleases } from "./tags";
import { resolveRelease } from "./tags";
import { commitish, isReleaseTag, type ReleaseTag, type Sha } from "./refs";

export interface FileChange {
  path: string;
  /** Two-letter porcelain code: "M." staged/unstaged, "??" untracked, … */
  code: string;
}

export interface RepoState {
  /** Current branch, or null when HEAD is detached (as after a rollout). */
  branch: string | null;
  head: Sha | null;
  /** The newest release tag pointing at HEAD, if any. */
  headRelease: ReleaseTag | null;
  /** Commits on HEAD not on origin/main, and on origin/main not on HEAD (null without origin/main). */
  ahead: number | null;
  behind: number | null;
  /** Uncommitted changes in the work tree ("live edits"). */
  dirtyFiles: string[];
  changes: FileChange[];
}

/** Parse `git status --porcelain=v2 --branch -z`. Exported for tests. */
export function parseStatus(out: string): { oid: string | null; head: string | null; changes: FileChange[] } {
  const parts = out.split("\0");
  let oid: string | null = null;
  let head: string | null = null;
  const changes: FileChange[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p) continue;
    if (p.startsWith("# branch.oid ")) oid = p.slice(13) === "(initial)" ? null : p.slice(13);
    else if (p.startsWith("# branch.head ")) head = p.slice(14) === "(detached)" ? null : p.slice(14);
    else if (p.startsWith("1 ")) changes.push({ code: p.slice(2, 4), path: p.split(" ").slice(8).join(" ") });
    else if (p.startsWith("2 ")) {
      changes.push({ code: p.slice(2, 4), path: p.split(" ").slice(9).join(" ") });
      i++; // the original path follows
    } else if (p.startsWith("u ")) changes.push({ code: p.slice(2, 4), path: p.split(" ").slice(10).join(" ") });
    else if (p.startsWith("? ")) changes.push({ code: "??", path: p.slice(2) });
  }
  return { oid, head, changes };
}

function requireRepo(): string {
  const dir = config().stacksDir;
  if (!gitDirOf(dir)) throw new AppError("dependency_down", `${dir} is not a git repository: clone your stacks repository into it (the Overview offers to).`);
  return dir;
}

async function status(): Promise<ReturnType<typeof parseStatus>> {
  const dir = requireRepo();
  try {
    const r = await runGit(["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"], { cwd: dir });
    if (r.code !== 0) throw new Error(r.stderr);
    return parseStatus(r.stdout.toString("utf8"));
  } catch (e) {
    throw gitError(e, "Reading the work tree's state");
  }
}

/** Uncommitted changes (modified, staged, deleted and untracked files), fresh on every call. */
export async function dirtyFiles(): Promise<string[]> {
  return (await status()).changes.map((c) => c.path);
}

async function aheadBehind(): Promise<{ ahead: number | null; behind: number | null }> {
  const { GIT_REMOTE: remote, GIT_MAIN_BRANCH: main } = config();
  const r = await runGit(["rev-list", "--left-right", "--count", `HEAD...refs/remotes/${remote}/${main}`, "--"]);
  if (r.code !== 0) return { ahead: null, behind: null };
  const [a, b] = r.stdout.toString().trim().split(/\s+/).map(Number);
  return { ahead: a, behind: b };
}

const cache = singleton("git.state.cache", () => ({ at: 0, value: null as RepoState | null, pending: null as Promise<RepoState> | null }));

/** Branch, HEAD, the release HEAD is at, ahead/behind origin and live edits; shared by viewers for a second. */
export async function repoState(maxAgeMs = 1000): Promise<RepoState> {
  if (cache.value && Date.now() - cache.at < maxAgeMs) return cache.value;
  if (cache.pending) return cache.pending;
  const p = (async () => {
    const [st, ab, list] = await Promise.all([status(), aheadBehind(), listReleases()]);
    const headRelease = st.oid ? (list.releases.find((r) => r.sha === st.oid)?.tag ?? null) : null;
    const v: RepoState = { branch: st.head, head: st.oid as Sha | null, headRelease, ...ab, dirtyFiles: st.changes.map((c) => c.path), changes: st.changes };
    cache.value = v;
    cache.at = Date.now();
    return v;
  })();
  cache.pending = p;
  try {
    return await p;
  } finally {
    cache.pending = null;
  }
}

export function invalidateRepoState(): void {
  cache.value = null;
}

/** Resolve a release tag or a (possibly short) SHA to a full commit SHA; 404 when absent. */
export async function resolveCommit(ref: string): Promise<Sha> {
  const r = commitish(ref);
  if (isReleaseTag(r)) return resolveRelease(r);
  const out = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${r}^{commit}`]);
  if (out.code !== 0) throw new AppError("not_found", `There is no commit ${r} in the stacks repository.`);
  return out.stdout.toString().trim() as Sha;
}

/**
 * Check out a release (or commit) with a detached HEAD, as a rollout does. Refuses when the
 * work tree has live edits (unless allowDirty), since git would carry or refuse them.
 */
export async function checkoutDetached(target: string, opts: { allowDirty?: boolean } = {}): Promise<Sha> {
  const commit = await resolveCommit(target);
  if (!opts.allowDirty) {
    const dirty = await dirtyFiles();
    if (dirty.length)
      throw new AppError("preflight_failed", `The work tree has uncommitted changes (live edits): ${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ", …" : ""}. Commit or discard them first.`, { dirtyFiles: dirty });
  }
  try {
    const r = await runGit(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit]);
    if (r.code !== 0) throw new Error(r.stderr);
  } catch (e) {
    throw gitError(e, `Checking out ${target}`);
  } finally {
    invalidateRepoState();
  }
  return commit;
}
