import { describe, expect, it } from "vitest";
import type { Verification } from "../types";
import { groupByHost } from "./by-host";
import { mergeVerifications } from "./merge-verification";
import type { PreparedStack } from "./types";

const stack = (name: string, host?: string): PreparedStack => ({
  name,
  dir: `/stacks/${name}`,
  ...(host ? { host } : {}),
  change: "changed",
  services: [],
  settings: { kuma: [], verify: { health: true, kuma: true, logs: false, maxErrorLines: 0 } },
  overrides: [],
});

const verification = (ok: boolean, stack: string, summary: string): Verification => ({
  ok,
  startedAt: `2026-12-01T10:00:0${stack.length % 10}Z`,
  finishedAt: `2026-12-01T10:01:0${stack.length % 10}Z`,
  timeoutMs: stack.length * 1000,
  rows: [{ stack, subject: "app", signal: "container", required: "running", seen: ok ? "running, healthy" : "running, unhealthy", ok }],
  summary,
});

describe("host by host", () => {
  it("groups stacks by host in the configured order (unset host = local; hosts with no stack left out)", () => {
    const g = groupByHost([stack("a", "nas"), stack("b"), stack("c", "edge"), stack("d", "nas")], ["local", "edge", "nas", "attic"]);
    expect(g.map((x) => [x.host, x.stacks.map((s) => s.name)])).toEqual([
      ["local", ["b"]],
      ["edge", ["c"]],
      ["nas", ["a", "d"]],
    ]);
  });

  it("merges the hosts' verifications into one record: every row, the failing host's summary", () => {
    const a = verification(true, "near", "Verified: 1 check(s) passed.");
    const b = verification(false, "faraway", "Verification failed: faraway/app running, unhealthy");
    const m = mergeVerifications(a, b);
    expect(m.ok).toBe(false);
    expect(m.rows.map((r) => r.stack)).toEqual(["near", "faraway"]);
    expect(m.summary).toBe(b.summary);
    expect([m.startedAt, m.finishedAt, m.timeoutMs]).toEqual([a.startedAt, b.finishedAt, 7000]);
    expect(mergeVerifications(a, verification(true, "far", "x")).summary).toBe("Verified: 2 check(s) passed.");
  });
});
