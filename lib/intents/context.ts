import "server-only";
import { deployedRelease, rollbackPlan } from "../deploy";
import type { RollbackPlan } from "../deploy/plan";
import { repoState } from "../git/state";
import { config } from "../config";
import { fetchOrigin } from "../git/remote";
import { invalidateReleases, listReleases, newestRelease, type ReleaseList } from "../git/tags";
import { logger } from "../logger";

// What parameter defaults and confirm texts are resolved against: the deployed release,
// the releases in the repo, and E's rollback plan. Read lazily and once per run.

export interface RunContext {
  releases(): Promise<ReleaseList>;
  /** A release just tagged upstream: fetch once (with GIT_TIMEOUT), then list again. A failed fetch keeps the local list. */
  releasesAfterFetch(): Promise<ReleaseList>;
  /** The deployed release (or the work tree's release before the first deployment), else null. */
  current(): Promise<string | null>;
  rollbackPlan(): RollbackPlan;
  latest(): Promise<string | null>;
}

export function runContext(): RunContext {
  let rel: Promise<ReleaseList> | null = null;
  let plan: RollbackPlan | null = null;
  const releases = () => (rel ??= listReleases());
  let fetched: Promise<ReleaseList> | null = null;
  return {
    releases,
    releasesAfterFetch() {
      return (fetched ??= (async () => {
        try {
          await fetchOrigin(AbortSignal.timeout(config().GIT_TIMEOUT));
          invalidateReleases();
          rel = null;
        } catch (e) {
          logger.info("fetch before checking a release failed", { err: e as Error });
        }
        return releases();
      })());
    },
    async current() {
      // Before the first deployment, the release the work tree is at (what the engine adopts).
      return deployedRelease()?.tag ?? (await repoState().catch(() => null))?.headRelease ?? null;
    },
    rollbackPlan() {
      return (plan ??= rollbackPlan());
    },
    async latest() {
      const list = await releases();
      return (list.releases.find((r) => !r.prerelease) ?? newestRelease(list))?.tag ?? null;
    },
  };
}
