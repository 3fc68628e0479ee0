import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { loadIntentsFrom, intents, reloadIntents } from "./load";
import { cleanChatText, helpText, matchChat } from "./chat";
import { renderTemplate } from "./template";

const DEFAULT_DIR = path.resolve(__dirname, "..", "..", "intents");
const GOOD = `name: ok-verify\ntitle: Verify\naction: verify\nroles: [viewer]\nchat: ["check it"]\n`;

describe("the default intents", () => {
  it("all load, one per built-in action", () => {
    const set = loadIntentsFrom(DEFAULT_DIR);
    expect(set.errors).toEqual([]);
    expect(set.intents.map((i) => i.name).sort()).toEqual(["restart-stack", "rollback", "rollout", "sync", "tag", "verify"]);
    expect(new Set(set.intents.map((i) => i.action)).size).toBe(6);
    expect(set.intents.find((i) => i.name === "rollback")!.confirm).toBe("Roll back {{current}} to {{to}}?");
  });
});

describe("bad intent files", () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir("intents");
    const files: Record<string, string> = {
      "a-good.yaml": GOOD,
      "b-yaml.yaml": `name: broken\ntitle: Broken\naction: verify\nroles: [viewer\nchat: ["x"]\n`,
      "c-action.yaml": `name: shell\ntitle: Shell\naction: exec\nroles: [admin]\n`,
      "d-type.yaml": `name: odd\ntitle: Odd\naction: rollback\nparams:\n  to:\n    type: commit\nroles: [admin]\n`,
      "e-dup.yaml": `# same name as a-good\nname: ok-verify\ntitle: Again\naction: verify\nroles: [viewer]\n`,
      "f-role.yaml": `name: boss\ntitle: Boss\naction: verify\nroles:\n  - viewer\n  - superuser\n`,
      "g-extra.yaml": `name: sneaky\ntitle: Sneaky\naction: verify\nroles: [admin]\ncommand: rm -rf /\n`,
      "h-param.yaml": `name: restart-any\ntitle: Restart\naction: restart-stack\nparams:\n  stack: { type: stack }\n  cmd: { type: enum, values: [a] }\nroles: [admin]\n`,
      "i-placeholder.yaml": `name: rb\ntitle: RB\naction: rollback\nparams:\n  to: { type: release }\nroles: [admin]\nchat: ["go back {where}"]\n`,
      "notes.txt": "not an intent",
    };
    for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), t);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reports each with file, line and reason, and keeps the valid one", () => {
    const set = loadIntentsFrom(dir);
    expect(set.intents.map((i) => i.name)).toEqual(["ok-verify"]);
    const by = (f: string) => set.errors.filter((e) => e.file === f);
    expect(by("b-yaml.yaml")[0]).toMatchObject({ line: expect.any(Number) });
    expect(by("b-yaml.yaml")[0].reason).toMatch(/^YAML error/);
    expect(by("b-yaml.yaml")[0].line).toBeGreaterThanOrEqual(4);
    expect(by("c-action.yaml")[0]).toMatchObject({ line: 3 });
    expect(by("c-action.yaml")[0].reason).toMatch(/action must be one of the built-in actions/);
    expect(by("d-type.yaml")[0]).toMatchObject({ line: 6 });
    expect(by("d-type.yaml")[0].reason).toMatch(/params\.to\.type: type must be one of release, stack, version, enum, boolean/);
    expect(by("e-dup.yaml")[0]).toMatchObject({ line: 2 });
    expect(by("e-dup.yaml")[0].reason).toMatch(/duplicate name "ok-verify": a-good.yaml already defines it/);
    expect(by("f-role.yaml")[0]).toMatchObject({ line: 6 });
    expect(by("f-role.yaml")[0].reason).toMatch(/role "superuser" does not exist/);
    expect(by("g-extra.yaml")[0].reason).toMatch(/command/);
    expect(by("g-extra.yaml")[0].line).toBe(5);
    expect(by("h-param.yaml")[0]).toMatchObject({ line: 6 });
    expect(by("h-param.yaml")[0].reason).toMatch(/takes no parameter "cmd"/);
    expect(by("i-placeholder.yaml")[0].reason).toMatch(/\{where\}/);
    expect(set.errors.some((e) => e.file === "notes.txt")).toBe(false);
  });

  it("re-reads a folder when a file changes, and never writes to it", () => {
    process.env.INTENTS_DIR = dir;
    reloadConfig();
    const before = fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeMs]);
    expect(reloadIntents().intents).toHaveLength(1);
    fs.writeFileSync(path.join(dir, "c-action.yaml"), `name: shell\ntitle: Fixed\naction: verify\nroles: [admin]\n`);
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dir, "c-action.yaml"), future, future);
    reloadIntents();
    expect(
      intents()
        .intents.map((i) => i.name)
        .sort(),
    ).toEqual(["ok-verify", "shell"]);
    expect(fs.readdirSync(dir).length).toBe(before.length);
    delete process.env.INTENTS_DIR;
    reloadConfig();
  });
});

