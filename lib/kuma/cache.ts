import "server-only";
import { singleton } from "../singleton";

// A short cache shared by every viewer of this process: one Kuma request per refresh and
// endpoint, whatever the number of browsers. Requests in flight are shared (coalesced), and
// failures are remembered as briefly as answers, so that a Kuma that is down is not hammered.

interface Entry {
  at: number;
  settled?: { ok: true; value: unknown } | { ok: false; error: unknown };
  pending?: Promise<unknown>;
}

const entries = singleton("kuma.cache", () => new Map<string, Entry>());

/** Answers younger than this are served from the cache. */
export const KUMA_CACHE_MS = 10_000;

export function cached<T>(key: string, maxAgeMs: number, fn: () => Promise<T>): Promise<T> {
  let e = entries.get(key);
  if (e?.pending) return e.pending as Promise<T>;
  if (e?.settled && Date.now() - e.at < maxAgeMs) {
    return e.settled.ok ? Promise.resolve(e.settled.value as T) : Promise.reject(e.settled.error);
  }
  if (!e) {
    e = { at: 0 };
    entries.set(key, e);
  }
  const entry = e;
  const p = fn().then(
    (value) => {
      entry.settled = { ok: true, value };
      entry.at = Date.now();
      entry.pending = undefined;
      return value;
    },
    (error: unknown) => {
      entry.settled = { ok: false, error };
      entry.at = Date.now();
      entry.pending = undefined;
      throw error;
    },
  );
  entry.pending = p;
  return p;
}

/** Forget everything (tests, or after the configuration changed). */
export function resetKumaCache(): void {
  entries.clear();
}
