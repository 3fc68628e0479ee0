import { describe, expect, it } from "vitest";
import { beatsSummary } from "./sparkline";

describe("sparkline text alternative", () => {
  it("says how many of the last beats were in each state", () => {
    const beats = [...Array(18).fill({ state: "up" }), { state: "down" }, { state: "down" }];
    expect(beatsSummary(beats)).toBe("last 20 beats: 18 up, 2 down");
    expect(beatsSummary([{ state: "pending" }])).toBe("last 1 beat: 1 pending");
    expect(beatsSummary([])).toBe("no heartbeats yet");
  });
});
