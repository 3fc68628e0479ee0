// The deployment engine's steps and driver over in-memory fakes of EngineDeps (no Docker, no
// git, no database): the happy path and the failure paths, with what was and was not touched.
import { describe, expect, it } from "vitest";
import { runChain } from "../run";
import { FakeWorld } from "./testing";

const ALL = ["fetch", "resolve", "live-edits", "plan", "preflight", "switch", "up", "verify"];
const steps = (...statuses: string[]) => ALL.map((n, i) => [n, statuses[i]]);

function world(config = {}) {
  return new FakeWorld({
    releases: { "v1.0.0": "a".repeat(40), "v1.1.0": "b".repeat(40) },
    stacks: ["web", "api", "cache"],
    deployed: "v1.0.0",
    config,
  });
}

describe("engine over fake deps", () => {
  it("happy path: every step ok, the stacks up and verified, services captured, the lock freed", async () => {
    const w = world();
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.id).toBe(id);
    expect(d.status).toBe("succeeded");
    expect(w.stepsOf(id)).toEqual(steps(...ALL.map(() => "ok")));
    expect(d.services?.map((s) => s.image)).toEqual(["img/api:v1.1.0", "img/cache:v1.1.0", "img/web:v1.1.0"]);
    expect(w.calls).toEqual([
      "git.fetch",
      "plan.changes v1.1.0",
      "fs.tempDir",
      "git.checkout v1.1.0",
      "compose.up web",
      "compose.up api",
      "compose.up cache",
      "verify.containers web,api,cache",
      "docker.capture web,api,cache",
      `events.succeeded ${id}`,
      "fs.remove",
    ]);
    expect(w.release).toBe("v1.1.0");
    expect(w.lock).toBeNull();
    expect(w.holds.size).toBe(0);
    expect(w.finished.map((x) => [x.id, x.status])).toEqual([[id, "succeeded"]]);
    const log = w.logOf(id);
    expect(log[0]).toBe("Rolling out v1.0.0 → v1.1.0, started by olivia.");
    expect(log).toContain("No preview (no preview in the fake world); going on.");
    expect(log.at(-1)).toBe("Succeeded: v1.1.0 runs verified (Verified: 3 check(s) passed.).");
    expect(w.rows.get(id)!.toSha).toBe("b".repeat(40));
  });

  it("pre-flight refused: nothing touched, no hold, no rollback, the lock freed", async () => {
    const w = world();
    w.faults.configError = { release: "v1.1.0", stack: "api", error: "services.app.ports must be a list" };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("failed");
    expect(d.error).toBe("Pre-flight failed, nothing running was touched: api: compose config failed at v1.1.0: services.app.ports must be a list");
    expect(w.stepsOf(id)).toEqual(steps("ok", "ok", "ok", "ok", "failed", "skipped", "skipped", "skipped"));
    expect(w.calls.filter((c) => /checkout|compose|verify|capture/.test(c))).toEqual([]);
    expect(w.release).toBe("v1.0.0");
    expect(w.holds.size).toBe(0);
    expect(w.rows.size).toBe(2); // the seeded history and this one: no rollback recorded
    expect(w.lock).toBeNull();
    expect(w.finished.map((x) => [x.id, x.status])).toEqual([[id, "failed"]]);
    expect(w.logOf(id).at(-1)).toBe(`Failed before anything running was touched: ${d.error}`);
    expect(w.calls).toContain("fs.remove");
  });

  it("a checkout that fails cleanly touched nothing: no hold, no rollback", async () => {
    const w = world();
    w.faults.checkout = { release: "v1.1.0", clean: true };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("failed");
    expect(w.stepsOf(id)).toEqual(steps("ok", "ok", "ok", "ok", "ok", "failed", "skipped", "skipped"));
    expect(w.logOf(id)).toContain("The checkout failed without changing HEAD or the work tree: nothing running was touched.");
    expect(w.holds.size).toBe(0);
    expect(w.rows.size).toBe(2);
    expect(w.lock).toBeNull();
  });

  it("up fails on the 2nd of 3 stacks: the 3rd never starts, hold, the automatic rollback runs next, the failed deployment ends rolled_back", async () => {
    const w = world();
    w.faults.up = { stack: "api", release: "v1.1.0" };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.id).toBe(id);
    expect(d.status).toBe("rolled_back");
    expect(d.error).toBe("compose up of api failed (exit 1)");
    expect(w.stepsOf(id)).toEqual(steps("ok", "ok", "ok", "ok", "ok", "ok", "failed", "skipped"));
    const rb = w.rows.get(d.rolledBackBy!)!;
    expect(rb).toMatchObject({ kind: "rollback", status: "succeeded", from: "v1.1.0", to: "v1.0.0", auto: true, rollbackOf: id });
    expect(rb.actor).toEqual({ name: "oresi (automatic rollback)", kind: "system", via: `auto-rollback of ${id}` });
    expect(w.stepsOf(rb.id)).toEqual(steps(...ALL.map(() => "ok")));
    const seeded = [...w.rows.values()][0];
    expect(w.calls).toEqual([
      "git.fetch",
      "plan.changes v1.1.0",
      "fs.tempDir",
      "git.checkout v1.1.0",
      "compose.up web",
      "compose.up api",
      // cache is not started after the failure; the work dir goes before the rollback begins
      "fs.remove",
      "git.fetch",
      `plan.changes v1.0.0 exact ${seeded.id}`,
      "fs.tempDir",
      "git.checkout v1.0.0",
      "compose.up web",
      "compose.up api",
      "compose.up cache",
      "verify.containers web,api,cache",
      "docker.capture web,api,cache",
      `events.succeeded ${rb.id}`,
      "fs.remove",
    ]);
    expect(w.holds.get("v1.1.0")).toBe(`rollout ${id} failed: compose up of api failed (exit 1)`);
    expect(w.release).toBe("v1.0.0");
    expect(w.lock).toBeNull();
    // The rollback finishes first; the failed deployment is finalized after it.
    expect(w.finished.map((x) => [x.id, x.status])).toEqual([
      [rb.id, "succeeded"],
      [id, "rolled_back"],
    ]);
    expect(w.logOf(id)).toEqual(
      expect.arrayContaining([
        "api | Error response from daemon: port is already allocated",
        "up: compose up of api failed (exit 1)",
        "v1.1.0 is on hold: a scheduled sync will not roll it out again until a newer release appears or an operator lifts the hold.",
        `Rolling back automatically to v1.0.0: deployment ${rb.id}.`,
      ]),
    );
    expect(w.logOf(rb.id)[0]).toBe("Rolling back v1.1.0 → v1.0.0 (automatic), started by oresi (automatic rollback).");
  });

  it("the lock passes to the rollback without a gap and is freed only when the rollback ends", async () => {
    const w = world();
    w.faults.up = { stack: "web", release: "v1.1.0" };
    const id = w.request("v1.1.0");
    const holders: (string | null)[] = [];
    const up = w.deps.compose.up;
    w.deps.compose.up = async (s, o) => {
      holders.push(w.lock);
      return up(s, o);
    };
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(holders).toEqual([id, d.rolledBackBy, d.rolledBackBy, d.rolledBackBy]);
    expect(w.lock).toBeNull();
  });

  it("verification fails: hold, the automatic rollback runs, the failed deployment ends rolled_back with its verification", async () => {
    const w = world();
    w.faults.verify = { stack: "web", release: "v1.1.0" };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("rolled_back");
    expect(d.error).toBe("Verification failed: web/app running, unhealthy");
    expect(d.verification).toMatchObject({ ok: false, summary: "Verification failed: web/app running, unhealthy" });
    expect(d.verification!.rows.filter((r) => !r.ok).map((r) => r.stack)).toEqual(["web"]);
    expect(w.stepsOf(id)).toEqual(steps("ok", "ok", "ok", "ok", "ok", "ok", "ok", "failed"));
    expect(d.services).toBeNull(); // nothing captured for a release that did not verify
    const rb = w.rows.get(d.rolledBackBy!)!;
    expect(rb.status).toBe("succeeded");
    expect(rb.verification?.ok).toBe(true);
    expect(w.holds.has("v1.1.0")).toBe(true);
    expect(w.calls.filter((c) => c.startsWith("docker.capture"))).toHaveLength(1);
    expect(w.calls.filter((c) => c.startsWith("log.error"))).toEqual([]); // an expected failure, not a crash
    expect(w.logOf(id)).toContain("✕ web/app [container]: running, unhealthy");
    expect(w.lock).toBeNull();
    expect(w.finished.map((x) => x.id)).toEqual([rb.id, id]);
  });

  it("the rollback itself fails: no second rollback, a clear log, the failed deployment stays failed", async () => {
    const w = world();
    w.faults.up = { stack: "api" }; // at every release
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("failed");
    const rb = w.rows.get(d.rolledBackBy!)!;
    expect(rb).toMatchObject({ status: "failed", error: "compose up of api failed (exit 1)", rolledBackBy: null });
    expect(w.rows.size).toBe(3); // history, the rollout, its rollback: no third deployment
    expect(w.calls.filter((c) => c.startsWith("git.checkout"))).toEqual(["git.checkout v1.1.0", "git.checkout v1.0.0"]);
    expect(w.logOf(rb.id)).toContain("This was itself an automatic rollback; not rolling back again. See the Overview for the state of the stacks.");
    expect(w.lock).toBeNull();
    expect(w.calls.filter((c) => c.startsWith("log.error"))).toEqual([]);
    expect(w.finished.map((x) => [x.id, x.status])).toEqual([
      [rb.id, "failed"],
      [id, "failed"],
    ]);
  });

  it("an unexpected error (not an AppError) is logged as a crash and still ends the run", async () => {
    const w = world();
    w.deps.verify.extras = async () => {
      throw new TypeError("boom");
    };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.error).toBe("boom");
    expect(w.calls.filter((c) => c.startsWith("log.error"))).toEqual(["log.error deployment failed", "log.error deployment failed"]);
    expect(d.status).toBe("failed"); // its rollback hit the same error
    expect(w.lock).toBeNull();
  });

  it("fetch fails with the target present locally: goes on with the local tags, said in the step and the log", async () => {
    const w = world();
    w.faults.fetch = new Error("could not read from remote repository");
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("succeeded");
    expect(d.steps[0]).toMatchObject({ name: "fetch", status: "ok", detail: "remote unreachable: used local tags" });
    expect(w.logOf(id)).toContain("Fetch failed (could not read from remote repository); v1.1.0 is present locally, going on with local tags.");
  });

  it("nothing deployed before: hold, no automatic rollback, said in the log", async () => {
    const w = world();
    w.rows.clear(); // no history: the first deployment ever
    w.faults.up = { stack: "web", release: "v1.1.0" };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("failed");
    expect(d.rolledBackBy).toBeNull();
    expect(w.holds.has("v1.1.0")).toBe(true);
    expect(w.logOf(id)).toContain("Nothing was deployed before this release; no automatic rollback possible.");
    expect(w.rows.size).toBe(1);
    expect(w.lock).toBeNull();
  });

  it("AUTO_ROLLBACK off: hold, no rollback, the lock freed", async () => {
    const w = world({ AUTO_ROLLBACK: false });
    w.faults.up = { stack: "api", release: "v1.1.0" };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("failed");
    expect(d.rolledBackBy).toBeNull();
    expect(w.holds.has("v1.1.0")).toBe(true);
    expect(w.logOf(id)).toContain("AUTO_ROLLBACK is off: not rolling back by itself. Use Roll back on the Overview.");
    expect(w.lock).toBeNull();
    expect(w.finished.map((x) => x.id)).toEqual([id]);
  });

  it("DEPLOY_TIMEOUT stops a hung up; the automatic rollback runs after it", async () => {
    const w = world({ DEPLOY_TIMEOUT: 300 });
    w.faults.hangUp = { stack: "web", release: "v1.1.0" };
    const id = w.request("v1.1.0");
    const d = await runChain(id, { exactFrom: null }, w.deps);
    expect(d.status).toBe("rolled_back");
    expect(d.error).toMatch(/^The deployment did not finish within DEPLOY_TIMEOUT \(300 ms\) and was stopped/);
    expect(w.stepsOf(id)).toEqual(steps("ok", "ok", "ok", "ok", "ok", "ok", "failed", "skipped"));
    expect(w.logOf(id)).toContain("DEPLOY_TIMEOUT (300 ms) reached: stopping this deployment.");
    expect(w.rows.get(d.rolledBackBy!)!.status).toBe("succeeded");
  });
});