describe("chat matching", () => {
  const set = loadIntentsFrom(DEFAULT_DIR).intents;
  const run = (t: string) => {
    const c = cleanChatText(t);
    if (!c.ok) return { kind: "unsafe" as const, reason: c.reason };
    return matchChat(c.text, set);
  };
  it.each([
    ["roll back to v2.3.0", "rollback", { to: "v2.3.0" }],
    ["Roll Back To 2.3.0", "rollback", { to: "v2.3.0" }],
    ["rollback", "rollback", {}],
    ["  roll   back  ", "rollback", {}],
    ["/roll out v1.4.0", "rollout", { to: "v1.4.0" }],
    ["deploy v1.4.0-rc.1", "rollout", { to: "v1.4.0-rc.1" }],
    ["tag v1.5.0", "tag", { version: "v1.5.0" }],
    ["sync now", "sync", {}],
    ["verify", "verify", {}],
    ["restart media", "restart-stack", { stack: "media" }],
    ["@oresi restart stack proxy", "restart-stack", { stack: "proxy" }],
    ["<@U024BE7LH> rollback", "rollback", {}],
  ])("%s → %s", (text, intent, params) => {
    const r = run(text);
    expect(r.kind).toBe("run");
    if (r.kind !== "run") return;
    expect(r.match.intent.name).toBe(intent);
    expect(r.match.params).toEqual(params);
  });

  it.each(["make me a sandwich", "roll back to v2.3.0 now", "rm -rf /", "help", ""])("%j → help", (t) => {
    expect(run(t).kind).toBe("help");
  });

  it("refuses text that fails a parameter's type", () => {
    const r = run("roll back to banana");
    expect(r).toMatchObject({ kind: "invalid", reason: expect.stringMatching(/not a release tag/) });
    expect(run("restart ../etc")).toMatchObject({ kind: "invalid" });
    expect(run("restart $(reboot)")).toMatchObject({ kind: "invalid" });
  });

  it("refuses control characters and over-long text", () => {
    expect(run("rollback\nrm -rf /")).toMatchObject({ kind: "unsafe" });
    expect(run("roll back\u202e")).toMatchObject({ kind: "unsafe" });
    expect(run("roll back to v" + "1".repeat(300))).toMatchObject({ kind: "unsafe" });
  });

  it("runs nothing when two intents read the same text", () => {
    const twin = { ...set.find((i) => i.name === "verify")!, name: "verify-too" };
    expect(matchChat("verify", [...set, twin])).toEqual({ kind: "ambiguous", intents: ["verify", "verify-too"] });
  });

  it("lists commands for help", () => {
    const h = helpText(set);
    expect(h).toContain("`roll back to {to}`");
    expect(h.split("\n")).toHaveLength(7);
  });
});

describe("confirm templates", () => {
  it("renders parameters and context", () => {
    expect(renderTemplate("Roll back {{current}} to {{ to }}?", { current: "v1.1.0", to: "v1.0.0" })).toBe("Roll back v1.1.0 to v1.0.0?");
    expect(renderTemplate("Roll back {{current}}?", {})).toBe("Roll back (none)?");
  });
});
