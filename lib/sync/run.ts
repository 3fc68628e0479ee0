import "server-only";
import { createHash } from "node:crypto";
import { SYSTEM_CALLER } from "../access/caller";
import { config } from "../config";
import { deployedRelease } from "../deploy/deployed";
import { isHeld } from "../deploy/holds";
import { isDeploying, startDeployment } from "../deploy/start";
import { audit } from "../audit/record";
import { isAppError } from "../errors";
import { describeMovedTag, fetchOrigin, lsRemoteTags, type RemoteTag } from "../git/remote";
import { compareReleases, isReleaseTag, type ReleaseTag } from "../git/refs";
import { repoState } from "../git/state";
import { listReleases } from "../git/tags";
import { logger } from "../logger";
import { newReleaseEvent } from "../notify/events";
import { notify } from "../notify/queue";
import { singleton } from "../singleton";
import { decideSync } from "./decide";
import { readSyncState, writeSyncState, type SyncOutcome, type SyncRun, type SyncTrigger } from "./state";

// One sync: ask the remote cheaply (ls-remote), fetch only when its tags changed, then apply
// SYNC_POLICY. Never two at once (a request during a run queues one more run), never during a
// deployment (it runs again when the deployment finishes).

interface Runner {
  running: Promise<SyncRun> | null;
  next: Promise<SyncRun> | null;
  /** A sync was skipped because a deployment ran: run again when it finishes. */
  afterDeployment: boolean;
}

const runner = singleton<Runner>("sync.runner", () => ({ running: null, next: null, afterDeployment: false }));

export function isSyncing(): boolean {
  return runner.running !== null;
}

/** Run a sync and resolve with its result. While one runs, at most one more is queued (and shared). */
export function runSync(trigger: SyncTrigger): Promise<SyncRun> {
  if (!runner.running) {
    runner.running = syncOnce(trigger).finally(() => {
      runner.running = null;
    });
    return runner.running;
  }
  if (!runner.next) {
    runner.next = runner.running.then(() => {
      runner.next = null;
      return runSync(trigger);
    });
  }
  return runner.next;
}

/** Start a sync in the background and return at once (webhooks, the Sync now button). */
export function requestSync(trigger: SyncTrigger): { queued: boolean } {
  const queued = isSyncing();
  runSync(trigger).catch((e) => logger.error("sync crashed", { err: e as Error }));
  return { queued };
}

/** Called when a deployment finishes: run the sync that a deployment made us skip. */
export function syncAfterDeployment(): void {
  if (!runner.afterDeployment) return;
  runner.afterDeployment = false;
  // The engine announces "finished" just before it releases its lock (or hands it to an
  // automatic rollback): wait for the lock to be free, up to the next scheduled run.
  let tries = 0;
  const attempt = () => {
    if (!isDeploying()) return void requestSync("deployment-finished");
    if (++tries > 600) return void (runner.afterDeployment = true);
    setTimeout(attempt, 250).unref();
  };
  setTimeout(attempt, 50).unref();
}

export function fingerprint(tags: RemoteTag[]): string {
  const lines = tags.map((t) => `${t.sha} ${t.name}`).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

async function syncOnce(trigger: SyncTrigger): Promise<SyncRun> {
  const t0 = performance.now();
  const done = (outcome: SyncOutcome, message: string, extra: Partial<SyncRun> = {}): SyncRun => ({
    at: new Date().toISOString(),
    trigger,
    outcome,
    message,
    durationMs: Math.round(performance.now() - t0),
    ...extra,
  });

  if (isDeploying()) {
    runner.afterDeployment = true;
    const run = done("skipped", "A deployment is running; sync runs again when it finishes.");
    writeSyncState({ lastRun: run });
    return run;
  }

  const c = config();
  try {
    const remote = await lsRemoteTags();
    const fp = fingerprint(remote);
    const before = readSyncState();
    const changed = fp !== before.remoteTags;
    // A tag origin moved is kept here as it was and reported; the other tags still arrive.
    const moved = changed ? (await fetchOrigin()).movedTags.map((m) => ({ ...m, message: describeMovedTag(m) })) : before.movedTags;
    for (const m of changed ? moved : []) logger.warn(`sync: ${m.message}`, { tag: m.tag, local: m.local ?? undefined, remote: m.remote ?? undefined });
    const movedNote = moved.length ? ` Upstream moved ${moved.map((m) => m.tag).join(", ")}: kept as they were here (see the sync status).` : "";
    const list = await listReleases();
    const deployed = deployedRelease()?.tag ?? (await repoState()).headRelease ?? null;
    const decision = decideSync(
      list.releases.map((r) => ({ tag: r.tag, prerelease: r.prerelease })),
      deployed,
      { policy: c.SYNC_POLICY, prereleases: c.SYNC_PRERELEASES, heldReason: (t) => isHeld(t)?.reason ?? null },
    );
    const newest = decision.newest;
    const patch = {
      remoteTags: fp,
      lastSuccessAt: new Date().toISOString(),
      lastError: null,
      consecutiveFailures: 0,
      movedTags: moved,
      available: newest ? { tag: newest, foundAt: before.available?.tag === newest ? before.available.foundAt : new Date().toISOString() } : null,
    };

    let run: SyncRun;
    const base = c.PUBLIC_URL ?? c.NEXTAUTH_URL;
    if (decision.rollout && newest && newest !== before.rolledOut) {
      const started = await startDeployment({ kind: "sync", to: newest }, SYSTEM_CALLER);
      audit({
        caller: SYSTEM_CALLER,
        action: "deployment.sync",
        target: newest,
        params: { kind: "sync", to: newest },
        result: "accepted",
        status: 202,
        deploymentId: started.id,
      });
      if (isNewer(newest, before.announced)) notify(newReleaseEvent(newest, deployed, true, base));
      run = done("rolled_out", `Rolling out ${newest} (deployed: ${deployed ?? "none"}).${movedNote}`, { deploymentId: started.id });
      writeSyncState({ ...patch, announced: newest, rolledOut: newest, lastRun: run });
    } else if (newest && isNewer(newest, before.announced)) {
      notify(newReleaseEvent(newest, deployed, false, base));
      const outcome = decision.reason.includes("on hold") ? "held" : "announced";
      run = done(outcome, `${newest} is available. ${capital(decision.reason)}.${movedNote}`);
      writeSyncState({ ...patch, announced: newest, lastRun: run });
    } else {
      const outcome = decision.reason.includes("on hold") ? "held" : changed ? "fetched" : "unchanged";
      const what = changed ? "Fetched new tags from the remote" : "No new tags on the remote";
      run = done(
        outcome,
        `${what}; ${decision.newest === before.rolledOut && decision.rollout ? `${newest} was already rolled out by sync` : decision.reason}.${movedNote}`,
      );
      writeSyncState({ ...patch, lastRun: run });
    }
    logger.info("sync finished", { trigger, outcome: run.outcome, message: run.message });
    return run;
  } catch (e) {
    const message = isAppError(e) ? e.message : `Sync failed: ${(e as Error).message}`;
    const prev = readSyncState();
    const run = done("failed", message);
    writeSyncState({ lastRun: run, lastError: { at: run.at, message }, consecutiveFailures: prev.consecutiveFailures + 1 });
    logger.warn("sync failed; retrying at the next interval", { trigger, err: message });
    return run;
  }
}

/** Announce each release once, and never one older than the last announced. */
const isNewer = (tag: string, than: string | null) => !than || !isReleaseTag(than) || compareReleases(tag as ReleaseTag, than) > 0;

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
