import "server-only";
import { config } from "../config";
import { logger } from "../logger";
import { commitOf, remoteMainCommit } from "../git/commits";
import { fetchMainBranch } from "../git/remote";
import { listReleases } from "../git/tags";
import type { Sha } from "../git/refs";
import { draftNotes, type DraftNotes } from "./notes";
import { suggestVersions, type VersionSuggestions } from "./versions";

export interface ReleaseDraft {
  /** The commit a new release would tag by default (origin/main, or HEAD without one). */
  sha: Sha | null;
  ref: string;
  fetched: boolean;
  /** Why fetching failed, when it did (the draft then uses what is known locally). */
  fetchError: string | null;
  suggestions: VersionSuggestions;
  notes: DraftNotes;
  message: string;
  existing: string[];
}

/** What the "Tag release" dialog pre-fills: suggestions and notes since the newest release, from origin/main after a fetch. */
export async function prepareRelease(opts: { fetch?: boolean } = {}): Promise<ReleaseDraft> {
  const { GIT_REMOTE: remote, GIT_MAIN_BRANCH: main } = config();
  let fetched = false;
  let fetchError: string | null = null;
  if (opts.fetch !== false) {
    try {
      await fetchMainBranch();
      fetched = true;
    } catch (e) {
      fetchError = (e as Error).message;
      logger.info("release draft without a fetch", { err: fetchError });
    }
  }
  let ref = `${remote}/${main}`;
  let sha = await remoteMainCommit();
  if (!sha) {
    ref = "HEAD";
    sha = await commitOf("HEAD");
  }
  const list = await listReleases();
  const suggestions = suggestVersions(list.releases.map((x) => x.tag));
  const newest = list.releases.find((x) => !x.prerelease) ?? list.releases[0] ?? null;
  const notes = sha ? await draftNotes(newest?.sha ?? null, sha) : { groups: [], markdown: "" };
  return {
    sha,
    ref,
    fetched,
    fetchError,
    suggestions,
    notes,
    message: `Release ${suggestions.patch}\n\n${notes.markdown || "No changes since the previous release."}`,
    existing: [...list.releases.map((x) => x.tag), ...list.others.map((o) => o.name)],
  };
}
