import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, tagSlowHealthRelease, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { getDeploymentRow, logsOf } from "./store";
import { lockHolder } from "./lock";

const root = path.resolve(__dirname, "..", "..");
let repo: StacksRepo;
let env: Record<string, string>;

function child(args: string[]) {
  return spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(__dirname, "crash-child.ts"), ...args], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The id of the deployment a `start` child printed ("started <id>"); rejects with its output if it exits first. */
function startedId(c: ChildProcess): Promise<string> {
  let out = "";
  let err = "";
  c.stderr!.on("data", (d) => (err += d));
  return new Promise<string>((resolve, reject) => {
    c.stdout!.on("data", (d) => {
      out += d;
      const m = /started (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    c.on("exit", (code) => reject(new Error(`child exited ${code}: ${out}${err}`)));
  });
}

beforeAll(async () => {
  repo = createStacksRepo({ tag: "crash" });
  env = { VERIFY_TIMEOUT: "20s", INTENTS_DIR: path.join(root, "intents") };
  env.DATA_DIR = await setUpStacksRepo(repo, { data: "crash-data", env });
  env.STACKS_DIR = repo.dir;
});
afterAll(() => tearDownStacksRepo(repo));

describe("crash in the middle of a rollout", () => {
  it("SIGKILL mid-rollout, then start-up: the deployment reads interrupted and the lock is free", async () => {
    const c = child(["start", "v1.1.0"]);
    const id = await startedId(c);
    // Kill it once it is past the switch (bringing stacks up or verifying).
    const end = Date.now() + 30_000;
    for (;;) {
      const d = getDeploymentRow(id)!;
      if (d.steps.some((s) => s.name === "up" && s.status !== "pending")) break;
      if (Date.now() > end || !["queued", "running", "verifying"].includes(d.status)) throw new Error(`never got mid-rollout: ${JSON.stringify(d.steps)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    c.kill("SIGKILL");
    await new Promise((r) => c.once("exit", r));
    expect(["running", "verifying"]).toContain(getDeploymentRow(id)!.status);
    expect(lockHolder()?.holder).toBe(id);

    // The server's real start-up path in a fresh process.
    const s = child(["startup"]);
    let sout = "";
    s.stdout.on("data", (d) => (sout += d));
    const code = await new Promise((r) => s.once("exit", r));
    expect(code).toBe(0);
    const report = JSON.parse(sout.trim().split("\n").pop()!);
    expect(report.lock).toBeNull();
    expect(report.deployments.find((d: { id: string }) => d.id === id).status).toBe("interrupted");
    const d = getDeploymentRow(id)!;
    expect(d.status).toBe("interrupted");
    expect(d.finishedAt).toBeTruthy();
    expect(logsOf(id).some((l) => l.line.startsWith("Interrupted: the server process"))).toBe(true);
    expect(lockHolder()).toBeNull();
  });

  it("a second process's start-up leaves the lock and deployment of a live first process alone", async () => {
    // A release whose verification hangs (health "starting" for a minute) keeps the first process busy.
    tagSlowHealthRelease(repo, "v1.5.0");
    const a = child(["start", "v1.5.0"]);
    try {
      const id = await startedId(a);
      const end = Date.now() + 30_000;
      while (getDeploymentRow(id)!.status !== "verifying") {
        if (Date.now() > end) throw new Error(`never got to verify: ${JSON.stringify(getDeploymentRow(id))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const s = child(["startup"]);
      let sout = "";
      s.stdout.on("data", (d) => (sout += d));
      expect(await new Promise((r) => s.once("exit", r))).toBe(0);
      const report = JSON.parse(sout.trim().split("\n").pop()!);
      expect(report.lock?.holder).toBe(id);
      expect(lockHolder()?.holder).toBe(id);
      expect(getDeploymentRow(id)!.status).toBe("verifying");
    } finally {
      a.kill("SIGKILL");
      await new Promise((r) => (a.exitCode !== null ? r(null) : a.once("exit", r)));
    }
    // Once the first process is gone, start-up frees its lock.
    const s2 = child(["startup"]);
    expect(await new Promise((r) => s2.once("exit", r))).toBe(0);
    expect(lockHolder()).toBeNull();
  });
});
