// Faults during a rollout never leave it stuck (real git, real engine, real SQLite):
// restart-stack under the deploy lock, a checkout that fails cleanly, the automatic rollback
// of a forced rollout, DEPLOY_TIMEOUT, and a git checkout killed mid-way (stale index.lock).
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { setEnv } from "@/test/fixtures/env";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, tagSlowHealthRelease, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { db } from "../db";
import { checkoutDetached, invalidateRepoState } from "../git/state";
import { ACTION_IMPL } from "../intents/actions";
import { holdOf, liftHold } from "./holds";
import { acquireAndInsert, lockHolder } from "./lock";
import { getDeployment, startDeployment } from "./start";
import { getDeploymentRow, logsOf, updateDeployment } from "./store";
import { waitFinished, TEST_OPERATOR as operator, TEST_ADMIN as admin, runningContainers as running } from "./testing";

const root = path.resolve(__dirname, "..", "..");
let repo: StacksRepo;

beforeAll(async () => {
  repo = createStacksRepo({ tag: "faults", broken: true });
  // A release whose web health stays "starting" for a minute: verification hangs.
  tagSlowHealthRelease(repo, "v1.4.0");
  repo.git("fetch", "-q", "--tags", "origin");
  await setUpStacksRepo(repo, {
    data: "faults-data",
    env: { VERIFY_TIMEOUT: "20s", AUTO_ROLLBACK: "true", DEPLOY_TIMEOUT: "30m", INTENTS_DIR: path.join(root, "intents") },
  });
});
afterAll(() => tearDownStacksRepo(repo));

