import "server-only";
import { logger } from "../logger";
import { compareReleases, isReleaseTag, type Sha } from "../git/refs";
import { repoState, type RepoState } from "../git/state";
import { listReleases, type Release } from "../git/tags";
import { deployedRelease, type DeployedRelease } from "./deployed";
import { listHolds, type ReleaseHold } from "./holds";
import { lockHolder } from "./lock";
import { planRollback, type RollbackPlan } from "./plan";
import { diffTrees, loadTree } from "./stack-diff";
import { getDeploymentRow, historyRows, listDeploymentRows } from "./store";
import type { Deployment, StackChange } from "./types";

// Everything the Overview's release card needs, read once per page view.
export interface OverviewData {
  deployed: (DeployedRelease & { deployment: Deployment | null; release: Release | null }) | null;
  /** The release HEAD is at when nothing has been deployed through Oresi yet. */
  checkedOut: string | null;
  repo: Pick<RepoState, "head" | "headRelease" | "branch" | "dirtyFiles"> | null;
  rollback: RollbackPlan;
  newer: { release: Release; stacks: StackChange[]; hold: ReleaseHold | null } | null;
  running: Deployment | null;
  interrupted: Deployment | null;
  lastFailed: Deployment | null;
  holds: ReleaseHold[];
  recent: Deployment[];
  error: string | null;
}

export async function overviewData(): Promise<OverviewData> {
  let error: string | null = null;
  const [state, list] = await Promise.all([
    repoState().catch((e) => {
      error = (e as Error).message;
      return null;
    }),
    listReleases().catch(() => null),
  ]);
  const d = deployedRelease();
  const deployed = d ? { ...d, deployment: getDeploymentRow(d.deploymentId), release: list?.byTag.get(d.tag) ?? null } : null;
  const recent = listDeploymentRows({ limit: 8 });
  const holds = listHolds();
  const lock = lockHolder();
  const running = lock ? getDeploymentRow(lock.holder) : null;
  const lastReal = recent.find((x) => x.kind !== "adopt") ?? null;
  const interrupted = !running && lastReal?.status === "interrupted" ? lastReal : null;
  const lastFailed = !running && lastReal && (lastReal.status === "failed" || lastReal.status === "rolled_back") ? lastReal : null;

  let newer: OverviewData["newer"] = null;
  const base = d?.tag ?? state?.headRelease ?? null;
  const newest = list?.releases.find((r) => !r.prerelease) ?? null;
  if (newest && (!base || (isReleaseTag(base) && compareReleases(newest.tag, base) > 0))) {
    let stacks: StackChange[] = [];
    try {
      const baseSha = (base && list?.byTag.get(base)?.sha) || null;
      stacks = diffTrees(baseSha ? await loadTree(baseSha as Sha) : null, await loadTree(newest.sha));
    } catch (e) {
      logger.warn("overview: comparing releases failed", { err: e as Error });
    }
    newer = { release: newest, stacks, hold: holds.find((h) => h.release === newest.tag) ?? null };
  }
  return {
    deployed,
    checkedOut: d ? null : (state?.headRelease ?? null),
    repo: state ? { head: state.head, headRelease: state.headRelease, branch: state.branch, dirtyFiles: state.dirtyFiles } : null,
    rollback: planRollback(historyRows()),
    newer,
    running,
    interrupted,
    lastFailed,
    holds,
    recent,
    error,
  };
}
