// The Swarm adapter against a real single-node swarm (an extra engine; the main engine stays out
// of Swarm mode): mode detection, the interpolated file, stack deploy with 2 replicas and the
// image's healthcheck, convergence, a broken update, service logs, and the hand procedure.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { runPrefix } from "@/e2e/fixtures/sandbox";
import { startSwarmEngine, swarmTempDir, type SwarmEngine } from "@/e2e/fixtures/swarm-engine";
import { reloadConfig } from "../config";
import {
  countServiceErrorLines,
  judgeService,
  serviceLogs,
  stackDeploy,
  stackKind,
  stackRemove,
  stackServices,
  swarmNode,
  writeStackFile,
  type ServiceVerdict,
  type SwarmService,
} from "./swarm";

let engine: SwarmEngine;
let root: string;
let stackDir: string;
const stack = `${runPrefix("sw")}-web`;
const saved = { DOCKER_HOSTS_FILE: process.env.DOCKER_HOSTS_FILE, STACKS_DIR: process.env.STACKS_DIR, DATA_DIR: process.env.DATA_DIR };

const composeText = (extra = "") =>
  [
    'version: "3.8"',
    "x-oresi:",
    "  mode: swarm",
    "  host: w1",
    "services:",
    "  web:",
    "    image: oresi-test/web:${WEB_TAG}",
    "    environment:",
    "      GREETING: ${GREETING:-hello}",
    "    deploy:",
    "      replicas: 2",
    "      update_config:",
    "        monitor: 3s",
    extra,
  ].join("\n") + "\n";

function setTag(tag: string) {
  fs.writeFileSync(path.join(stackDir, ".env"), `WEB_TAG=${tag}\nGREETING=from-env\n`);
}

