import "server-only";
import type { Caller } from "../access/caller";
import { config } from "../config";
import { AppError } from "../errors";
import { logger } from "../logger";
import { singleton } from "../singleton";
import { commitFileOnTop, createTag, deleteTagQuietly, isAncestor, remoteMainCommit } from "../git/commits";
import { readFileAt } from "../git/read";
import { fetchMainBranch, lsRemoteTags, pushRefs } from "../git/remote";
import { invalidateRepoState, resolveCommit } from "../git/state";
import { invalidateReleases, listReleases, type Release } from "../git/tags";
import { repoPath, type ReleaseTag, type Sha } from "../git/refs";
import { insertChangelogSection } from "./changelog";
import { draftNotes } from "./notes";
import { checkNewVersion } from "./versions";

export interface CreateReleaseInput {
  tag: string;
  /** A commit on the main branch (SHA or release tag); default: origin/main after a fetch. */
  ref?: string;
  message?: string;
  /** Allow a version that is not greater than the newest release. */
  backport?: boolean;
  /** Append the drafted notes to CHANGELOG.md as their own commit, pushed before the tag. */
  changelog?: boolean;
}

export interface CreateReleaseResult {
  release: Release;
  changelogCommit: Sha | null;
}

const lock = singleton("releases.create.lock", () => ({ tail: Promise.resolve() as Promise<unknown> }));

/** The tagger: the signed-in person's name, with a configured or default e-mail. Never needs global git config. */
export function taggerEnv(caller: Caller): Record<string, string> {
  const raw = caller.onBehalfOf ? `${caller.onBehalfOf} (via ${caller.name})` : caller.name;
  const name =
    raw
      .replace(/[<>\n\r\0]/g, "")
      .trim()
      .slice(0, 100) || "Oresi";
  const email = (config().ORESI_GIT_EMAIL || process.env.GIT_COMMITTER_EMAIL || "oresi@localhost").replace(/[<>\s]/g, "");
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}

/** A commit on top of `parent` that changes only CHANGELOG.md, built in a private index (work tree and HEAD untouched). */
async function changelogCommit(parent: Sha, tag: ReleaseTag, body: string, env: Record<string, string>): Promise<Sha> {
  const current = await readFileAt(parent, "CHANGELOG.md");
  const text = insertChangelogSection(current, tag, new Date().toISOString().slice(0, 10), body);
  return commitFileOnTop(parent, repoPath("CHANGELOG.md"), text, `Add ${tag} to CHANGELOG.md\n`, env, "CHANGELOG");
}

/**
 * Tag a release: an annotated tag on a commit of the main branch, pushed to origin.
 * Every refusal (bad name, exists locally or on origin, not on main, not newer without a
 * backport, push failure) is a 4xx/5xx with nothing changed: the local tag is removed
 * again when the push fails. One tagging at a time.
 */
export function createRelease(input: CreateReleaseInput, caller: Caller): Promise<CreateReleaseResult> {
  const run = lock.tail.then(
    () => doCreate(input, caller),
    () => doCreate(input, caller),
  );
  lock.tail = run.catch(() => undefined);
  return run;
}

async function doCreate(input: CreateReleaseInput, caller: Caller): Promise<CreateReleaseResult> {
  const { GIT_REMOTE: remote, GIT_MAIN_BRANCH: main } = config();
  const bad = checkNewVersion(input.tag, []);
  if (bad) throw new AppError(bad.code, bad.message);
  const tag = input.tag as ReleaseTag;
  if (input.message !== undefined && (input.message.length > 20_000 || input.message.includes("\0")))
    throw new AppError("bad_request", "The message is too long (20,000 characters at most) or contains a NUL character.");

  // Read-only checks first: nothing is fetched or written before they pass.
  const list = await listReleases();
  if (list.byTag.has(tag) || list.others.some((o) => o.name === tag))
    throw new AppError("conflict", `The tag ${tag} already exists in the local repository; choose another version.`);
  const remoteTags = await lsRemoteTags();
  if (remoteTags.some((t) => t.name === tag)) throw new AppError("conflict", `The tag ${tag} already exists on ${remote}; fetch, then choose another version.`);
  const order = checkNewVersion(tag, [...list.releases.map((r) => r.tag), ...remoteTags.filter((t) => t.release).map((t) => t.name)], {
    backport: input.backport,
  });
  if (order) throw new AppError(order.code, order.message);

  await fetchMainBranch();
  const mainSha = await remoteMainCommit();
  if (!mainSha) throw new AppError("preflight_failed", `${remote} has no branch ${main} (GIT_MAIN_BRANCH): push it first, or set GIT_MAIN_BRANCH.`);
  let target = input.ref ? await resolveCommit(input.ref) : mainSha;
  if (!(await isAncestor(target, mainSha)))
    throw new AppError(
      "preflight_failed",
      `Commit ${target.slice(0, 12)} is not on ${remote}/${main}: releases are tagged on the main branch. Merge it first.`,
    );
  if (input.changelog && target !== mainSha)
    throw new AppError("preflight_failed", `A CHANGELOG.md section can only be added when tagging the tip of ${remote}/${main} (${mainSha.slice(0, 12)}).`);

  const newest = list.releases.find((r) => !r.prerelease) ?? list.releases[0] ?? null;
  const notes = await draftNotes(newest ? newest.sha : null, target);
  const message = input.message?.trim() || `Release ${tag}\n\n${notes.markdown || "No changes since the previous release."}`;
  const env = taggerEnv(caller);

  let clCommit: Sha | null = null;
  if (input.changelog) {
    clCommit = await changelogCommit(target, tag, notes.markdown || "- No changes since the previous release.", env);
    await pushRefs([`${clCommit}:refs/heads/${main}`]);
    target = clCommit;
    logger.info("CHANGELOG.md section pushed", { tag, commit: clCommit });
  }

  // RELEASE_SIGNING_KEY: a signed tag (git tag -s), so that RELEASE_SIGNERS can verify it.
  await createTag(tag, target, message + "\n", env);
  invalidateReleases();
  try {
    await pushRefs([`refs/tags/${tag}:refs/tags/${tag}`]);
  } catch (e) {
    // Leave nothing behind: the tag exists only if origin has it.
    await deleteTagQuietly(tag);
    invalidateReleases();
    throw e;
  } finally {
    invalidateRepoState();
  }
  const release = (await listReleases()).byTag.get(tag);
  if (!release) throw new AppError("internal", `The tag ${tag} was pushed but cannot be read back.`);
  logger.info("release tagged", { tag, sha: release.sha, by: env.GIT_COMMITTER_NAME });
  return { release, changelogCommit: clCommit };
}
