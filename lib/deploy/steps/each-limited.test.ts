import { describe, expect, it } from "vitest";
import { eachLimited } from "./each-limited";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("eachLimited", () => {
  it("runs every item, never more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await tick(5 + (n % 3) * 5);
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("after a failure starts nothing new, waits for the running ones, then throws the first error", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const p = eachLimited([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 2) throw new Error("two failed");
      await tick(30);
      finished.push(n);
    });
    await expect(p).rejects.toThrow("two failed");
    // 1 and 2 started; 2 failed at once, so 3 was never started; 1 was waited for.
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([1]);
  });

  it("with a limit of 1 runs in order; an empty list does nothing", async () => {
    const order: number[] = [];
    await eachLimited([3, 1, 2], 1, async (n) => {
      await tick(3 - n);
      order.push(n);
    });
    expect(order).toEqual([3, 1, 2]);
    await eachLimited([], 4, async () => {
      throw new Error("not called");
    });
  });
});