async function converge(name: string, since: string | null | undefined, timeoutMs = 90_000): Promise<{ svc: SwarmService; v: ServiceVerdict }> {
  const t0 = Date.now();
  for (;;) {
    const [svc] = await stackServices(name, "w1", true);
    const v = svc ? judgeService(svc, since) : { ok: false, final: false, seen: "no service" };
    if (svc && (v.ok || v.final)) return { svc, v };
    if (Date.now() - t0 > timeoutMs) throw new Error(`${name} did not converge in ${timeoutMs} ms: ${v.seen}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(() => {
  engine = startSwarmEngine("w-1", { manager: 2381, dataPath: 4801 });
  root = swarmTempDir("adapter");
  process.env.DOCKER_HOSTS_FILE = engine.hostsFile("w1", root);
  process.env.STACKS_DIR = path.join(root, "stacks");
  process.env.DATA_DIR = path.join(root, "data");
  stackDir = path.join(root, "stacks", stack);
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, "docker-compose.yml"), composeText());
  setTag("1.0.0");
  reloadConfig();
});

afterAll(() => {
  try {
    engine?.stop();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    reloadConfig();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }
});

describe("Swarm adapter (real single-node swarm)", () => {
  it("reads the swarm state of each host; the main engine is no manager", async () => {
    expect(await swarmNode("w1")).toMatchObject({ state: "active", manager: true, nodes: 1, managers: 1 });
    expect((await swarmNode("local")).manager).toBe(false);
  });

  it("decides the mode: declared, refused on a non-manager, and no surprise detection of a new stack", async () => {
    expect((await stackKind(stack, "swarm", "w1")).mode).toBe("swarm");
    expect((await stackKind(stack, "swarm", "local")).error).toMatch(/Docker host local is not a Swarm manager/);
    expect((await stackKind(stack, undefined, "w1")).mode).toBe("compose");
    expect((await stackKind(stack, "compose", "w1")).mode).toBe("compose");
  });

  it("writes the interpolated file, refuses one stack deploy cannot read", async () => {
    const out = path.join(root, "out", `${stack}.yml`);
    const f = await writeStackFile(stackDir, stack, out, { host: "w1" });
    expect(f.problems).toEqual([]);
    expect(f.services).toEqual([{ name: "web", image: "oresi-test/web:1.0.0" }]);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const doc = YAML.parse(fs.readFileSync(out, "utf8"));
    expect(doc.version).toBe("3.8");
    expect(doc.services.web.environment).toEqual({ GREETING: "from-env" });
    const bad = path.join(root, "stacks", `${stack}-v2`);
    fs.mkdirSync(bad, { recursive: true });
    fs.writeFileSync(path.join(bad, "docker-compose.yml"), 'version: "2.4"\nservices:\n  web:\n    image: oresi-test/web:1.0.0\n');
    await expect(writeStackFile(bad, `${stack}-v2`, path.join(root, "out", "v2.yml"), { host: "w1" })).rejects.toMatchObject({
      code: "preflight_failed",
      message: expect.stringMatching(/docker stack deploy would refuse the file: the file format is version 2\.4/),
    });
  });

  it("deploys 2 replicas that converge healthy; the spec equals the hand procedure's", async () => {
    const out = path.join(root, "out", `${stack}.yml`);
    await writeStackFile(stackDir, stack, out, { host: "w1" });
    const lines: string[] = [];
    await stackDeploy(stack, out, { host: "w1", onLine: (l) => lines.push(l) });
    expect(lines.join("\n")).toMatch(new RegExp(`Creating service ${stack}_web`));
    const { svc, v } = await converge(stack, null);
    expect(v).toEqual({ ok: true, final: false, seen: "2/2 running" });
    expect(svc).toMatchObject({ name: "web", stack, image: "oresi-test/web:1.0.0", replicas: { running: 2, desired: 2 }, mode: "replicated" });
    expect(
      svc.tasks
        .filter((t) => t.state === "running")
        .map((t) => t.slot)
        .sort(),
    ).toEqual([1, 2]);
    // Without a mode, a stack that runs as a Swarm stack on a manager is detected as one.
    expect(await stackKind(stack, undefined, "w1")).toMatchObject({ mode: "swarm", reason: expect.stringMatching(/^detected/) });

    // By hand: `docker-compose config > f && docker stack deploy -c f <name>` in the folder.
    const hand = `${stack}-hand`;
    const handFile = path.join(root, "hand.yml");
    fs.writeFileSync(
      handFile,
      execFileSync("docker-compose", ["config"], { cwd: stackDir, env: { ...process.env, DOCKER_HOST: engine.url }, encoding: "utf8" }),
    );
    engine.docker("stack", "deploy", "-c", handFile, hand);
    const { svc: byHand } = await converge(hand, null);
    const inspect = (n: string) => JSON.parse(engine.docker("service", "inspect", n))[0].Spec;
    const a = inspect(`${stack}_web`);
    const b = inspect(`${hand}_web`);
    expect(a.TaskTemplate.ContainerSpec.Image).toBe(b.TaskTemplate.ContainerSpec.Image);
    expect(a.TaskTemplate.ContainerSpec.Env).toEqual(b.TaskTemplate.ContainerSpec.Env);
    expect(a.TaskTemplate.ContainerSpec.Env).toEqual(["GREETING=from-env"]);
    expect(a.Mode).toEqual(b.Mode);
    expect(a.UpdateConfig).toEqual(b.UpdateConfig);
    expect(byHand.replicas).toEqual(svc.replicas);
    await stackRemove(hand, { host: "w1" });
  });

  it("rolls an update out (update completed) and reads the service logs", async () => {
    setTag("1.1.0");
    const out = path.join(root, "out", `${stack}.yml`);
    await writeStackFile(stackDir, stack, out, { host: "w1" });
    const deployedAt = new Date();
    await stackDeploy(stack, out, { host: "w1" });
    const { svc, v } = await converge(stack, undefined);
    expect(v).toEqual({ ok: true, final: false, seen: "2/2 running, update completed" });
    expect(svc.image).toBe("oresi-test/web:1.1.0");
    expect(svc.tasks.filter((t) => t.current && t.state === "running")).toHaveLength(2);
    const logs = await serviceLogs(svc.id, { host: "w1", tail: 50 });
    expect(logs.lines.map((l) => l.text)).toContain("starting httpd for oresi-test/web:1.1.0");
    expect(logs.lines.every((l) => l.ts)).toBe(true);
    const n = await countServiceErrorLines(svc.id, deployedAt, { host: "w1" });
    expect(n.lines).toBeGreaterThanOrEqual(2);
    expect(n.errors).toBe(0);
  });

  it("a broken update (unhealthy image) ends in a definite failure: the update paused", async () => {
    setTag("2.0.0-broken");
    const out = path.join(root, "out", `${stack}.yml`);
    await writeStackFile(stackDir, stack, out, { host: "w1" });
    await stackDeploy(stack, out, { host: "w1" });
    const { svc, v } = await converge(stack, undefined);
    expect(v.ok).toBe(false);
    expect(v.final).toBe(true);
    expect(v.seen).toMatch(/update paused|task \d+ (complete|failed)/);
    expect(svc.image).toBe("oresi-test/web:2.0.0-broken");
    // The other replica still runs the previous image (stop-first, parallelism 1, pause on failure).
    expect(svc.tasks.some((t) => !t.current && t.state === "running" && t.image === "oresi-test/web:1.1.0")).toBe(true);
  });

  it("removes the stack", async () => {
    await stackRemove(stack, { host: "w1" });
    expect(await stackServices(stack, "w1", true)).toEqual([]);
  });
});
