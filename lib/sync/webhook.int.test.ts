// The webhook and sync routes end to end: route handlers called with a NextRequest, GitHub's
// real example payloads signed in the test, on a real stacks repository with a bare origin.
import examples from "@octokit/webhooks-examples";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { POST as githubRoute } from "@/app/api/webhooks/github/route";
import { POST as syncHookRoute } from "@/app/api/webhooks/sync/route";
import { GET as syncGet, POST as syncPost } from "@/app/api/sync/route";
import { reloadConfig } from "../config";
import { closeDb, db } from "../db";
import { runSync } from "./run";
import { readSyncState } from "./state";
import { sign } from "./signature";

const SECRET = "webhook-secret-for-tests-0123456789";
const KEY = "sync-test-key-0123456789abcdef";
let repo: StacksRepo;
let upstream: StacksRepo;

const example = (name: string, pick: (e: Record<string, unknown>) => boolean) =>
  (examples.find((d) => d.name === name)!.examples as unknown as Record<string, unknown>[]).find(pick)!;
const tagPush = example("push", (e) => e.ref === "refs/tags/simple-tag" && e.created === true);
const branchPush = example("push", (e) => e.ref === "refs/heads/master");
const tagCreate = example("create", (e) => e.ref_type === "tag");

function hook(event: string, payload: unknown, signature: string | null | ((raw: string) => string) = (raw) => sign(raw, SECRET)) {
  const raw = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "x-oresi-peer": "140.82.115.1",
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
  };
  const sig = typeof signature === "function" ? signature(raw) : signature;
  if (sig !== null) headers["x-hub-signature-256"] = sig;
  return githubRoute(new NextRequest("http://127.0.0.1/api/webhooks/github", { method: "POST", headers, body: raw }), { params: Promise.resolve({}) });
}
const keyed = (url: string, method = "POST", key: string | null = KEY) =>
  new NextRequest(`http://127.0.0.1${url}`, {
    method,
    headers: { "x-oresi-peer": "127.0.0.1", ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });
const none = { params: Promise.resolve({}) };
const audits = (action: string) => db().prepare("SELECT * FROM audit_events WHERE action = ? ORDER BY id").all(action) as Record<string, unknown>[];
/** The sync a 202 started: wait until the runner is idle. */
const settle = () => runSync("manual");

beforeAll(() => {
  repo = createStacksRepo({ tag: "hook" });
  upstream = repo.upstreamClone();
  closeDb();
  Object.assign(process.env, {
    STACKS_DIR: repo.dir,
    DATA_DIR: makeTempDir("hook-data"),
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_REPOSITORY: "Codertocat/Hello-World",
    GIT_MAIN_BRANCH: "master",
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "operator",
  });
  delete process.env.CHATOPS_IP_ALLOWLIST;
  reloadConfig();
});
afterAll(() => {
  closeDb();
  for (const k of ["WEBHOOK_SECRET", "WEBHOOK_REPOSITORY", "GIT_MAIN_BRANCH", "CHATOPS_API_KEY", "CHATOPS_API_ROLE"]) delete process.env[k];
  reloadConfig();
  repo.cleanup();
});

describe("POST /api/webhooks/github", () => {
  it("a signed tag push answers 202 at once and the sync it starts finds the new tag", async () => {
    upstream.commit({ "README.md": "# Homelab stacks\n\nNow with notes.\n" }, "Notes");
    upstream.tag("v1.2.0", "Release v1.2.0");
    const t0 = performance.now();
    const res = await hook("push", tagPush);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, event: "push", reason: "tag simple-tag pushed", queued: false });
    await settle();
    expect(repo.git("tag", "--list", "v1.2.0")).toBe("v1.2.0");
    expect(readSyncState().available?.tag).toBe("v1.2.0");
    const [a] = audits("sync.request");
    expect(a).toMatchObject({ actor: "github-webhook", actor_kind: "webhook", target: "github push", result: "accepted", status: 202 });
  });

  it("a created tag and a push to the main branch start a sync too", async () => {
    expect((await hook("create", tagCreate)).status).toBe(202);
    expect((await hook("push", branchPush)).status).toBe(202);
    await settle();
  });

  it.each([
    ["a missing signature", null],
    ["a signature made with another secret", (raw: string) => sign(raw, "not-the-secret")],
    ["a signature of another body", sign("{}", SECRET)],
    ["a malformed signature", "sha256=zz"],
  ])("refuses %s with 401, audited, and starts nothing", async (_label, signature) => {
    // refusals are coalesced per caller, address, request and minute: count them, not rows
    const total = () => audits("request.refused").reduce((n, r) => n + (r.count as number), 0);
    const before = total();
    const runsBefore = readSyncState().lastRun?.at;
    const res = await hook("push", tagPush, signature);
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).toContain("X-Hub-Signature-256");
    const refused = audits("request.refused");
    expect(total()).toBe(before + 1);
    expect(refused.at(-1)).toMatchObject({ target: "POST /api/webhooks/github", result: "unauthorized", status: 401, source_ip: "140.82.115.1" });
    await settle();
    // settle() itself runs one sync; no other one was started by the refused request.
    expect(readSyncState().lastRun?.trigger).toBe("manual");
    expect(readSyncState().lastRun?.at).not.toBe(runsBefore);
  });

  it("ignores other repositories, other branches and other events (200, no sync)", async () => {
    const other = { ...tagPush, repository: { ...(tagPush.repository as object), full_name: "someone/else" } };
    for (const [event, payload, reason] of [
      ["push", other, "event for someone/else, not Codertocat/Hello-World"],
      ["push", { ...branchPush, ref: "refs/heads/feature" }, "push to feature, not master"],
      ["create", { ...tagCreate, ref_type: "branch" }, "created a branch, not a tag"],
      ["issues", tagPush, "issues events are not used"],
    ] as const) {
      const res = await hook(event, payload);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: false, reason });
    }
  });

  it("is refused (401) while WEBHOOK_SECRET is unset, saying what to set", async () => {
    delete process.env.WEBHOOK_SECRET;
    reloadConfig();
    const res = await hook("push", tagPush, sign(JSON.stringify(tagPush), ""));
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toContain("set WEBHOOK_SECRET");
    process.env.WEBHOOK_SECRET = SECRET;
    reloadConfig();
  });
});

