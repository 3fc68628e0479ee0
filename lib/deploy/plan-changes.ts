import "server-only";
import { AppError } from "../errors";
import { releaseTag, type Sha } from "../git/refs";
import { repoState } from "../git/state";
import { listReleases } from "../git/tags";
import { deployedChain, diffServices, planRollback } from "./plan";
import { diffTrees, loadTree, mergeChanges, type Tree } from "./stack-diff";
import { historyRows } from "./store";
import type { ServiceImage, StackChange } from "./types";

// Which stacks a deployment switches: those whose files differ between the target and what
// is deployed (and what HEAD is at, if that differs), plus, for an exact rollback, those whose
// recorded images differ from what runs now. The engine's plan step and the preview share it,
// so the preview says what the engine will do.

export interface ChangePlan {
  target: Tree;
  /** The trees compared against, by commit. */
  trees: Map<string, Tree>;
  changes: StackChange[];
  /** The recorded services an exact rollback pins to (null: not exact). */
  exact: ServiceImage[] | null;
  /** Stacks switched only because their recorded images differ from what runs now. */
  alsoSwitched: string[];
}

/** The recorded services of the deployment that currently counts as deployed. */
export function currentServices(): ServiceImage[] {
  const chain = deployedChain(historyRows());
  return chain[chain.length - 1]?.services ?? [];
}

export async function planChanges(sha: Sha, fromTag: string | null, exactFrom: string | null): Promise<ChangePlan> {
  const target = await loadTree(sha);
  const state = await repoState(0);
  const deployedSha = (fromTag && (await listReleases()).byTag.get(fromTag)?.sha) || null;
  const bases = [...new Set([deployedSha, state.head].filter((x): x is Sha => !!x))];
  const trees = new Map<string, Tree>();
  for (const b of bases) trees.set(b, b === sha ? target : await loadTree(b));
  let changes = bases.length ? mergeChanges(bases.map((b) => diffTrees(trees.get(b)!, target))) : diffTrees(null, target);
  const exact = exactFrom ? (historyRows().find((h) => h.id === exactFrom)?.services ?? null) : null;
  let alsoSwitched: string[] = [];
  if (exact) {
    const extra = diffServices(currentServices(), exact).filter(
      (s) => target.stacks.some((t) => t.name === s.stack) && !changes.some((x) => x.stack === s.stack),
    );
    alsoSwitched = extra.map((s) => s.stack);
    if (extra.length) changes = mergeChanges([changes, extra.map((s) => ({ stack: s.stack, change: "changed" as const }))]);
  }
  return { target, trees, changes, exact, alsoSwitched };
}

/**
 * The release a deployment goes to: the named tag (validated), or for a rollback the release
 * deployed before the current one, whose recorded images it reproduces (exactFrom).
 */
export function deploymentTarget(body: { kind: "rollback" } | { kind: "rollout" | "sync"; to: string }): { to: string; exactFrom: string | null } {
  if (body.kind !== "rollback") return { to: releaseTag(body.to), exactFrom: null };
  const plan = planRollback(historyRows());
  if (!plan.available || !plan.target) throw new AppError("conflict", `Nothing to roll back to: ${plan.reason}`);
  return { to: plan.target.release, exactFrom: plan.target.deploymentId };
}
