// Releases across two real Docker engines: `local` (the main engine) and h2 (a second engine on
// its own socket, scripts/test-engine.sh). A release changing a stack on each rolls out host by
// host; a broken image on h2 fails its verification and the automatic rollback puts both back;
// h2 stopped mid-way fails the deployment, host local is rolled back, and the status says h2 is down.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeFile, createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { dockerOn, removeEngine, startEngine, stopEngineDaemon } from "@/test/fixtures/engines";
import { freshDataDir } from "@/test/fixtures/env";
import { closeDb } from "../db";
import { invalidateRepoState } from "../git/state";
import { invalidateReleases } from "../git/tags";
import type { Caller } from "../access/caller";
import { composeUp } from "../docker/compose";
import { invalidateContainers, listContainers } from "../docker/containers";
import { checkDocker, invalidateStatus } from "../status";
import { invalidateStacksReport, stacksReport } from "../stacks/report";
import { previewDeployment } from "./preview";
import { getDeployment, startDeployment } from "./start";
import { logsOf } from "./store";
import { waitFinished } from "./testing";

const ENGINE = "h-deploy";
const operator: Caller = { kind: "user", name: "olivia", role: "operator", ip: "127.0.0.1" };
let repo: StacksRepo;
let h2: string;
const far = (file: string) => `x-oresi:\n  host: h2\n${file}`;

async function images(host: string, stack: string): Promise<string[]> {
  invalidateContainers(host);
  return (await listContainers(host)).filter((c) => c.project === stack && c.state === "running").map((c) => c.image);
}

beforeAll(async () => {
  h2 = startEngine(ENGINE);
  repo = createStacksRepo({ tag: "mh", history: false });
  const near = repo.stack("near");
  const farStack = repo.stack("far");
  const release = (tag: string, nearImage: string, farImage: string) => {
    repo.commit({ [`${near}/docker-compose.yml`]: composeFile(nearImage), [`${farStack}/docker-compose.yml`]: far(composeFile(farImage)) }, `release ${tag}`);
    repo.tag(tag);
  };
  release("v1.0.0", "oresi-test/web:1.0.0", "oresi-test/api:1.0.0");
  release("v1.1.0", "oresi-test/web:1.1.0", "oresi-test/api:1.1.0");
  release("v1.2.0", "oresi-test/web:1.0.0", "oresi-test/web:2.0.0-broken");
  release("v1.3.0", "oresi-test/api:1.1.0", "oresi-test/web:1.0.0");
  // v1.4.0: far moves from h2 to local (x-oresi.host removed), same image as v1.1.0; near as in v1.1.0.
  repo.commit(
    { [`${near}/docker-compose.yml`]: composeFile("oresi-test/web:1.1.0"), [`${farStack}/docker-compose.yml`]: composeFile("oresi-test/api:1.1.0") },
    "release v1.4.0",
  );
  repo.tag("v1.4.0");
  const hostsFile = path.join(makeTempDir("hosts"), "hosts.yml");
  fs.writeFileSync(hostsFile, `hosts:\n  h2: { url: "${h2}" }\norder: [local, h2]\n`);
  repo.git("checkout", "-q", "--detach", "v1.0.0");
  freshDataDir("hosts-deploy", { STACKS_DIR: repo.dir, VERIFY_TIMEOUT: "25s", AUTO_ROLLBACK: "true", DOCKER_HOSTS_FILE: hostsFile });
  invalidateRepoState();
  invalidateReleases();
  // As a person would have before Oresi: each stack up on its own engine.
  await composeUp(path.join(repo.dir, near), near);
  await composeUp(path.join(repo.dir, farStack), farStack, { host: "h2" });
}, 300_000);

afterAll(() => {
  try {
    removeEngine(ENGINE);
  } finally {
    closeDb();
    repo?.cleanup();
    delete process.env.DOCKER_HOSTS_FILE;
  }
}, 180_000);

