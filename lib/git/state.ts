import "server-only";
import fs from "node:fs";
import path from "node:path";
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
      throw new AppError(
        "preflight_failed",
        `The work tree has uncommitted changes (live edits): ${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ", …" : ""}. Commit or discard them first.`,
        { dirtyFiles: dirty },
      );
  }
  const lock = indexLockState();
  if (lock)
    throw new AppError(
      "conflict",
      lock.stale
        ? `${lock.path} was left by a git process that was killed (${Math.round(lock.ageMs / 1000)} s old, no git process is running in ${config().stacksDir}): restart Oresi, whose start-up recovery removes it and repairs the work tree, or remove the file by hand after checking \`git status\`.`
        : `A git process (pid ${lock.pids.join(", ")}) is working in ${config().stacksDir} and holds ${lock.path}: wait for it to finish, then try again.`,
      { indexLock: lock.path, stale: lock.stale },
    );
  try {
    const r = await runGit(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit]);
    if (r.code !== 0) {
      // "would be overwritten": name the files (git lists them on the lines after the error).
      const files = r.stderr
        .split("\n")
        .filter((l) => /^\t/.test(l))
        .map((l) => l.trim());
      if (/would be overwritten/.test(r.stderr) && files.length)
        throw new AppError(
          "preflight_failed",
          `Checking out ${target}: git refused, the live edits in ${files.slice(0, 5).join(", ")}${files.length > 5 ? ", …" : ""} would be overwritten. Commit or discard them first.`,
          { dirtyFiles: files },
        );
      throw new Error(r.stderr);
    }
  } catch (e) {
    throw gitError(e, `Checking out ${target}`);
  } finally {
    invalidateRepoState();
  }
  return commit;
}

/** Pids of git processes whose working folder is `dir` or inside it (null when /proc cannot be read). */
export function gitProcessesIn(dir: string): number[] | null {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return null;
  }
  const root = path.resolve(dir);
  const pids: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${e}/comm`, "utf8").trim();
      if (comm !== "git" && !comm.startsWith("git-")) continue;
      const cwd = fs.readlinkSync(`/proc/${e}/cwd`);
      if (cwd === root || cwd.startsWith(root + path.sep)) pids.push(Number(e));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

export interface IndexLockState {
  path: string;
  ageMs: number;
  /** No git process works in the repository (or, without /proc, the lock is older than a minute). */
  stale: boolean;
  pids: number[];
}

/** The work tree's `.git/index.lock`, if there is one, and whether a running git holds it. */
export function indexLockState(dir = config().stacksDir): IndexLockState | null {
  const gitDir = gitDirOf(dir);
  if (!gitDir) return null;
  const p = path.join(gitDir, "index.lock");
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return null;
  }
  const ageMs = Math.max(0, Date.now() - st.mtimeMs);
  const pids = gitProcessesIn(dir);
  return { path: p, ageMs, pids: pids ?? [], stale: pids ? pids.length === 0 : ageMs > 60_000 };
}

/**
 * HEAD, the index's view of the work tree and the changed files' sizes and times, as one
 * string: equal before and after a failed checkout means the checkout changed nothing.
 */
export async function workTreeSnapshot(): Promise<string> {
  const dir = requireRepo();
  const head = await runGit(["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: dir });
  const st = await runGit(["status", "--porcelain=v2", "-z", "--untracked-files=all"], { cwd: dir });
  if (st.code !== 0) throw gitError(new Error(st.stderr), "Reading the work tree's state");
  const parsed = parseStatus(st.stdout.toString("utf8"));
  const files = parsed.changes.map((c) => {
    try {
      const s = fs.statSync(path.join(dir, c.path));
      return `${c.path}:${s.size}:${s.mtimeMs}`;
    } catch {
      return `${c.path}:-`;
    }
  });
  return [head.stdout.toString().trim(), st.stdout.toString("utf8"), ...files].join("\n");
}

export interface CheckoutRepair {
  lockRemoved: string | null;
  head: Sha | null;
  /** Files put back to HEAD's version (or removed when HEAD has none). */
  restored: string[];
}

/**
 * Repair after a killed `git checkout`: remove a stale index.lock (never one a running git
 * holds) and put the files the checkout to `interruptedTarget` may have written back to what
 * HEAD records. git moves HEAD only after it has written the whole tree, so HEAD is the
 * commit the work tree truthfully belongs to. Files the checkout would not touch (live
 * edits elsewhere) are left alone; git refuses a checkout over live edits in the files it changes.
 */
export async function repairInterruptedCheckout(interruptedTarget: Sha | null): Promise<CheckoutRepair> {
  const dir = requireRepo();
  const out: CheckoutRepair = { lockRemoved: null, head: null, restored: [] };
  const lock = indexLockState(dir);
  if (lock && !lock.stale) return out;
  if (lock) {
    fs.rmSync(lock.path, { force: true });
    out.lockRemoved = lock.path;
  }
  try {
    const h = await runGit(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { cwd: dir });
    if (h.code !== 0) return out;
    out.head = h.stdout.toString().trim() as Sha;
    if (!lock || !interruptedTarget || interruptedTarget === out.head) return out;
    const d = await runGit(["diff", "--name-only", "-z", "--no-renames", out.head, interruptedTarget, "--"], { cwd: dir });
    if (d.code !== 0) throw new Error(d.stderr);
    const paths = d.stdout.toString("utf8").split("\0").filter(Boolean);
    const inHead = await runGit(["ls-tree", "-r", "-z", "--name-only", out.head, "--", ...paths], { cwd: dir });
    const tracked = new Set(inHead.stdout.toString("utf8").split("\0").filter(Boolean));
    const back = paths.filter((p) => tracked.has(p));
    if (back.length) {
      const r = await runGit(["checkout", "--quiet", out.head, "--", ...back], { cwd: dir });
      if (r.code !== 0) throw new Error(r.stderr);
    }
    for (const p of paths.filter((x) => !tracked.has(x))) {
      const abs = path.join(dir, p);
      if (fs.existsSync(abs)) fs.rmSync(abs, { force: true });
    }
    out.restored = paths;
    return out;
  } catch (e) {
    throw gitError(e, "Repairing the work tree after an interrupted checkout");
  } finally {
    invalidateRepoState();
  }
}
