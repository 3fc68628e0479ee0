import "server-only";
import { config } from "../config";
import { AppError } from "../errors";
import { redact } from "../redact";
import { failureLine, gitText, runGit } from "./client";
import { compareReleases, isReleaseTag, type ReleaseTag, type Sha } from "./refs";

/** The remote's URL with any credentials removed, to name it in errors. */
async function remoteLabel(): Promise<string> {
  const name = config().GIT_REMOTE;
  try {
    const url = (await gitText(["remote", "get-url", name], { timeoutMs: 5000 })).trim();
    return `${name} (${redact(url)})`;
  } catch {
    return name;
  }
}

/** A failed network operation as an error that names the remote and never echoes credentials. */
export async function remoteError(e: unknown, verb: string): Promise<AppError> {
  if (e instanceof AppError) return e;
  const label = await remoteLabel();
  const msg = redact((e as Error)?.message ?? String(e)).trim();
  if (/timed out/.test(msg))
    return new AppError(
      "timeout",
      `${verb} ${label} did not finish within ${Math.round(config().GIT_TIMEOUT / 1000)} s: check the network and the remote's address.`,
    );
  if (/aborted/.test(msg)) return new AppError("timeout", `${verb} ${label} was cancelled.`);
  const line = failureLine(msg) ?? msg.split("\n")[0];
  return new AppError("upstream_error", `${verb} ${label} failed: ${line}`);
}

async function network(args: string[], verb: string, signal?: AbortSignal): Promise<string> {
  try {
    const r = await runGit(args, { signal, timeoutMs: config().GIT_TIMEOUT });
    if (r.code !== 0) throw new Error(r.stderr || `git ${args[0]} exited with ${r.code}`);
    return r.stdout.toString("utf8");
  } catch (e) {
    throw await remoteError(e, verb);
  }
}

/** A tag that origin moved (deleted and re-created at another commit) and that was kept here as it was. */
export interface MovedTag {
  tag: string;
  /** The commit the tag names here (kept). */
  local: Sha | null;
  /** The commit the tag names on origin (not fetched over the local one). */
  remote: Sha | null;
}

export interface FetchResult {
  movedTags: MovedTag[];
}

const CLOBBER = /^\s*!\s+\[rejected\]\s+(\S+)\s+->\s+(\S+)\s+\(would clobber existing tag\)\s*$/;

/** Parse the tags git refused to move from `git fetch --tags` stderr. Exported for tests. */
export function clobberedTags(stderr: string): string[] {
  return stderr.split("\n").flatMap((l) => {
    const m = CLOBBER.exec(l);
    return m ? [m[2]] : [];
  });
}

/**
 * Fetch branches and tags from origin (with a timeout). Local tags are never pruned, and a
 * tag origin moved is never moved here: a deployed release must keep naming what ran (a
 * force-move would rewrite history under it). git refuses such a tag ("would clobber
 * existing tag") but fetches everything else, so the fetch succeeds and reports the moved
 * tags (local and origin commit); delete the local tag by hand to take origin's.
 */
export async function fetchOrigin(signal?: AbortSignal): Promise<FetchResult> {
  const remote = config().GIT_REMOTE;
  const args = ["fetch", "--prune", "--tags", "--no-recurse-submodules", "--", remote];
  let r;
  try {
    r = await runGit(args, { signal, timeoutMs: config().GIT_TIMEOUT });
  } catch (e) {
    throw await remoteError(e, "Fetching from");
  }
  if (r.code === 0) return { movedTags: [] };
  const moved = clobberedTags(r.stderr);
  // Any other failure ("fatal: …", or a rejection of another kind) is an error as before.
  const other = r.stderr.split("\n").filter((l) => /^\s*!|^(fatal|error):/.test(l) && !CLOBBER.test(l) && !/some local refs could not be updated/.test(l));
  if (!moved.length || other.length) throw await remoteError(new Error(r.stderr || `git fetch exited with ${r.code}`), "Fetching from");
  const onOrigin = new Map((await lsRemoteTags(signal).catch(() => [] as RemoteTag[])).map((t) => [t.name, t.sha]));
  const movedTags: MovedTag[] = [];
  for (const tag of moved) {
    const l = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/tags/${tag}^{commit}`]);
    movedTags.push({ tag, local: l.code === 0 ? (l.stdout.toString().trim() as Sha) : null, remote: onOrigin.get(tag) ?? null });
  }
  return { movedTags };
}

/** One sentence per moved tag, for logs and the sync state. */
export function describeMovedTag(m: MovedTag): string {
  return `tag ${m.tag} moved upstream from ${m.local?.slice(0, 12) ?? "?"} to ${m.remote?.slice(0, 12) ?? "?"}; not updated locally (delete the local tag to take the new one)`;
}

/** Fetch only origin's main branch (no tags): updates refs/remotes/origin/main and nothing else. */
export async function fetchMainBranch(signal?: AbortSignal): Promise<void> {
  const { GIT_REMOTE: remote, GIT_MAIN_BRANCH: main } = config();
  await network(
    ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--", remote, `+refs/heads/${main}:refs/remotes/${remote}/${main}`],
    "Fetching from",
    signal,
  );
}

export interface RemoteTag {
  name: string;
  /** The commit (peeled for annotated tags). */
  sha: Sha;
  release: boolean;
}

/** Parse `git ls-remote --tags` output, peeling annotated tags to their commit. */
export function parseLsRemote(out: string): RemoteTag[] {
  const m = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (!ref?.startsWith("refs/tags/")) continue;
    const peeled = ref.endsWith("^{}");
    const name = ref.slice("refs/tags/".length, peeled ? -3 : undefined);
    if (peeled || !m.has(name)) m.set(name, sha);
  }
  const tags = [...m].map(([name, sha]) => ({ name, sha: sha as Sha, release: isReleaseTag(name) }));
  const rel = tags.filter((t) => t.release).sort((a, b) => compareReleases(b.name as ReleaseTag, a.name as ReleaseTag));
  return [...rel, ...tags.filter((t) => !t.release).sort((a, b) => a.name.localeCompare(b.name))];
}

/** The tags on origin, without fetching them (one `git ls-remote`, with a timeout). Releases first, newest first. */
export async function lsRemoteTags(signal?: AbortSignal): Promise<RemoteTag[]> {
  return parseLsRemote(await network(["ls-remote", "--tags", "--", config().GIT_REMOTE], "Listing tags on", signal));
}

/** Push refspecs to origin; a rejection or timeout is an error naming the remote. */
export async function pushRefs(refspecs: string[], signal?: AbortSignal): Promise<void> {
  await network(["push", "--quiet", "--porcelain", "--", config().GIT_REMOTE, ...refspecs], "Pushing to", signal);
}