describe("POST /api/webhooks/sync and /api/sync", () => {
  it("start a sync with the API key (operator), audited", async () => {
    for (const [url, target] of [
      ["/api/webhooks/sync", "webhook"],
      ["/api/sync", "sync now"],
    ] as const) {
      const route = url === "/api/sync" ? syncPost : syncHookRoute;
      const res = await route(keyed(url), none);
      expect(res.status).toBe(202);
      const body = await res.json();
      expect(body).toMatchObject({ accepted: true, sync: { running: true, policy: "notify" } });
      await settle();
      expect(audits("sync.request").at(-1)).toMatchObject({ actor: "api-key", actor_kind: "key", target, result: "accepted" });
    }
  });

  it("need the key: none is 401, a viewer key is 403", async () => {
    expect((await syncHookRoute(keyed("/api/webhooks/sync", "POST", null), none)).status).toBe(401);
    expect((await syncPost(keyed("/api/sync", "POST", "wrong-key-0123456789abcdef"), none)).status).toBe(401);
    process.env.CHATOPS_API_ROLE = "viewer";
    reloadConfig();
    expect((await syncPost(keyed("/api/sync"), none)).status).toBe(403);
    const res = await syncGet(keyed("/api/sync", "GET"), none);
    expect(res.status).toBe(200);
    expect((await res.json()).sync).toMatchObject({ enabled: true, policy: "notify", lastError: null, webhook: { configured: true, branch: "master" } });
    process.env.CHATOPS_API_ROLE = "operator";
    reloadConfig();
  });
});
