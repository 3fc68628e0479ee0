// Failed sign-ins, counted in a sliding window per source address and per user name.
// In memory (one process), through singleton() so every route bundle shares it.
import { singleton } from "../singleton";

export interface Limits {
  windowMs: number;
  perIp: number;
  perUser: number;
}

export const SIGN_IN_LIMITS: Limits = { windowMs: 15 * 60_000, perIp: 20, perUser: 5 };
const MAX_KEYS = 10_000;

type Store = Map<string, number[]>;

export class SlidingWindow {
  private store: Store;
  constructor(
    private limits: Limits,
    store?: Store,
  ) {
    this.store = store ?? new Map();
  }

  private recent(key: string, now: number): number[] {
    const list = (this.store.get(key) ?? []).filter((t) => now - t < this.limits.windowMs);
    if (list.length) this.store.set(key, list);
    else this.store.delete(key);
    return list;
  }

  /** Seconds to wait when over the limit, else 0. */
  retryAfter(ip: string, user: string, now = Date.now()): number {
    let wait = 0;
    for (const [key, max] of [
      [`ip:${ip}`, this.limits.perIp],
      [`user:${user.toLowerCase()}`, this.limits.perUser],
    ] as const) {
      const list = this.recent(key, now);
      if (list.length >= max) wait = Math.max(wait, Math.ceil((list[list.length - max] + this.limits.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(ip: string, user: string, now = Date.now()): void {
    if (this.store.size > MAX_KEYS) this.prune(now);
    for (const key of [`ip:${ip}`, `user:${user.toLowerCase()}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.store.set(key, list);
    }
  }

  /**
   * Check and count in one step, before the (slow) password check, so parallel requests cannot
   * all pass the check while none has been counted yet. Returns the seconds to wait (nothing is
   * counted) or 0 and the attempt's time stamp: the attempt counts as a failure unless succeed() is
   * told that stamp.
   */
  attempt(ip: string, user: string, now = Date.now()): { wait: number; at: number } {
    const wait = this.retryAfter(ip, user, now);
    if (wait > 0) return { wait, at: now };
    this.fail(ip, user, now);
    return { wait: 0, at: now };
  }

  /**
   * A successful sign-in clears the user's count (not the address's); with the stamp from
   * attempt(), that attempt no longer counts against the address either.
   */
  succeed(user: string, ip?: string, at?: number): void {
    this.store.delete(`user:${user.toLowerCase()}`);
    if (ip === undefined || at === undefined) return;
    const list = this.store.get(`ip:${ip}`);
    const i = list ? list.lastIndexOf(at) : -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      if (!list.length) this.store.delete(`ip:${ip}`);
    }
  }

  private prune(now: number) {
    for (const key of [...this.store.keys()]) this.recent(key, now);
  }
}

export function signInLimiter(): SlidingWindow {
  return singleton("access.signInLimiter", () => new SlidingWindow(SIGN_IN_LIMITS));
}
