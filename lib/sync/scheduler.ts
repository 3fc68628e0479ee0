import "server-only";
import { config } from "../config";
import { logger } from "../logger";
import { checkDrift } from "../notify/drift";
import { singleton } from "../singleton";
import { isSyncing, runSync } from "./run";
import { readSyncState } from "./state";

// The scheduled sync: a chain of timers (not setInterval), so runs never overlap and a slow
// or failed one simply waits for the next. Works with no inbound connection at all.

const FIRST_DELAY_MS = 5_000;

interface Scheduler {
  timer: NodeJS.Timeout | null;
  nextAt: string | null;
  started: boolean;
}

const sched = singleton<Scheduler>("sync.scheduler", () => ({ timer: null, nextAt: null, started: false }));

function schedule(ms: number): void {
  sched.nextAt = new Date(Date.now() + ms).toISOString();
  sched.timer = setTimeout(() => {
    sched.timer = null;
    sched.nextAt = null;
    runSync("schedule")
      .catch((e) => logger.error("scheduled sync crashed", { err: e as Error }))
      // Drift is checked on the same slow schedule, after the sync.
      .then(() => checkDrift())
      .catch((e) => logger.warn("drift check failed", { err: e as Error }))
      .finally(() => {
        if (sched.started) schedule(config().SYNC_INTERVAL);
      });
  }, ms);
  sched.timer.unref();
}

/** Start the schedule once per process (SYNC_INTERVAL; 0 or off disables it). */
export function startScheduler(firstDelayMs = FIRST_DELAY_MS): void {
  if (sched.started) return;
  const every = config().SYNC_INTERVAL;
  if (!every) {
    logger.info("scheduled sync is off (SYNC_INTERVAL=0); webhooks and Sync now still work");
    return;
  }
  sched.started = true;
  schedule(Math.min(firstDelayMs, every));
  logger.info("scheduled sync started", { everyMs: every, policy: config().SYNC_POLICY });
}

export interface SyncStatus {
  enabled: boolean;
  intervalMs: number;
  policy: "notify" | "rollout";
  prereleases: boolean;
  running: boolean;
  nextAt: string | null;
  lastRun: ReturnType<typeof readSyncState>["lastRun"];
  lastSuccessAt: string | null;
  lastError: { at: string; message: string } | null;
  consecutiveFailures: number;
  available: { tag: string; foundAt: string } | null;
  /** Tags origin moved that are kept here as they were (never force-moved under a release). */
  movedTags: ReturnType<typeof readSyncState>["movedTags"];
  webhook: { configured: boolean; repository: string | null; branch: string };
}

/** For /api/status, /api/sync and the Overview card. */
export function syncStatus(): SyncStatus {
  const c = config();
  const s = readSyncState();
  return {
    enabled: c.SYNC_INTERVAL > 0,
    intervalMs: c.SYNC_INTERVAL,
    policy: c.SYNC_POLICY,
    prereleases: c.SYNC_PRERELEASES,
    running: isSyncing(),
    nextAt: sched.nextAt,
    lastRun: s.lastRun,
    lastSuccessAt: s.lastSuccessAt,
    lastError: s.lastError,
    consecutiveFailures: s.consecutiveFailures,
    available: s.available,
    movedTags: s.movedTags,
    webhook: { configured: !!c.WEBHOOK_SECRET, repository: c.WEBHOOK_REPOSITORY ?? null, branch: c.GIT_MAIN_BRANCH },
  };
}
