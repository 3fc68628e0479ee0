import fs from "node:fs";
import path from "node:path";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { db } from "../db";
import { startDeployment, getDeployment, rollbackPlan, isDeploying } from "./start";
import { logsOf } from "./store";
import { holdOf, liftHold } from "./holds";
import { waitFinished, TEST_OPERATOR as operator, TEST_ADMIN as admin, runningContainers as running } from "./testing";
import { stackTimeline } from "./timeline";

let repo: StacksRepo;

beforeAll(async () => {
  repo = createStacksRepo({ tag: "dep", broken: true });
  await setUpStacksRepo(repo, { data: "deploy-data", env: { VERIFY_TIMEOUT: "20s", AUTO_ROLLBACK: "true" } });
});
afterAll(() => tearDownStacksRepo(repo));

describe("deployment engine (real git, real engine)", () => {
  it("adopts the work tree's release, then rolls out a good release and verifies it", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    expect(r.url).toBe(`/deployments/${r.id}`);
    const d = await waitFinished(r.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.from).toBe("v1.0.0");
    expect(d.stacks).toEqual([{ stack: repo.stack("web"), change: "changed" }]);
    expect(d.steps.map((s) => [s.name, s.status])).toEqual(
      ["fetch", "resolve", "live-edits", "plan", "preflight", "switch", "up", "verify"].map((n) => [n, "ok"]),
    );
    for (const s of d.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(d.verification?.ok).toBe(true);
    expect(d.verification?.rows.find((x) => x.signal === "container")).toMatchObject({
      stack: repo.stack("web"),
      subject: "app",
      seen: "running, healthy",
      ok: true,
    });
    const web = d.services!.find((s) => s.stack === repo.stack("web"))!;
    expect(web.image).toBe("oresi-test/web:1.1.0");
    expect(web.imageId).toMatch(/^sha256:/);
    expect(d.services!.map((s) => s.stack).sort()).toEqual([repo.stack("api"), repo.stack("cache"), repo.stack("web")].sort());
    expect((await running(repo.stack("web")))[0].image).toBe("oresi-test/web:1.1.0");
    expect(repo.git("rev-parse", "HEAD")).toBe(repo.git("rev-parse", "v1.1.0^{commit}"));
    const lines = logsOf(r.id)
      .map((l) => l.line)
      .join("\n");
    expect(lines).toContain("unchanged, not touched");
    // The adoption was recorded, so the first rollout can be rolled back.
    const plan = rollbackPlan();
    expect(plan).toMatchObject({ available: true, target: { release: "v1.0.0" } });
    expect(plan.summary).toBe(`1 stack: ${repo.stack("web")} — oresi-test/web 1.1.0 → 1.0.0`);
  });

  it("refuses a bad tag, an unknown release, and a second deployment while one runs", async () => {
    await expect(startDeployment({ kind: "rollout", to: "main" }, operator)).rejects.toMatchObject({ code: "bad_request" });
    await expect(startDeployment({ kind: "rollout", to: "v9.9.9" }, operator)).rejects.toMatchObject({ code: "not_found" });
    const first = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    await expect(startDeployment({ kind: "rollback" }, operator)).rejects.toMatchObject({ code: "conflict", details: { runningId: first.id } });
    await waitFinished(first.id);
  });

  it("50 concurrent requests start exactly one deployment", async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => startDeployment({ kind: "rollout", to: "v1.1.0" }, operator)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    const id = (ok[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const r of refused) expect(r.reason).toMatchObject({ code: "conflict", details: { runningId: id } });
    await waitFinished(id);
    expect(isDeploying()).toBe(false);
  });

  it("refuses live edits naming the files; force is admin only", async () => {
    const f = path.join(repo.dir, repo.stack("api"), ".env");
    const before = fs.readFileSync(f, "utf8");
    fs.writeFileSync(f, before + "EXTRA=1\n");
    fs.writeFileSync(path.join(repo.dir, "notes.txt"), "hello\n");
    try {
      const err = await startDeployment({ kind: "rollout", to: "v1.0.0" }, operator).catch((e) => e);
      expect(err).toMatchObject({ code: "preflight_failed" });
      expect(err.message).toContain(`${repo.stack("api")}/.env`);
      expect(err.message).toContain("notes.txt");
      await expect(startDeployment({ kind: "rollout", to: "v1.0.0", force: true }, operator)).rejects.toMatchObject({ code: "forbidden" });
      expect(isDeploying()).toBe(false);
      expect(db().prepare("SELECT COUNT(*) n FROM deployments WHERE status = 'queued'").get()).toEqual({ n: 0 });
    } finally {
      fs.writeFileSync(f, before);
      fs.rmSync(path.join(repo.dir, "notes.txt"));
    }
  });

  it("a broken compose file at the target is refused in pre-flight with nothing running touched", async () => {
    const up = repo.upstreamClone();
    up.commit(
      { [`${repo.stack("api")}/compose.yaml`]: 'services:\n  app:\n    image: oresi-test/api:1.1.0\n    ports: ["not a port"]\n    restart: maybe\n' },
      "Break api",
    );
    up.tag("v1.3.0");
    const webBefore = (await running(repo.stack("web")))[0];
    const apiBefore = (await running(repo.stack("api")))[0];
    const headBefore = repo.git("rev-parse", "HEAD");
    const r = await startDeployment({ kind: "rollout", to: "v1.3.0" }, operator);
    const d = await waitFinished(r.id);
    expect(d.status).toBe("failed");
    expect(d.steps.find((s) => s.name === "preflight")?.status).toBe("failed");
    expect(d.steps.find((s) => s.name === "switch")?.status).toBe("skipped");
    expect(d.error).toMatch(/Pre-flight failed, nothing running was touched: .*api.*compose config failed/);
    expect(repo.git("rev-parse", "HEAD")).toBe(headBefore);
    expect((await running(repo.stack("web")))[0].id).toBe(webBefore.id);
    expect((await running(repo.stack("api")))[0].id).toBe(apiBefore.id);
    expect(d.rolledBackBy).toBeNull();
  });

  it("a release that fails verification is rolled back by itself, linked, on hold", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.2.0" }, operator);
    const d = await waitFinished(r.id);
    expect(d.status).toBe("rolled_back");
    expect(d.verification?.ok).toBe(false);
    expect(d.verification?.rows.find((x) => x.signal === "container")?.seen).toBe("running, unhealthy");
    expect(d.rolledBackBy).toBeTruthy();
    const rb = getDeployment(d.rolledBackBy!);
    expect(rb).toMatchObject({ kind: "rollback", status: "succeeded", auto: true, rollbackOf: d.id, to: "v1.1.0", from: "v1.2.0" });
    expect(rb.stacks).toEqual([{ stack: repo.stack("web"), change: "changed" }]);
    const web = await running(repo.stack("web"));
    expect(web).toHaveLength(1);
    expect(web[0].image).toBe("oresi-test/web:1.1.0");
    expect(web[0].health).toBe("healthy");
    expect(holdOf("v1.2.0")).toMatchObject({ release: "v1.2.0", deploymentId: d.id });
    expect(repo.git("rev-parse", "HEAD")).toBe(repo.git("rev-parse", "v1.1.0^{commit}"));
    liftHold("v1.2.0");
    expect(holdOf("v1.2.0")).toBeNull();
    // The broken release never counts as deployed: a rollback still goes to v1.0.0.
    expect(rollbackPlan().target?.release).toBe("v1.0.0");
  });

  it("rolls back to the release deployed before, from history", async () => {
    const r = await startDeployment({ kind: "rollback" }, operator);
    const d = await waitFinished(r.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d).toMatchObject({ kind: "rollback", from: "v1.1.0", to: "v1.0.0" });
    const web = await running(repo.stack("web"));
    expect(web[0].image).toBe("oresi-test/web:1.0.0");
    expect(web[0].health).toBe("healthy");
    expect(rollbackPlan()).toMatchObject({ available: false });
  });

  it("admin force past live edits is allowed and said in the log", async () => {
    fs.writeFileSync(path.join(repo.dir, "scratch.txt"), "x\n");
    try {
      const r = await startDeployment({ kind: "rollout", to: "v1.1.0", force: true }, admin);
      const d = await waitFinished(r.id);
      expect(d.status, d.error ?? "").toBe("succeeded");
      expect(d.force).toBe(true);
      expect(logsOf(r.id).some((l) => l.line.includes("Forced by alice despite live edits: scratch.txt"))).toBe(true);
    } finally {
      fs.rmSync(path.join(repo.dir, "scratch.txt"));
    }
  });

  it("merges releases, deployments, health and rollbacks into the stack's timeline", async () => {
    const t = await stackTimeline(repo.stack("web"));
    const titles = t.map((e) => e.title);
    expect(titles).toContain("Release v1.2.0");
    expect(titles).toContain("Release v1.1.0");
    expect(titles).toContain("Automatic rollback v1.2.0 → v1.1.0");
    expect(titles).toContain("Rollback v1.1.0 → v1.0.0");
    expect(t.some((e) => e.kind === "health" && e.status === "unhealthy" && e.detail?.includes("unhealthy"))).toBe(true);
    expect(t.some((e) => e.kind === "deployment" && e.status === "rolled_back" && e.by === "olivia")).toBe(true);
    expect(t.map((e) => e.at)).toEqual([...t.map((e) => e.at)].sort().reverse());
  });
});
