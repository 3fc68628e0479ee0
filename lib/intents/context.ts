import "server-only";
import { deployedRelease, rollbackPlan } from "../deploy";
import type { RollbackPlan } from "../deploy/plan";
import { repoState } from "../git/state";
import { listReleases, newestRelease, type ReleaseList } from "../git/tags";

// What parameter defaults and confirm texts are resolved against: the deployed release,
// the releases in the repo, and E's rollback plan. Read lazily and once per run.

export interface RunContext {
  releases(): Promise<ReleaseList>;
  /** The deployed release (or the work tree's release before the first deployment), else null. */
  current(): Promise<string | null>;
  rollbackPlan(): RollbackPlan;
  latest(): Promise<string | null>;
}

export function runContext(): RunContext {
  let rel: Promise<ReleaseList> | null = null;
  let plan: RollbackPlan | null = null;
  const releases = () => (rel ??= listReleases());
  return {
    releases,
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
