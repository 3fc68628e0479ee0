import { describe, expect, it } from "vitest";
import { checkFormat } from "./values";
import { mayRun } from "./run";
import { checkIntent } from "./check";
import { intentSchema } from "./schema";

describe("parameter formats", () => {
  it.each([
    [{ type: "release" as const }, "v1.2.3", "v1.2.3"],
    [{ type: "release" as const }, "1.2.3", "v1.2.3"],
    [{ type: "version" as const }, "v2.0.0-rc.1", "v2.0.0-rc.1"],
    [{ type: "stack" as const }, "media", "media"],
    [{ type: "enum" as const, values: ["fast", "safe"] }, "SAFE", "safe"],
    [{ type: "boolean" as const }, "yes", true],
    [{ type: "boolean" as const }, false, false],
  ])("%j accepts %j", (p, raw, want) => {
    expect(checkFormat("x", p, raw)).toEqual({ ok: true, value: want });
  });

  it.each([
    [{ type: "release" as const }, "main"],
    [{ type: "release" as const }, "-v1.0.0"],
    [{ type: "release" as const, values: ["v1.0.0"] }, "v1.1.0"],
    [{ type: "stack" as const }, "Media"],
    [{ type: "stack" as const }, "a/b"],
    [{ type: "stack" as const, values: ["web"] }, "api"],
    [{ type: "enum" as const, values: ["fast"] }, "slow"],
    [{ type: "boolean" as const }, "maybe"],
    [{ type: "version" as const }, 3],
    [{ type: "version" as const }, "v1." + "1".repeat(200)],
  ])("%j refuses %j", (p, raw) => {
    const r = checkFormat("x", p, raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^x/);
  });
});

describe("roles", () => {
  it("a listed role is a minimum: higher roles may run it, lower ones may not", () => {
    expect(mayRun({ roles: ["operator"] }, "admin")).toBe(true);
    expect(mayRun({ roles: ["operator"] }, "operator")).toBe(true);
    expect(mayRun({ roles: ["operator", "admin"] }, "viewer")).toBe(false);
    expect(mayRun({ roles: ["admin"] }, "operator")).toBe(false);
    expect(mayRun({ roles: ["viewer"] }, null)).toBe(false);
  });
});

describe("checks beyond the schema", () => {
  const base = { name: "x", title: "X", roles: ["admin"] };
  it("needs the action's required parameters and checks defaults and placeholders", () => {
    const issues = (o: object) => checkIntent(intentSchema.parse({ ...base, ...o })).map((i) => i.message);
    expect(issues({ action: "restart-stack" })).toEqual(['the restart-stack action needs a parameter "stack" (type stack)']);
    expect(issues({ action: "rollout", params: { to: { type: "stack" } } })[0]).toMatch(/must have type release/);
    expect(issues({ action: "rollback", params: { to: { type: "release", default: "yesterday" } } })[0]).toMatch(/not a release tag nor one of previous/);
    expect(issues({ action: "verify", confirm: "Run {{cmd}}?" })[0]).toMatch(/\{\{cmd\}\}/);
    expect(issues({ action: "sync", params: {} })).toEqual([]);
  });
});
