import { describe, expect, it } from "vitest";
import { sharedValue } from "./cache";

describe("sharedValue", () => {
  it("loads once for concurrent callers and serves from memory within the age", async () => {
    const v = sharedValue<number>(`t1-${Math.random()}`);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 20));
      return loads;
    };
    const all = await Promise.all(Array.from({ length: 25 }, () => v.get(load, 1000)));
    expect(new Set(all)).toEqual(new Set([1]));
    expect(await v.get(load, 1000)).toBe(1);
    expect(loads).toBe(1);
    expect(await v.get(load, 0)).toBe(2);
  });

  it("does not store a load that started before an invalidation", async () => {
    const v = sharedValue<string>(`t2-${Math.random()}`);
    let release!: () => void;
    const slow = v.get(() => new Promise<string>((r) => (release = () => r("old"))), 1000);
    v.invalidate();
    release();
    expect(await slow).toBe("old");
    expect(v.peek()).toBeNull();
    expect(await v.get(async () => "new", 1000)).toBe("new");
  });

  it("does not keep a failure", async () => {
    const v = sharedValue<string>(`t3-${Math.random()}`);
    await expect(v.get(async () => Promise.reject(new Error("down")), 1000)).rejects.toThrow("down");
    expect(await v.get(async () => "up", 1000)).toBe("up");
  });
});
