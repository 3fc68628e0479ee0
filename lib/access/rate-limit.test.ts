import { describe, expect, it } from "vitest";
import { SlidingWindow } from "./rate-limit";

describe("failed sign-in limiter", () => {
  const limits = { windowMs: 60_000, perIp: 4, perUser: 2 };

  it("blocks a user after too many failures, from any address, until the window slides", () => {
    const w = new SlidingWindow(limits);
    w.fail("10.0.0.1", "alice", 0);
    expect(w.retryAfter("10.0.0.2", "alice", 1000)).toBe(0);
    w.fail("10.0.0.2", "Alice", 1000);
    expect(w.retryAfter("10.0.0.3", "alice", 2000)).toBe(58);
    expect(w.retryAfter("10.0.0.3", "bob", 2000)).toBe(0);
    expect(w.retryAfter("10.0.0.3", "alice", 60_001)).toBe(0); // the first failure left the window
  });

  it("blocks an address trying many user names", () => {
    const w = new SlidingWindow(limits);
    for (const u of ["a", "b", "c", "d"]) w.fail("10.0.0.9", u, 0);
    expect(w.retryAfter("10.0.0.9", "e", 10)).toBeGreaterThan(0);
    expect(w.retryAfter("10.0.0.8", "e", 10)).toBe(0);
  });

  it("a success clears the user's count but not the address's", () => {
    const w = new SlidingWindow(limits);
    w.fail("10.0.0.1", "alice", 0);
    w.fail("10.0.0.1", "alice", 0);
    w.succeed("alice");
    expect(w.retryAfter("10.0.0.5", "alice", 1)).toBe(0);
    w.fail("10.0.0.1", "x", 0);
    w.fail("10.0.0.1", "y", 0);
    expect(w.retryAfter("10.0.0.1", "z", 1)).toBeGreaterThan(0);
  });
});
