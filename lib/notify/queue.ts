import "server-only";
import { db, now } from "../db";
import { logger } from "../logger";
import { singleton } from "../singleton";
import { deliver, type SendOptions } from "./send";
import { notifyTargets } from "./targets";
import type { DeliveryResult, NotifyEvent, Target } from "./types";

// Fire-and-forget: notify() only queues; each target has its own background queue (so a
// dead target delays nobody but itself), each attempt has a timeout and one retry, and every
// outcome is recorded for the settings page. Nothing a target does can block or fail the
// caller (a deployment).

const MAX_QUEUE = 100;
const KEEP = 30;
const KV_KEY = "notify.results";

interface TargetQueue {
  items: { event: NotifyEvent; target: Target }[];
  draining: Promise<void> | null;
}

interface QueueState {
  queues: Map<Target["type"], TargetQueue>;
  options: SendOptions;
}

const state = singleton<QueueState>("notify.queue", () => ({ queues: new Map(), options: {} }));

/** Tests shorten the timeouts; production keeps the defaults. */
export function setSendOptions(o: SendOptions): void {
  state.options = o;
}

/** Queue an event for every configured target and return at once. */
export function notify(event: Omit<NotifyEvent, "at"> & { at?: string }): void {
  try {
    const targets = notifyTargets();
    if (!targets.length) return;
    const full: NotifyEvent = { ...event, at: event.at ?? now() };
    for (const target of targets) {
      let q = state.queues.get(target.type);
      if (!q) state.queues.set(target.type, (q = { items: [], draining: null }));
      if (q.items.length >= MAX_QUEUE) {
        const dropped = q.items.shift();
        logger.warn("notification queue full: dropped the oldest", { target: target.display, kind: dropped?.event.kind });
      }
      q.items.push({ event: full, target });
      if (!q.draining) {
        const queue = q;
        // setImmediate: the caller's synchronous work (a deployment step) finishes first.
        queue.draining = new Promise<void>((resolve) => setImmediate(() => drain(queue).finally(resolve))).finally(() => {
          queue.draining = null;
        });
      }
    }
  } catch (e) {
    logger.error("could not queue a notification", { err: e as Error });
  }
}

async function drain(q: TargetQueue): Promise<void> {
  for (let item = q.items.shift(); item; item = q.items.shift()) {
    const r = await deliver(item.target, item.event, state.options);
    if (r.ok) logger.info("notification sent", { target: r.display, kind: r.kind, attempts: r.attempts });
    else logger.warn("notification failed", { target: r.display, kind: r.kind, attempts: r.attempts, err: r.error });
    try {
      record([r]);
    } catch (e) {
      logger.error("could not record a notification result", { err: e as Error });
    }
  }
}

/** Resolves when everything queued so far has been sent (or has failed). For tests and shutdown. */
export async function flushNotifications(): Promise<void> {
  for (;;) {
    const pending = [...state.queues.values()].map((q) => q.draining).filter((p): p is Promise<void> => !!p);
    if (!pending.length) return;
    await Promise.all(pending);
  }
}

function record(results: DeliveryResult[]): void {
  const d = db();
  d.transaction(() => {
    const prev = readResults();
    const recent = [...results, ...prev].slice(0, KEEP);
    d.prepare(
      `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(KV_KEY, JSON.stringify(recent), now());
  })();
}

/** The most recent deliveries, newest first (URLs masked). */
export function readResults(): DeliveryResult[] {
  const row = db().prepare("SELECT value FROM kv WHERE key = ?").get(KV_KEY) as { value: string } | undefined;
  if (!row) return [];
  try {
    return JSON.parse(row.value) as DeliveryResult[];
  } catch {
    return [];
  }
}

export interface TargetSummary {
  type: Target["type"];
  display: string;
  last: DeliveryResult | null;
}

/** Each configured target with its last delivery, for the settings page. */
export function targetSummaries(): TargetSummary[] {
  const recent = readResults();
  return notifyTargets().map((t) => ({
    type: t.type,
    display: t.display,
    last: recent.find((r) => r.target === t.type) ?? null,
  }));
}
