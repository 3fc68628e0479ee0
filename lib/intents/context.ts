import "server-only";
import { deployedRelease } from "../deploy/deployed";
import { planRollback, type RollbackPlan } from "../deploy/plan";
import { historyRows } from "../deploy/store";
import { listReleases, newestRelease, type ReleaseList } from "../git/tags";

// What parameter defaults and confirm texts are resolved against: the deployed release,
// the releases in the repo, and E's rollback plan. Read lazily and once per run.

export interface RunContext {
  releases(): Promise<ReleaseList>;
  /** The deployed release, or null when nothing is deployed yet. */
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
      return deployedRelease()?.tag ?? null;
    },
    rollbackPlan() {
      return (plan ??= planRollback(historyRows()));
    },
    async latest() {
      const list = await releases();
      return (list.releases.find((r) => !r.prerelease) ?? newestRelease(list))?.tag ?? null;
    },
  };
}