describe("a release across two Docker hosts (real engines)", () => {
  it("rolls out host by host, each stack's containers on its own engine, as the hand procedure labels them", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    const d = await waitFinished(r.id, 120_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.stacks).toEqual([
      { stack: repo.stack("far"), change: "changed", host: "h2" },
      { stack: repo.stack("near"), change: "changed", host: "local" },
    ]);
    expect(await images("local", repo.stack("near"))).toEqual(["oresi-test/web:1.1.0"]);
    expect(await images("h2", repo.stack("far"))).toEqual(["oresi-test/api:1.1.0"]);
    expect(await images("local", repo.stack("far"))).toEqual([]);
    expect(await images("h2", repo.stack("near"))).toEqual([]);
    expect(d.verification?.rows.filter((x) => x.signal === "container").map((x) => [x.stack, x.ok])).toEqual([
      [repo.stack("near"), true],
      [repo.stack("far"), true],
    ]);
    // Host by host: local up and verified before h2 is touched; every line names its host.
    const lines = logsOf(r.id).map((l) => l.line);
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^\[local\] Host local \(1 of 2\)/)).toBeGreaterThan(-1);
    expect(at(/^\[local\] ✓ .*near\/app \[container\]/)).toBeGreaterThan(at(/^\[local\] Host local \(1 of 2\)/));
    expect(at(/^\[h2\] Host h2 \(2 of 2\)/)).toBeGreaterThan(at(/^\[local\] ✓ .*near\/app \[container\]/));
    expect(at(/^\[h2\] .*far \| /)).toBeGreaterThan(at(/^\[h2\] Host h2 \(2 of 2\)/));
    expect(d.services!.map((s) => [s.stack, s.image]).sort()).toEqual([
      [repo.stack("far"), "oresi-test/api:1.1.0"],
      [repo.stack("near"), "oresi-test/web:1.1.0"],
    ]);
    // By hand on h2 in the folder: nothing to recreate, the same config-hash label.
    const farDir = path.join(repo.dir, repo.stack("far"));
    const label = () =>
      dockerOn(
        h2,
        "ps",
        "--filter",
        `label=com.docker.compose.project=${repo.stack("far")}`,
        "--format",
        '{{.ID}} {{.Label "com.docker.compose.config-hash"}}',
      );
    const before = label();
    execFileSync("docker-compose", ["-p", repo.stack("far"), "up", "-d"], { cwd: farDir, env: { ...process.env, DOCKER_HOST: h2 }, stdio: "ignore" });
    expect(label()).toBe(before);
  }, 180_000);

  it("a broken image on the second host fails its verification and the rollback puts both hosts back", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.2.0" }, operator);
    const d = await waitFinished(r.id, 180_000);
    expect(d.status, d.error ?? "").toBe("rolled_back");
    expect(d.verification?.ok).toBe(false);
    expect(d.verification?.rows.find((x) => x.stack === repo.stack("near") && x.signal === "container")?.ok).toBe(true);
    expect(d.verification?.rows.find((x) => x.stack === repo.stack("far") && x.signal === "container")?.ok).toBe(false);
    const rb = getDeployment(d.rolledBackBy!);
    expect(rb).toMatchObject({ status: "succeeded", to: "v1.1.0", auto: true });
    expect(rb.stacks.map((s) => [s.stack, s.host]).sort()).toEqual([
      [repo.stack("far"), "h2"],
      [repo.stack("near"), "local"],
    ]);
    expect(await images("local", repo.stack("near"))).toEqual(["oresi-test/web:1.1.0"]);
    expect(await images("h2", repo.stack("far"))).toEqual(["oresi-test/api:1.1.0"]);
    const lines = logsOf(rb.id).map((l) => l.line);
    expect(lines.some((l) => l.startsWith("[local] Host local (1 of 2)"))).toBe(true);
    expect(lines.some((l) => l.startsWith("[h2] Host h2 (2 of 2)"))).toBe(true);
  }, 240_000);

  it("a stack that moves to another host runs there first, then is taken down on the old one; the rollback moves it back", async () => {
    const far = repo.stack("far");
    const near = repo.stack("near");
    // The preview says it: created on local, removed on h2; near is not touched.
    const pv = await previewDeployment({ kind: "rollout", to: "v1.4.0" });
    expect(pv.stacks.filter((s) => s.stack === far).map((s) => [s.host, s.change, s.movedTo ?? null, s.services.map((x) => x.action)])).toEqual([
      ["local", "changed", null, ["created"]],
      ["h2", "removed", "local", ["removed"]],
    ]);
    expect(pv.stacks.find((s) => s.stack === near)?.change).toBe("unchanged");
    const r = await startDeployment({ kind: "rollout", to: "v1.4.0" }, operator);
    const d = await waitFinished(r.id, 180_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.stacks).toEqual([{ stack: far, change: "changed", host: "local", movedFrom: "h2" }]);
    expect(await images("local", far)).toEqual(["oresi-test/api:1.1.0"]);
    expect(await images("h2", far)).toEqual([]);
    expect(dockerOn(h2, "ps", "-a", "-q", "--filter", `label=com.docker.compose.project=${far}`)).toBe("");
    expect(await images("local", near)).toEqual(["oresi-test/web:1.1.0"]);
    // Up and verified on local before anything stops on h2.
    const lines = logsOf(r.id).map((l) => l.line);
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^\[local\] ✓ .*far\/app \[container\]/)).toBeGreaterThan(-1);
    expect(at(/^\[h2\] .*far: moved to host local in v1\.4\.0, verified there; compose down here/)).toBeGreaterThan(
      at(/^\[local\] ✓ .*far\/app \[container\]/),
    );
    expect(getDeployment(r.id).preview?.outcome).toEqual({ matched: true, mismatches: [] });
    expect(d.services!.filter((s) => s.stack === far).map((s) => s.image)).toEqual(["oresi-test/api:1.1.0"]);
    // By hand on local in the folder: nothing to recreate.
    const label = () =>
      execFileSync("docker", ["ps", "--filter", `label=com.docker.compose.project=${far}`, "--format", '{{.ID}} {{.Label "com.docker.compose.config-hash"}}'], {
        encoding: "utf8",
      });
    const before = label();
    execFileSync("docker-compose", ["-p", far, "up", "-d"], { cwd: path.join(repo.dir, far), stdio: "ignore" });
    expect(label()).toBe(before);
    // One click back: on h2 again, gone from local.
    const b = await startDeployment({ kind: "rollback" }, operator);
    const bd = await waitFinished(b.id, 180_000);
    expect(bd.status, bd.error ?? "").toBe("succeeded");
    expect(bd.stacks).toEqual([{ stack: far, change: "changed", host: "h2", movedFrom: "local" }]);
    expect(await images("h2", far)).toEqual(["oresi-test/api:1.1.0"]);
    expect(await images("local", far)).toEqual([]);
  }, 300_000);

  it("the second engine stopped mid-way: the deployment fails, host local is rolled back, the status says h2 is down", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.3.0" }, operator);
    // Once the pre-flight has passed and host local's turn begins, h2 dies.
    for (let i = 0; i < 1200; i++) {
      if (logsOf(r.id).some((l) => l.line.startsWith("[local] Host local (1 of 2)"))) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    stopEngineDaemon(ENGINE, "SIGKILL");
    const d = await waitFinished(r.id, 180_000);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/on host h2/);
    expect(d.steps.find((s) => s.name === "up")?.status).toBe("failed");
    const rb = getDeployment(d.rolledBackBy!);
    expect(rb.status).toBe("failed");
    expect(rb.error).toMatch(new RegExp(`^Only part of it was done: host h2 unreachable, ${repo.stack("far")} left as it is`));
    // host local is back at v1.1.0
    expect(await images("local", repo.stack("near"))).toEqual(["oresi-test/web:1.1.0"]);
    invalidateStatus();
    expect(await checkDocker()).toMatchObject({ status: "degraded", reason: expect.stringMatching(/^host h2 unreachable/) });
    invalidateStacksReport();
    const report = await stacksReport(0);
    expect(report.stacks.find((s) => s.name === repo.stack("near"))).toMatchObject({ host: "local", health: { status: "healthy" } });
    expect(report.stacks.find((s) => s.name === repo.stack("far"))).toMatchObject({ host: "h2", hostDown: "host h2 unreachable" });
  }, 240_000);
});
