import "server-only";
import { db, now } from "../db";

// What the scheduler remembers between runs and restarts (kv table, one JSON row).

export type SyncTrigger = "schedule" | "webhook" | "manual" | "api" | "startup" | "deployment-finished" | "chatops";
export type SyncOutcome = "unchanged" | "fetched" | "announced" | "rolled_out" | "held" | "skipped" | "failed";

export interface SyncRun {
  at: string;
  trigger: SyncTrigger;
  outcome: SyncOutcome;
  /** One sentence for people: "v1.2.0 found; v1.1.0 is deployed". */
  message: string;
  durationMs: number;
  deploymentId?: string;
}

export interface SyncState {
  /** Fingerprint of the remote's tags (`git ls-remote --tags`) at the last successful fetch. */
  remoteTags: string | null;
  lastRun: SyncRun | null;
  lastSuccessAt: string | null;
  lastError: { at: string; message: string } | null;
  consecutiveFailures: number;
  /** The newest release above the deployed one (shown on the Overview). */
  available: { tag: string; foundAt: string } | null;
  /** The last release announced, so each one is announced once. */
  announced: string | null;
  /** The last release sync rolled out itself: never retried automatically (a failure needs a person). */
  rolledOut: string | null;
  /** Tags origin moved (deleted and re-created elsewhere), kept here as they were; from the last fetch. */
  movedTags: { tag: string; local: string | null; remote: string | null; message: string }[];
}

const KEY = "sync.state";
const EMPTY: SyncState = {
  remoteTags: null,
  lastRun: null,
  lastSuccessAt: null,
  lastError: null,
  consecutiveFailures: 0,
  available: null,
  announced: null,
  rolledOut: null,
  movedTags: [],
};

export function readSyncState(): SyncState {
  const row = db().prepare("SELECT value FROM kv WHERE key = ?").get(KEY) as { value: string } | undefined;
  if (!row) return { ...EMPTY };
  try {
    return { ...EMPTY, ...(JSON.parse(row.value) as Partial<SyncState>) };
  } catch {
    return { ...EMPTY };
  }
}

export function writeSyncState(patch: Partial<SyncState>): SyncState {
  const d = db();
  return d.transaction(() => {
    const next = { ...readSyncState(), ...patch };
    d.prepare(
      `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(KEY, JSON.stringify(next), now());
    return next;
  })();
}
