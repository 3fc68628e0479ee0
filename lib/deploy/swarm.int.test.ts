// The engine with a Swarm stack on a real single-node swarm (an extra engine, host w2; the main
// engine stays out of Swarm mode), beside a Compose stack on the local engine: rollout v1.0.0 →
// v1.1.0 with 2 replicas converged healthy, the spec equal to the hand procedure's, drift and
// versions read for the services, then a broken release that rolls back by itself.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { composeFile, createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { startSwarmEngine, type SwarmEngine } from "@/e2e/fixtures/swarm-engine";
import type { Caller } from "../access/caller";
import { reloadConfig } from "../config";
import { closeDb } from "../db";
import { assertLogsReadable, containerLogs } from "../docker/logs";
import { invalidateSwarm, stackServices } from "../docker/swarm";
import { invalidateRepoState } from "../git/state";
import { invalidateStacksReport, stacksReport } from "../stacks/report";
import { startDeployment } from "./start";
import { logsOf } from "./store";
import { waitFinished } from "./testing";

const operator: Caller = { kind: "user", name: "olivia", role: "operator", ip: "127.0.0.1" };
const saved = {
  DOCKER_HOSTS_FILE: process.env.DOCKER_HOSTS_FILE,
  STACKS_DIR: process.env.STACKS_DIR,
  DATA_DIR: process.env.DATA_DIR,
  VERIFY_TIMEOUT: process.env.VERIFY_TIMEOUT,
  AUTO_ROLLBACK: process.env.AUTO_ROLLBACK,
};

let engine: SwarmEngine;
let repo: StacksRepo;
let sw: string;
let plain: string;

const swarmCompose = [
  'version: "3.8"',
  "x-oresi:",
  "  mode: swarm",
  "  host: w2",
  "  verify:",
  "    timeout: 90s",
  "services:",
  "  web:",
  "    image: oresi-test/web:${WEB_TAG}",
  "    environment:",
  "      GREETING: ${GREETING}",
  "    deploy:",
  "      replicas: 2",
  "      update_config:",
  "        monitor: 3s",
  "",
].join("\n");
const env = (tag: string) => `WEB_TAG=${tag}\nGREETING=hello from ${tag}\n`;

beforeAll(() => {
  engine = startSwarmEngine("w-2", { manager: 2382, dataPath: 4802 });
  repo = createStacksRepo({ tag: "swd", history: false });
  sw = repo.stack("sw");
  plain = repo.stack("plain");
  repo.commit({ "README.md": "# stacks\n" }, "Start");
  repo.commit(
    { [`${sw}/docker-compose.yml`]: swarmCompose, [`${sw}/.env`]: env("1.0.0"), [`${plain}/docker-compose.yml`]: composeFile("oresi-test/api:1.0.0") },
    "Add a Swarm stack and a Compose stack",
  );
  repo.tag("v1.0.0");
  repo.commit({ [`${sw}/.env`]: env("1.1.0") }, "web 1.1.0");
  repo.tag("v1.1.0");
  repo.commit({ [`${sw}/.env`]: env("2.0.0-broken") }, "web 2.0.0-broken");
  repo.tag("v1.2.0");
  repo.git("checkout", "-q", "--detach", "HEAD~3");
  closeDb();
  const data = makeTempDir("swarm-deploy-data");
  process.env.DOCKER_HOSTS_FILE = engine.hostsFile("w2", data);
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = data;
  process.env.VERIFY_TIMEOUT = "30s";
  process.env.AUTO_ROLLBACK = "true";
  reloadConfig();
  invalidateRepoState();
  invalidateSwarm();
});

afterAll(() => {
  closeDb();
  try {
    engine?.stop();
  } finally {
    repo?.cleanup();
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    reloadConfig();
  }
});

const spec = (name: string) => JSON.parse(engine.docker("service", "inspect", name))[0].Spec;

