// Every default intent through the API on a real stacks repository and the real engine:
// rollout and rollback (deployments), tag (a pushed tag), sync, verify, restart-stack.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { NextRequest } from "next/server";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { db } from "../db";
import { invalidateContainers, listContainers } from "../docker/containers";
import { getDeployment } from "../deploy";
import { upAll, waitFinished } from "../deploy/testing";
import { resetSingleton } from "../singleton";
import { reloadIntents } from "./load";
import { GET as previewRoute, POST as runRoute } from "@/app/api/intents/[name]/route";
import { POST as chatRoute } from "@/app/api/chatops/route";

const KEY = "intents-actions-key-0123456789abcdef";
let repo: StacksRepo;

function req(method: string, url: string, body?: unknown): NextRequest {
  return new NextRequest(`http://127.0.0.1${url}`, {
    method,
    headers: { "x-oresi-peer": "127.0.0.1", "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const p = (name: string) => ({ params: Promise.resolve({ name }) });
async function run(name: string, body: unknown = {}) {
  const res = await runRoute(req("POST", `/api/intents/${name}`, body), p(name));
  return { status: res.status, body: await res.json() };
}
async function preview(name: string, q = "") {
  const res = await previewRoute(req("GET", `/api/intents/${name}${q}`), p(name));
  return { status: res.status, body: await res.json() };
}
async function chat(text: string, user = "alice") {
  const res = await chatRoute(req("POST", "/api/chatops", { text, user }), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}
const auditOf = (deploymentId: string) =>
  db().prepare("SELECT * FROM audit_events WHERE action = 'intent.run' AND deployment_id = ?").get(deploymentId) as Record<string, unknown> | undefined;
const count = () => (db().prepare("SELECT COUNT(*) AS n FROM deployments WHERE kind != 'adopt'").get() as { n: number }).n;
async function webImage() {
  invalidateContainers();
  return (await listContainers()).find((c) => c.project === repo.stack("web") && c.state === "running")?.image;
}

beforeAll(async () => {
  repo = createStacksRepo({ tag: "intact" });
  await setUpStacksRepo(repo, {
    data: "intents-data",
    env: {
      INTENTS_DIR: path.resolve(__dirname, "..", "..", "intents"),
      CHATOPS_API_KEY: KEY,
      CHATOPS_API_ROLE: "operator",
      PUBLIC_URL: "https://oresi.example.test",
      VERIFY_TIMEOUT: "20s",
      SYNC_POLICY: "notify",
    },
    up: false,
  });
  reloadIntents();
  await upAll(repo.dir, repo.git("rev-parse", "HEAD"));
});
afterAll(() => tearDownStacksRepo(repo));

describe("default intents on real git and Docker", () => {
  it("rollout: 202 {id,url}, the release runs, the run is audited with the deployment", async () => {
    const pv = await preview("rollout", "?to=v1.1.0");
    expect(pv.status).toBe(200);
    // The confirm text a bot gets carries the rollout preview: what happens to each service.
    expect(pv.body.question).toBe("Roll out v1.1.0 (now v1.0.0)?");
    expect(pv.body.deployment).toMatchObject({ kind: "rollout", from: "v1.0.0", to: "v1.1.0", counts: { recreated: 1, created: 0, removed: 0, untouched: 2 } });
    expect(pv.body.deployment.stacks.find((s: { stack: string }) => s.stack === repo.stack("web"))).toMatchObject({
      change: "changed",
      services: [{ service: "app", action: "recreated", from: "oresi-test/web:1.0.0", to: "oresi-test/web:1.1.0" }],
    });
    expect(pv.body.confirm).toBe(`Roll out v1.1.0 (now v1.0.0)? ${pv.body.deployment.summary}`);
    expect(pv.body.confirm).toMatch(/\? 1 service recreated: .*oresi-test\/web 1\.0\.0 → 1\.1\.0.*; 2 untouched/);
    const r = await run("rollout", { to: "v1.1.0" });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ intent: "rollout", kind: "rollout", from: "v1.0.0", to: "v1.1.0", url: `/deployments/${r.body.id}` });
    const d = await waitFinished(r.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(await webImage()).toBe("oresi-test/web:1.1.0");
    const a = auditOf(r.body.id)!;
    expect(a).toMatchObject({ target: "rollout", actor: "api-key", status: 202 });
    expect(JSON.parse(a.params as string)).toEqual({ action: "rollout", via: "api", params: { to: "v1.1.0", force: false } });
  });

  it("rollout refusals run nothing: force without admin (403 from the engine), a release that is not there (400)", async () => {
    const before = count();
    expect((await run("rollout", { to: "v1.0.0", force: true })).status).toBe(403);
    expect((await run("rollout", { to: "v7.0.0" })).status).toBe(400);
    expect(count()).toBe(before);
  });

  it("a preview that fails leaves the confirm text as it was, saying why (the preview is advisory)", async () => {
    // The engine is unreachable: the preview cannot read what runs, the confirm text still answers.
    const host = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${makeTempDir("no-docker")}/docker.sock`;
    reloadConfig();
    resetSingleton("docker");
    invalidateContainers();
    try {
      const pv = await preview("rollout", "?to=v1.0.0");
      expect(pv.status, JSON.stringify(pv.body)).toBe(200);
      expect(pv.body.question).toBe("Roll out v1.0.0 (now v1.1.0)?");
      expect(pv.body.deployment).toBeNull();
      expect(pv.body.confirm).toMatch(/^Roll out v1\.0\.0 \(now v1\.1\.0\)\? \(preview unavailable: .+\)$/);
    } finally {
      if (host === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = host;
      reloadConfig();
      resetSingleton("docker");
      invalidateContainers();
    }
    // A restart-stack (no deployment) has no preview: its confirm text is the intent's alone.
    const rs = await preview("restart-stack", `?stack=${repo.stack("api")}`);
    expect(rs.body).toMatchObject({
      confirm: `Restart every container of ${repo.stack("api")}?`,
      question: `Restart every container of ${repo.stack("api")}?`,
      deployment: null,
    });
  });

  it("rollback: the confirm text is the intent's, rendered with the plan; chat starts it for the chat user", async () => {
    const pv = await preview("rollback");
    expect(pv.status).toBe(200);
    expect(pv.body.question).toBe("Roll back v1.1.0 to v1.0.0?");
    expect(pv.body.deployment).toMatchObject({ kind: "rollback", from: "v1.1.0", to: "v1.0.0", counts: { recreated: 1, untouched: 2 } });
    expect(pv.body.confirm).toBe(`Roll back v1.1.0 to v1.0.0? ${pv.body.deployment.summary}`);
    expect(pv.body.confirm).toMatch(/\? 1 service recreated: .*oresi-test\/web 1\.1\.0 → 1\.0\.0.*; 2 untouched/);
    expect(pv.body.details).toBe(`1 stack: ${repo.stack("web")} — oresi-test/web 1.1.0 → 1.0.0`);
    const before = count();
    const wrong = await chat("roll back to v1.1.0");
    expect(wrong.status).toBe(422);
    expect(wrong.body.text).toMatch(/^Not run: A rollback goes back to .* v1\.0\.0, not v1\.1\.0/);
    expect(count()).toBe(before);

    const c = await chat("roll back to 1.0.0", "alice");
    expect(c.status).toBe(202);
    expect(c.body.intent).toBe("rollback");
    const id = c.body.result.id as string;
    expect(c.body.text).toBe(`Started rollback v1.1.0 → v1.0.0 for alice. Watch it: https://oresi.example.test/deployments/${id}`);
    // A second command while it runs: 409 with where to watch, nothing started.
    const busy = await chat("roll out v1.1.0", "bob");
    expect(busy.status).toBe(409);
    expect(busy.body.text).toMatch(new RegExp(`^Not run: Deployment ${id} is running.*Watch it: https://oresi.example.test/deployments/${id}$`));
    const d = await waitFinished(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.actor.name).toBe("api-key (for alice)");
    expect(await webImage()).toBe("oresi-test/web:1.0.0");
    expect(auditOf(id)).toMatchObject({ target: "rollback", actor: "api-key (for alice)", status: 202 });
    expect(getDeployment(id).kind).toBe("rollback");
  });

  it("verify: 200 with the deployed release's state", async () => {
    const r = await run("verify");
    expect(r.status).toBe(200);
    expect(r.body.release).toBe("v1.0.0");
    expect(r.body.stacks.map((s: { name: string }) => s.name).sort()).toEqual([repo.stack("api"), repo.stack("cache"), repo.stack("web")].sort());
    // Right after a verified rollback everything runs as v1.0.0 says.
    expect(r.body.problems).toEqual([]);
    expect(r.body.ok, JSON.stringify(r.body.stacks)).toBe(true);
    expect(r.body.summary).toMatch(/^v1\.0\.0 verified: 3 stacks ok, 3 containers running\.( Monitors not checked \(state unknown\): .*\.)?$/);
    const c = await chat("verify");
    expect(c.status).toBe(200);
    expect(c.body.text).toMatch(/^v1\.0\.0 verified/);
    // A stopped container is a problem verify reports.
    execFileSync("docker", ["stop", "-t", "0", (await listContainers()).find((x) => x.project === repo.stack("cache"))!.id]);
    invalidateContainers();
    const bad = await run("verify");
    expect(bad.body.ok).toBe(false);
    expect(bad.body.summary).toMatch(/^v1\.0\.0 has problems/);
    expect(bad.body.stacks.find((s: { name: string }) => s.name === repo.stack("cache"))).toMatchObject({ ok: false, containersOk: false });
    // restart-stack brings it back.
    expect((await run("restart-stack", { stack: repo.stack("cache") })).status).toBe(200);
    invalidateContainers();
    expect((await listContainers()).find((x) => x.project === repo.stack("cache"))!.state).toBe("running");
  });

  it("sync: 200 with what the sync did", async () => {
    const up = repo.upstreamClone();
    up.commit({ "README.md": "# Homelab stacks\n\nnew\n" }, "Docs");
    up.tag("v1.2.0", "Release v1.2.0");
    const r = await run("sync");
    expect(r.status).toBe(200);
    expect(r.body.sync).toMatchObject({ trigger: "api", outcome: "announced" });
    expect(r.body.sync.message).toMatch(/v1\.2\.0 is available/);
    expect(repo.git("tag", "--list", "v1.2.0")).toBe("v1.2.0");
    const c = await chat("sync now");
    expect(c.status).toBe(200);
    expect(c.body.text).toMatch(/^Sync (unchanged|fetched|announced):/);
  });

  it("tag: 201 with the new release (default next-patch), pushed to origin; an existing version is refused", async () => {
    const forbidden = await run("tag", {});
    expect(forbidden.status).toBe(403);
    process.env.CHATOPS_API_ROLE = "admin";
    reloadConfig();
    const pv = await preview("tag");
    expect(pv.body.confirm).toBe("Tag v1.2.1 and push it?");
    const r = await run("tag", {});
    expect(r.status).toBe(201);
    expect(r.body.release.tag).toBe("v1.2.1");
    expect(r.body.summary).toMatch(/^Tagged v1\.2\.1 at [0-9a-f]{12} and pushed it to origin\.$/);
    expect(repo.git("ls-remote", "--tags", "origin", "v1.2.1")).toContain("refs/tags/v1.2.1");
    const again = await run("tag", { version: "v1.2.1" });
    expect(again.status).toBe(409);
    const c = await chat("tag v1.3.0", "carol");
    expect(c.status).toBe(201);
    expect(c.body.text).toMatch(/^Tagged v1\.3\.0/);
    expect(repo.git("for-each-ref", "--format=%(taggername)", "refs/tags/v1.3.0")).toBe("carol (via api-key)");
    process.env.CHATOPS_API_ROLE = "operator";
    reloadConfig();
  });

  it("a release tagged upstream a moment ago is fetched before it is refused", async () => {
    const up = repo.upstreamClone();
    up.tag("v1.4.0", "Release v1.4.0");
    expect(repo.git("tag", "--list", "v1.4.0")).toBe("");
    const pv = await preview("rollout", "?to=v1.4.0");
    expect(pv.status, JSON.stringify(pv.body)).toBe(200);
    expect(pv.body.question).toMatch(/^Roll out v1\.4\.0 \(now v1\.\d\.\d\)\?$/);
    expect(repo.git("tag", "--list", "v1.4.0")).toBe("v1.4.0");
  });

  it("restart-stack: 200 once restarted; refused with 409 while a deployment runs", async () => {
    const r = await run("restart-stack", { stack: repo.stack("api") });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stack: repo.stack("api"), restarted: true });
    const dep = await run("rollout", { to: "v1.1.0" });
    expect(dep.status).toBe(202);
    const busy = await run("restart-stack", { stack: repo.stack("api") });
    expect(busy.status).toBe(409);
    await waitFinished(dep.body.id);
  });
});
