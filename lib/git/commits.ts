import "server-only";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { config } from "../config";
import { gitError, gitText, runGit } from "./client";
import { gitDirOf } from "./gitdir";
import type { RepoPath, Sha } from "./refs";
import { tagSigning } from "./signature";

// The git side of tagging a release: the tip of the main branch, ancestry, a commit built in a
// private index, the tag itself, and the log the notes are drafted from. Argument arrays only.

type Env = Record<string, string>;

/** A git call whose stdout (trimmed) is the answer; any failure is an AppError naming `what`. */
async function git(args: string[], what: string, opts: { input?: string; env?: Env } = {}): Promise<string> {
  try {
    const r = await runGit(args, opts);
    if (r.code !== 0) throw new Error(r.stderr || `git ${args[0]} exited with ${r.code}`);
    return r.stdout.toString("utf8").trim();
  } catch (e) {
    throw gitError(e, what);
  }
}

/** The commit a ref points at (`rev-parse --verify --quiet REF^{commit}`), or null when there is none. */
export async function commitOf(ref: "HEAD" | `refs/remotes/${string}`): Promise<Sha | null> {
  const r = await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  const sha = r.code === 0 ? r.stdout.toString().trim() : "";
  return sha ? (sha as Sha) : null;
}

/** GIT_REMOTE's GIT_MAIN_BRANCH as last fetched (refs/remotes/REMOTE/MAIN), or null. */
export function remoteMainCommit(): Promise<Sha | null> {
  const { GIT_REMOTE: remote, GIT_MAIN_BRANCH: main } = config();
  return commitOf(`refs/remotes/${remote}/${main}`);
}

/** Whether `commit` is `of` or an ancestor of it (`merge-base --is-ancestor`). */
export async function isAncestor(commit: Sha, of: Sha): Promise<boolean> {
  return (await runGit(["merge-base", "--is-ancestor", commit, of])).code === 0;
}

/**
 * A commit on top of `parent` that changes only `file` (to `text`), built in a private index:
 * the work tree, the index and HEAD are untouched. `env` names the author and committer; `label`
 * names the file in errors ("Preparing the CHANGELOG commit").
 */
export async function commitFileOnTop(parent: Sha, file: RepoPath, text: string, message: string, env: Env, label: string = file): Promise<Sha> {
  const index = path.join(gitDirOf(config().stacksDir)!, `oresi-index-${crypto.randomBytes(4).toString("hex")}`);
  const ienv = { ...env, GIT_INDEX_FILE: index };
  const what = `Preparing the ${label} commit`;
  try {
    await git(["read-tree", parent], what, { env: ienv });
    const blob = await git(["hash-object", "-w", "--stdin"], what, { input: text });
    await git(["update-index", "--add", "--cacheinfo", `100644,${blob},${file}`], what, { env: ienv });
    const tree = await git(["write-tree"], what, { env: ienv });
    return (await git(["commit-tree", tree, "-p", parent, "-F", "-"], `Committing ${file}`, { env, input: message })) as Sha;
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/** An annotated tag on `target` (signed with RELEASE_SIGNING_KEY when set: git tag -s). `env` names the tagger. */
export async function createTag(tag: string, target: Sha, message: string, env: Env): Promise<void> {
  const sign = tagSigning();
  await git([...sign.config, "tag", sign.flag, "--cleanup=whitespace", "-F", "-", tag, target], `Creating the tag ${tag}`, {
    env: { ...env, ...sign.env },
    input: message,
  });
}

/** Remove a local tag; never throws (used to leave nothing behind after a failed push). */
export async function deleteTagQuietly(tag: string): Promise<void> {
  await runGit(["tag", "-d", tag]).catch(() => undefined);
}

/**
 * The commits of `from..to` (all of `to`'s history without `from`), newest first, at most 500,
 * merges left out, each with the files it touches, as `git log` prints them for
 * `--format=%x1e%H%x1f%h%x1f%s%x1f%an --name-only`: one record per commit, starting with \x1e.
 */
export async function logWithFiles(from: Sha | null, to: Sha, what: string): Promise<string> {
  try {
    const range = from ? [`${from}..${to}`] : [to];
    return await gitText(["log", "--no-merges", "--max-count=500", "--format=%x1e%H%x1f%h%x1f%s%x1f%an", "--name-only", ...range, "--"]);
  } catch (e) {
    throw gitError(e, what);
  }
}
