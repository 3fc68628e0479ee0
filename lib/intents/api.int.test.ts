// The intents API end to end: route handlers called with a NextRequest and the API key,
// on a real stacks repository (temp folder, bare origin) and the real Docker engine.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { closeDb, db } from "../db";
import { composeUp } from "../docker/compose";
import { invalidateContainers, listContainers } from "../docker/containers";
import { resetSingleton } from "../singleton";
import { status } from "../status";
import { reloadIntents } from "./load";
import { GET as listRoute } from "@/app/api/intents/route";
import { GET as previewRoute, POST as runRoute } from "@/app/api/intents/[name]/route";
import { POST as chatRoute } from "@/app/api/chatops/route";

const KEY = "intents-test-key-0123456789abcdef";
const INTENTS = path.resolve(__dirname, "..", "..", "intents");
let repo: StacksRepo;
let cacheContainer = "";
const startedAt = (id: string) => new Date(JSON.parse(execFileSync("docker", ["inspect", id], { encoding: "utf8" }))[0].State.StartedAt).getTime();

function req(method: string, url: string, body?: unknown, key = KEY): NextRequest {
  const headers: Record<string, string> = { "x-oresi-peer": "127.0.0.1", "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  return new NextRequest(`http://127.0.0.1${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
const p = (name: string) => ({ params: Promise.resolve({ name }) });
async function run(name: string, body: unknown = {}) {
  const res = await runRoute(req("POST", `/api/intents/${name}`, body), p(name));
  return { status: res.status, body: await res.json() };
}
async function chat(text: string, user = "alice") {
  const res = await chatRoute(req("POST", "/api/chatops", { text, user }), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}
function setRole(role: string) {
  process.env.CHATOPS_API_ROLE = role;
  reloadConfig();
}
const deployments = () => (db().prepare("SELECT COUNT(*) AS n FROM deployments").get() as { n: number }).n;
const lastAudit = () =>
  db().prepare("SELECT * FROM audit_events WHERE action LIKE 'intent.%' OR action LIKE 'chatops.%' ORDER BY id DESC LIMIT 1").get() as Record<string, unknown>;

beforeAll(() => {
  repo = createStacksRepo({ tag: "intents" });
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = makeTempDir("data");
  process.env.INTENTS_DIR = INTENTS;
  process.env.CHATOPS_API_KEY = KEY;
  process.env.PUBLIC_URL = "https://oresi.example.test";
  setRole("operator");
  closeDb();
  resetSingleton("db");
  reloadIntents();
});
afterAll(() => {
  repo?.cleanup();
  closeDb();
});

describe("GET /api/intents", () => {
  it("lists what the caller may run", async () => {
    setRole("viewer");
    let res = await listRoute(req("GET", "/api/intents"), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    expect((await res.json()).intents.map((i: { name: string }) => i.name)).toEqual(["verify"]);
    setRole("operator");
    res = await listRoute(req("GET", "/api/intents"), { params: Promise.resolve({}) });
    expect((await res.json()).intents.map((i: { name: string }) => i.name).sort()).toEqual(["restart-stack", "rollback", "rollout", "sync", "verify"]);
    setRole("admin");
    res = await listRoute(req("GET", "/api/intents"), { params: Promise.resolve({}) });
    expect((await res.json()).intents.map((i: { name: string }) => i.name).sort()).toEqual(["restart-stack", "rollback", "rollout", "sync", "tag", "verify"]);
    setRole("operator");
  });

  it("needs a key or a session", async () => {
    const res = await listRoute(req("GET", "/api/intents", undefined, ""), { params: Promise.resolve({}) });
    expect(res.status).toBe(401);
  });
});

describe("restart-stack", () => {
  it("restarts a running stack through POST /api/intents/restart-stack, audited", async () => {
    const cache = repo.stack("cache");
    await composeUp(path.join(repo.dir, cache), cache);
    invalidateContainers();
    const before = (await listContainers()).find((c) => c.project === cache)!;
    expect(before.state).toBe("running");
    const startedBefore = startedAt(before.id);
    const r = await run("restart-stack", { stack: cache });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ intent: "restart-stack", stack: cache, restarted: true, params: { stack: cache } });
    expect(startedAt(before.id)).toBeGreaterThan(startedBefore);
    cacheContainer = before.id;
    const a = lastAudit();
    expect(a).toMatchObject({ action: "intent.run", target: "restart-stack", actor: "api-key", actor_kind: "key", status: 200 });
    expect(JSON.parse(a.params as string)).toEqual({ action: "restart-stack", via: "api", params: { stack: cache } });
  });

  it("runs from chat, acting for the chat user", async () => {
    const cache = repo.stack("cache");
    const r = await chat(`restart ${cache}`, "bob");
    expect(r.status).toBe(200);
    expect(r.body.text).toBe(`Restarted ${cache}.`);
    expect(r.body.intent).toBe("restart-stack");
    const a = lastAudit();
    expect(a).toMatchObject({ action: "intent.run", target: "restart-stack", actor: "api-key (for bob)" });
    expect(JSON.parse(a.params as string).via).toBe("chat");
  });
});

describe("refusals run nothing", () => {
  it("wrong role → 403, audited", async () => {
    setRole("viewer");
    const r = await run("rollback", {});
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/needs the operator role/);
    const c = await chat("roll back to v1.0.0");
    expect(c.status).toBe(403);
    expect(c.body.text).toMatch(/^Not run: .*needs the operator role/);
    const started = startedAt(cacheContainer);
    const rs = await run("restart-stack", { stack: repo.stack("cache") });
    expect(rs.status).toBe(403);
    expect(startedAt(cacheContainer)).toBe(started);
    setRole("operator");
    const tags = repo.git("tag", "--list");
    const t = await run("tag", { version: "v5.0.0" });
    expect(t.status).toBe(403);
    expect(t.body.error.message).toMatch(/needs the admin role; api-key has operator/);
    expect(repo.git("tag", "--list")).toBe(tags);
    expect(deployments()).toBe(0);
  });

  it.each([
    ["rollback", { to: "banana" }, /not a release tag/],
    ["rollback", { to: "v9.9.9" }, /there is no release v9\.9\.9/],
    ["rollback", { to: "v1.0.0", extra: "x" }, /unknown: extra/],
    ["rollout", { to: "v1.1.0", force: "maybe" }, /force must be true or false/],
    ["rollout", { to: "--upload-pack=touch /tmp/x" }, /not a release tag/],
    ["restart-stack", {}, /stack is required/],
    ["restart-stack", { stack: "../etc" }, /not a stack name/],
    ["restart-stack", { stack: "nope" }, /there is no stack nope/],
    ["tag", { version: "1.2" }, /not a version/],
    ["tag", { version: "v1.2.0", changelog: "please" }, /changelog must be true or false/],
  ])("%s %j → 400", async (name, body, msg) => {
    setRole("admin");
    const r = await run(name, body);
    setRole("operator");
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(msg);
    expect(deployments()).toBe(0);
    expect(lastAudit()).toMatchObject({ action: "intent.run", target: name, status: 400 });
  });

  it("an unknown intent is 404", async () => {
    expect((await run("exec", {})).status).toBe(404);
  });
});

describe("ChatOps", () => {
  it("answers help with the caller's commands, and nonsense with help", async () => {
    const h = await chat("help");
    expect(h.status).toBe(200);
    expect(h.body.text).toMatch(/^Commands:\n/);
    expect(h.body.text).toContain("`roll back to {to}`");
    const n = await chat("make me a sandwich");
    expect(n.status).toBe(200);
    expect(n.body.text).toMatch(/^I don't know "make me a sandwich"\. Commands:/);
  });

  it("refuses unsafe and invalid text, saying why", async () => {
    const c = await chat("rollback\nrm -rf /");
    expect(c.status).toBe(400);
    expect(c.body.text).toMatch(/control characters/);
    const b = await chat("roll back to banana");
    expect(b.status).toBe(400);
    expect(b.body.text).toMatch(/^Not run: to: "banana" is not a release tag.*Usage:/);
    const u = await chatRoute(req("POST", "/api/chatops", { text: "verify", user: "alice; rm" }), { params: Promise.resolve({}) });
    expect(u.status).toBe(400);
    expect(deployments()).toBe(0);
    expect(lastAudit()).toMatchObject({ action: "chatops.refused", actor: "api-key (for alice)" });
  });
});

describe("confirm texts and status", () => {
  it("renders the confirm text with the resolved parameters", async () => {
    const res = await previewRoute(req("GET", `/api/intents/restart-stack?stack=${repo.stack("api")}`), p("restart-stack"));
    expect(res.status).toBe(200);
    const b = await res.json();
    expect(b.confirm).toBe(`Restart every container of ${repo.stack("api")}?`);
    const roll = await (await previewRoute(req("GET", "/api/intents/rollout"), p("rollout"))).json();
    expect(roll.question).toBe("Roll out v1.1.0 (now v1.1.0)?");
    // Followed by the rollout preview, or by why there is none.
    expect(roll.confirm).toEqual(
      roll.deployment
        ? `${roll.question} ${roll.deployment.summary}`
        : expect.stringMatching(/^Roll out v1\.1\.0 \(now v1\.1\.0\)\? \(preview unavailable: .+\)$/),
    );
  });

  it("shows intents and bad files in /api/status", async () => {
    const dir = makeTempDir("intents-bad");
    fs.copyFileSync(path.join(INTENTS, "verify.yaml"), path.join(dir, "verify.yaml"));
    fs.writeFileSync(path.join(dir, "bad.yaml"), "name: bad\ntitle: Bad\naction: shell\nroles: [admin]\n");
    process.env.INTENTS_DIR = dir;
    reloadConfig();
    reloadIntents();
    const s = await status(0);
    expect(s.sections.intents).toMatchObject({ dir, loaded: ["verify"], status: "degraded", errors: [{ file: "bad.yaml", line: 3 }] });
    process.env.INTENTS_DIR = INTENTS;
    reloadConfig();
    reloadIntents();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