describe("faults during a rollout", () => {
  it("restart-stack holds the deploy lock: a rollout meanwhile gets 409 naming it; the lock is freed, also after a failed restart", async () => {
    const restart = ACTION_IMPL["restart-stack"]({ params: { stack: repo.stack("api") }, caller: operator, via: "api" });
    await new Promise((r) => setTimeout(r, 100));
    const err = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator).catch((e) => e);
    if (err?.id) await waitFinished(err.id); // (the bug: it started beside the restart)
    expect(err).toMatchObject({ code: "conflict" });
    expect(err.message).toContain(`restart of stack ${repo.stack("api")}`);
    const r = await restart;
    expect(r.status).toBe(200);
    expect(lockHolder()).toBeNull();
    // A stack folder that does not exist: compose fails, the lock is freed all the same.
    await expect(ACTION_IMPL["restart-stack"]({ params: { stack: `${repo.prefix}-nowhere` }, caller: operator, via: "api" })).rejects.toBeTruthy();
    expect(lockHolder()).toBeNull();
    // And while a deployment runs, restart-stack gets 409 with the running deployment.
    const d = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    await expect(ACTION_IMPL["restart-stack"]({ params: { stack: repo.stack("api") }, caller: operator, via: "api" })).rejects.toMatchObject({
      code: "conflict",
      details: { runningId: d.id },
    });
    expect((await waitFinished(d.id)).status).toBe("succeeded");
  });

  it("a checkout that fails cleanly (git refuses over a live edit): failed with a clear error, no hold, no rollback", async () => {
    const f = path.join(repo.dir, repo.stack("web"), ".env");
    const before = fs.readFileSync(f, "utf8");
    fs.writeFileSync(f, before + "LIVE=1\n");
    const head = repo.git("rev-parse", "HEAD");
    try {
      const r = await startDeployment({ kind: "rollout", to: "v1.2.0", force: true }, admin);
      const d = await waitFinished(r.id);
      expect(d.status).toBe("failed");
      expect(d.steps.find((s) => s.name === "switch")?.status).toBe("failed");
      expect(holdOf("v1.2.0")).toBeNull();
      expect(d.rolledBackBy).toBeNull();
      expect(d.error).toContain(`${repo.stack("web")}/.env would be overwritten`);
      expect(repo.git("rev-parse", "HEAD")).toBe(head);
      expect(logsOf(r.id).some((l) => l.line.includes("without changing HEAD or the work tree"))).toBe(true);
    } finally {
      fs.writeFileSync(f, before);
    }
  });

  it("the automatic rollback of a forced rollout inherits the force and succeeds", async () => {
    fs.writeFileSync(path.join(repo.dir, "scratch.txt"), "live edit\n");
    try {
      const r = await startDeployment({ kind: "rollout", to: "v1.2.0", force: true }, admin);
      const d = await waitFinished(r.id);
      expect(d.verification?.ok).toBe(false);
      expect(d.rolledBackBy).toBeTruthy();
      const rb = getDeployment(d.rolledBackBy!);
      expect(rb, rb.error ?? "").toMatchObject({ kind: "rollback", status: "succeeded", auto: true, force: true, from: "v1.2.0", to: d.from });
      expect(d.status).toBe("rolled_back");
      const web = await running(repo.stack("web"));
      expect(web[0].image).toBe(`oresi-test/web:${d.from!.slice(1)}`);
      expect(fs.readFileSync(path.join(repo.dir, "scratch.txt"), "utf8")).toBe("live edit\n");
      liftHold("v1.2.0");
    } finally {
      fs.rmSync(path.join(repo.dir, "scratch.txt"), { force: true });
    }
  });

  it("a deployment that hangs past DEPLOY_TIMEOUT fails with a timeout and frees the lock", async () => {
    setEnv({ DEPLOY_TIMEOUT: "4s", AUTO_ROLLBACK: "false" });
    try {
      const t0 = Date.now();
      const r = await startDeployment({ kind: "rollout", to: "v1.4.0" }, operator);
      const d = await waitFinished(r.id, 30_000);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(d.status).toBe("failed");
      expect(d.error).toMatch(/did not finish within DEPLOY_TIMEOUT \(4 s\)/);
      expect(d.steps.find((s) => s.name === "verify")?.status).toBe("failed");
      expect(lockHolder()).toBeNull();
      liftHold("v1.4.0");
    } finally {
      setEnv({ DEPLOY_TIMEOUT: "30m", AUTO_ROLLBACK: "true" });
    }
    const back = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    expect((await waitFinished(back.id)).status).toBe("succeeded");
  });

  it("a git checkout killed mid-way (stale index.lock, half-switched tree): start-up recovery repairs it, then a rollout succeeds", async () => {
    if (repo.git("rev-parse", "HEAD") !== repo.git("rev-parse", "v1.1.0^{commit}")) {
      const first = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
      expect((await waitFinished(first.id)).status).toBe("succeeded");
    }
    const head = repo.git("rev-parse", "HEAD");
    // What a SIGKILLed `git checkout v1.2.0` leaves: the new index half-written into
    // index.lock, some files already at v1.2.0, HEAD not moved yet.
    const id = "dep_killedcheckout";
    acquireAndInsert({
      id,
      kind: "rollout",
      status: "running",
      from: "v1.1.0",
      to: "v1.2.0",
      toSha: repo.git("rev-parse", "v1.2.0^{commit}"),
      actor: { name: "olivia", kind: "user", via: "web" },
      force: false,
    });
    const steps = getDeploymentRow(id)!.steps.map((s) =>
      ["fetch", "resolve", "live-edits", "plan", "preflight"].includes(s.name)
        ? { ...s, status: "ok" as const }
        : s.name === "switch"
          ? { ...s, status: "running" as const }
          : s,
    );
    updateDeployment(id, { steps });
    const dead = spawn("git", ["--version"]);
    await new Promise((r) => dead.once("exit", r));
    db().prepare("UPDATE deployments SET pid = ? WHERE id = ?").run(dead.pid, id);
    db().prepare("UPDATE locks SET pid = ? WHERE holder = ?").run(dead.pid, id);
    fs.writeFileSync(path.join(repo.dir, ".git", "index.lock"), fs.readFileSync(path.join(repo.dir, ".git", "index")).subarray(0, 100));
    const env = path.join(repo.dir, repo.stack("web"), ".env");
    fs.writeFileSync(env, repo.git("show", `v1.2.0:${repo.stack("web")}/.env`) + "\n");

    // The engine's own checkout refuses with a message a person can act on.
    const err = await checkoutDetached("v1.1.0", { allowDirty: true }).catch((e) => e);
    expect(err.message).toMatch(/index\.lock was left by a git process that was killed .*restart Oresi/);

    // The server's real start-up, in a fresh process.
    const c = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(__dirname, "crash-child.ts"), "startup"], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let errOut = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (errOut += d));
    expect(await new Promise((r) => c.once("exit", r)), errOut).toBe(0);
    expect(JSON.parse(out.trim().split("\n").pop()!).lock).toBeNull();
    expect(fs.existsSync(path.join(repo.dir, ".git", "index.lock"))).toBe(false);
    expect(repo.git("status", "--porcelain")).toBe("");
    expect(repo.git("rev-parse", "HEAD")).toBe(head);
    expect(errOut).toContain("Start-up recovery: removed");
    const d = getDeploymentRow(id)!;
    expect(d.status).toBe("interrupted");
    const repaired = logsOf(id).find((l) => l.line.startsWith("Start-up recovery: removed"))?.line ?? "";
    expect(repaired).toContain(`${repo.stack("web")}/.env`);
    expect(repaired).toContain(`back to HEAD ${head.slice(0, 12)}`);
    expect(db().prepare("SELECT result FROM audit_events WHERE action = 'repo.repair' AND deployment_id = ?").get(id)).toEqual({ result: "repaired" });

    invalidateRepoState();
    const r = await startDeployment({ kind: "rollout", to: "v1.0.0" }, operator);
    const done = await waitFinished(r.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(repo.git("rev-parse", "HEAD")).toBe(repo.git("rev-parse", "v1.0.0^{commit}"));
  });
});
