import { deployedChain } from "../plan";
import type { Deployment, LogLine } from "../types";
import type { EngineDeps } from "./types";

/** The deployment a failed run hands over to: the automatic rollback, which holds the lock from now on. */
export interface FollowUp {
  id: string;
  /** The deployment whose recorded images the rollback reproduces (exact release). */
  exactFrom: string;
}

/**
 * After a failure past the switch: put the release on hold and plan the rollback to the release
 * deployed before (recorded, with the lock handed over without a gap). Returns null when no
 * automatic rollback runs (AUTO_ROLLBACK off, this was a rollback itself, nothing before).
 */
export function planAutoRollback(deps: EngineDeps, failed: Deployment, log: (line: string, stream?: LogLine["stream"]) => void): FollowUp | null {
  if (failed.to) {
    deps.store.putOnHold(failed.to, `${failed.kind} ${failed.id} failed: ${failed.error ?? "verification failed"}`, failed.id);
    log(`${failed.to} is on hold: a scheduled sync will not roll it out again until a newer release appears or an operator lifts the hold.`, "warn");
  }
  const chain = deployedChain(deps.store.history());
  const back = chain[chain.length - 1];
  if (!deps.config().AUTO_ROLLBACK) {
    log("AUTO_ROLLBACK is off: not rolling back by itself. Use Roll back on the Overview.", "warn");
    return null;
  }
  if (failed.auto || failed.rollbackOf) {
    log("This was itself an automatic rollback; not rolling back again. See the Overview for the state of the stacks.", "error");
    return null;
  }
  if (!back?.to) {
    log("Nothing was deployed before this release; no automatic rollback possible.", "error");
    return null;
  }
  const id = deps.store.newId();
  deps.store.transferLock(failed.id, {
    id,
    kind: "rollback",
    status: "queued",
    // From the failed release (its files may already be checked out) back to the one before.
    from: failed.to ?? failed.from,
    to: back.to,
    toSha: back.toSha,
    actor: { name: "oresi (automatic rollback)", kind: "system", via: `auto-rollback of ${failed.id}` },
    auto: true,
    rollbackOf: failed.id,
    // The engine's own rollback inherits the force: the live edits a forced rollout went past
    // are still there, and its own live-edits check must not leave the broken release running.
    force: failed.force,
  });
  deps.store.update(failed.id, { rolledBackBy: id });
  log(`Rolling back automatically to ${back.to}: deployment ${id}.`, "warn");
  return { id, exactFrom: back.id };
}
