import { singleton } from "./singleton";

/**
 * A value shared by every caller in the process: served from memory for `maxAgeMs`,
 * and loaded at most once at a time (concurrent callers share the one in-flight load).
 * `invalidate()` drops the value, and a load that was already under way when it was
 * called is not stored, so a caller never gets back state from before a change it made.
 */
export interface SharedValue<T> {
  get(load: () => Promise<T>, maxAgeMs: number): Promise<T>;
  invalidate(): void;
  /** The stored value however old, without loading. */
  peek(): T | null;
}

interface State<T> {
  at: number;
  value: T | null;
  pending: Promise<T> | null;
  gen: number;
}

export function sharedValue<T>(name: string): SharedValue<T> {
  const s = singleton(`shared.${name}`, (): State<T> => ({ at: 0, value: null, pending: null, gen: 0 }));
  return {
    get(load, maxAgeMs) {
      if (s.value !== null && Date.now() - s.at < maxAgeMs) return Promise.resolve(s.value);
      if (!s.pending) {
        const gen = s.gen;
        const p = load()
          .then((v) => {
            if (gen === s.gen) {
              s.value = v;
              s.at = Date.now();
            }
            return v;
          })
          .finally(() => {
            if (s.pending === p) s.pending = null;
          });
        s.pending = p;
      }
      return s.pending;
    },
    invalidate() {
      s.gen++;
      s.value = null;
      s.pending = null;
    },
    peek: () => s.value,
  };
}