describe("engine with a Swarm stack (real single-node swarm)", () => {
  it("rolls out v1.0.0: docker stack deploy, 2 replicas converged; the Compose stack comes up on the local engine", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.0.0" }, operator);
    const d = await waitFinished(r.id, 180_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.stacks?.map((s) => s.stack).sort()).toEqual([plain, sw].sort());
    expect(d.stacks?.find((s) => s.stack === sw)).toMatchObject({ change: "added" });
    const row = d.verification!.rows.find((x) => x.stack === sw && x.signal === "container")!;
    expect(row).toMatchObject({ subject: "web", ok: true, seen: "2/2 running" });
    const lines = logsOf(r.id)
      .map((l) => l.line)
      .join("\n");
    expect(lines).toContain(`${sw}: Swarm stack on host w2 (x-oresi.mode: swarm)`);
    expect(lines).toContain(`${sw} | Creating service ${sw}_web`);
    const [svc] = await stackServices(sw, "w2", true);
    expect(svc).toMatchObject({ image: "oresi-test/web:1.0.0", replicas: { running: 2, desired: 2 } });
    expect(d.services?.find((s) => s.stack === sw)).toMatchObject({
      service: "web",
      image: "oresi-test/web:1.0.0",
      imageId: expect.stringMatching(/^sha256:/),
    });
    // The Compose stack runs on the local engine, not in the swarm.
    expect(execFileSync("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${plain}`], { encoding: "utf8" }).trim()).not.toBe("");
  }, 240_000);

  it("rolls out v1.1.0 (update completed); the spec equals `docker stack deploy` by hand of the same interpolated file; stacks read the services", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    const d = await waitFinished(r.id, 180_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.stacks).toMatchObject([{ stack: sw, change: "changed" }]);
    expect(d.verification!.rows.find((x) => x.stack === sw && x.signal === "container")).toMatchObject({ ok: true, seen: "2/2 running, update completed" });

    // By hand, in the folder: docker-compose config > f && docker stack deploy -c f <name>.
    const hand = `${sw}-hand`;
    const f = path.join(repo.root, "hand.yml");
    fs.writeFileSync(
      f,
      execFileSync("docker-compose", ["config"], { cwd: path.join(repo.dir, sw), env: { ...process.env, DOCKER_HOST: engine.url }, encoding: "utf8" }),
    );
    engine.docker("stack", "deploy", "-c", f, hand);
    const a = spec(`${sw}_web`);
    const b = spec(`${hand}_web`);
    expect(a.TaskTemplate.ContainerSpec.Image).toBe("oresi-test/web:1.1.0");
    expect(a.TaskTemplate.ContainerSpec.Image).toBe(b.TaskTemplate.ContainerSpec.Image);
    expect(a.TaskTemplate.ContainerSpec.Env).toEqual(["GREETING=hello from 1.1.0"]);
    expect(a.TaskTemplate.ContainerSpec.Env).toEqual(b.TaskTemplate.ContainerSpec.Env);
    expect(a.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(a.Mode).toEqual(b.Mode);
    expect(a.UpdateConfig).toEqual(b.UpdateConfig);
    engine.docker("stack", "rm", hand);

    invalidateStacksReport();
    const report = await stacksReport(0);
    const view = report.stacks.find((s) => s.name === sw)!;
    expect(view).toMatchObject({ kind: "swarm", sync: { status: "synced" }, health: { status: "healthy" } });
    expect(view.services[0]).toMatchObject({
      name: "web",
      desired: { image: "oresi-test/web:1.1.0", version: "1.1.0" },
      swarm: { replicas: { running: 2, desired: 2 }, image: "oresi-test/web:1.1.0" },
    });
    // The task containers on the manager are listed under the service; their logs read as any container's.
    const task = view.services[0].containers[0];
    expect(view.services[0].containers).toHaveLength(2);
    expect(report.others.flatMap((g) => g.containers).some((c) => c.id === task.id)).toBe(false);
    expect(await assertLogsReadable(task.id, "w2")).toBe(task.id);
    expect((await containerLogs(task.id, { host: "w2", tail: 20 })).lines.map((l) => l.text)).toContain("starting httpd for oresi-test/web:1.1.0");
    // Drift: the service changed by hand is out of sync with the release.
    engine.docker("service", "update", "--detach", "--image", "oresi-test/web:1.0.0", `${sw}_web`);
    invalidateSwarm();
    invalidateStacksReport();
    const drifted = (await stacksReport(0)).stacks.find((s) => s.name === sw)!;
    expect(drifted.sync.status).toBe("out_of_sync");
    expect(drifted.services[0].drift).toEqual([{ kind: "image_differs", text: "runs oresi-test/web:1.0.0, the release says oresi-test/web:1.1.0" }]);
    engine.docker("service", "update", "--detach", "--image", "oresi-test/web:1.1.0", `${sw}_web`);
  }, 240_000);

  it("a broken release (unhealthy image) fails verification and rolls back by itself to v1.1.0", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.2.0" }, operator);
    const d = await waitFinished(r.id, 300_000);
    expect(d.status, d.error ?? "").toBe("rolled_back");
    const bad = d.verification!.rows.find((x) => x.stack === sw && x.signal === "container")!;
    expect(bad.ok).toBe(false);
    expect(bad.seen).toMatch(/update paused|task \d+ (complete|failed)/);
    const back = await waitFinished(d.rolledBackBy!, 300_000);
    expect(back).toMatchObject({ kind: "rollback", status: "succeeded", to: "v1.1.0", auto: true });
    expect(back.verification!.rows.find((x) => x.stack === sw && x.signal === "container")).toMatchObject({ ok: true });
    const [svc] = await stackServices(sw, "w2", true);
    expect(svc).toMatchObject({ image: "oresi-test/web:1.1.0", replicas: { running: 2, desired: 2 } });
    expect(spec(`${sw}_web`).TaskTemplate.ContainerSpec.Env).toEqual(["GREETING=hello from 1.1.0"]);
  }, 480_000);

  it("pre-flight refuses a file docker stack deploy would refuse, and mode: swarm on a host that is no manager, before anything changes", async () => {
    const up = repo.upstreamClone();
    up.commit(
      {
        [`${sw}/docker-compose.yml`]: swarmCompose
          .replace('version: "3.8"', 'version: "2.4"')
          .replace(/ {4}deploy:\n {6}replicas: 2\n {6}update_config:\n {8}monitor: 3s\n/, ""),
        [`${plain}/docker-compose.yml`]: "x-oresi:\n  mode: swarm\n" + composeFile("oresi-test/api:1.1.0"),
      },
      "A 2.x file for the swarm; the Compose stack says swarm on the local engine",
    );
    up.tag("v1.3.0");
    const before = spec(`${sw}_web`);
    const head = repo.git("rev-parse", "HEAD");
    const r = await startDeployment({ kind: "rollout", to: "v1.3.0" }, operator);
    const d = await waitFinished(r.id, 120_000);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(new RegExp(`${sw}: docker stack deploy would refuse the file: the file format is version 2\\.4`));
    expect(d.error).toMatch(new RegExp(`${plain}: x-oresi.mode is swarm, but Docker host local is not a Swarm manager`));
    expect(d.steps.find((s) => s.name === "preflight")?.status).toBe("failed");
    expect(d.steps.find((s) => s.name === "switch")?.status).not.toBe("ok");
    expect(d.rolledBackBy ?? null).toBeNull();
    expect(repo.git("rev-parse", "HEAD")).toBe(head);
    expect(spec(`${sw}_web`)).toEqual(before);
  }, 240_000);
});
