// Several Docker hosts against real engines: the main engine is `local`, a second real engine
// (scripts/test-engine.sh, its own socket) is host h2. A stack with x-oresi.host: h2 is brought
// up there; its containers, drift, logs and status are read from h2 only; then h2 is stopped and
// only its stack degrades (503 naming the host) while the local stack keeps working.
import path from "node:path";
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeFile, createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { dockerOn, removeEngine, startEngine, stopEngineDaemon } from "@/test/fixtures/engines";
import { saveEnv, setEnv } from "@/test/fixtures/env";
import { composeUp } from "../docker/compose";
import { hostOfContainer, invalidateContainers } from "../docker/containers";
import { containerLogs } from "../docker/logs";
import { checkDocker, invalidateStatus, status } from "../status";
import { containersQuery } from "./hosts";
import { invalidateStacksReport, stackDetail, stacksReport } from "./report";
import type { StacksReport } from "./types";

const ENGINE = "h-read";
let h2: string;
let repo: StacksRepo;
let restoreEnv: () => void;
const local = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

async function fresh(): Promise<StacksReport> {
  invalidateContainers();
  invalidateStacksReport();
  return stacksReport(0);
}

beforeAll(async () => {
  restoreEnv = saveEnv();
  h2 = startEngine(ENGINE);
  repo = createStacksRepo({ tag: "hosts", history: false });
  repo.commit(
    {
      [`${repo.stack("home")}/docker-compose.yml`]: composeFile("oresi-test/web:1.0.0"),
      [`${repo.stack("far")}/docker-compose.yml`]: `x-oresi:\n  host: h2\n${composeFile("oresi-test/api:1.0.0")}`,
    },
    "a stack on each host",
  );
  const hostsFile = path.join(makeTempDir("hosts"), "hosts.yml");
  fs.writeFileSync(hostsFile, `hosts:\n  h2: { url: "${h2}" }\norder: [local, h2]\n`);
  setEnv({ STACKS_DIR: repo.dir, DATA_DIR: makeTempDir("data"), DOCKER_HOSTS_FILE: hostsFile });
  await composeUp(path.join(repo.dir, repo.stack("home")), repo.stack("home"));
  await composeUp(path.join(repo.dir, repo.stack("far")), repo.stack("far"), { host: "h2" });
}, 300_000);

afterAll(() => {
  try {
    removeEngine(ENGINE);
  } finally {
    repo?.cleanup();
    restoreEnv?.();
  }
}, 180_000);

/** `docker ps` on host 2: each container of the project with its Compose config hash. */
const idsAndHashesOnH2 = (project: string) =>
  dockerOn(h2, "ps", "--filter", `label=com.docker.compose.project=${project}`, "--format", '{{.ID}} {{.Label "com.docker.compose.config-hash"}}').split("\n");

describe("several Docker hosts (read side)", () => {
  it("runs each stack's containers on its own engine, with the labels the hand procedure gives", () => {
    const far = repo.stack("far");
    const onH2 = idsAndHashesOnH2(far);
    expect(onH2).toHaveLength(1);
    expect(local("ps", "-a", "-q", "--filter", `label=com.docker.compose.project=${far}`)).toBe("");
    // By hand: DOCKER_HOST=<h2> docker-compose up -d in the folder finds nothing to change and the same hash.
    const hand = execFileSync("docker-compose", ["-p", far, "up", "-d"], {
      cwd: path.join(repo.dir, far),
      env: { ...process.env, DOCKER_HOST: h2 },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(hand).toBe("");
    const after = idsAndHashesOnH2(far);
    expect(after).toEqual(onH2);
  });

  it("reports each stack on its host, in sync, with its containers tagged", async () => {
    const r = await fresh();
    const home = r.stacks.find((s) => s.name === repo.stack("home"))!;
    // The container on host 2 was started in beforeAll: its healthcheck passes within a few seconds.
    await expect.poll(async () => (await fresh()).stacks.find((s) => s.name === repo.stack("far"))!.health.status, { timeout: 30_000 }).toBe("healthy");
    const far = (await fresh()).stacks.find((s) => s.name === repo.stack("far"))!;
    expect(r.hosts).toEqual([
      { name: "local", status: "ok", stacks: 1 },
      { name: "h2", status: "ok", stacks: 1 },
    ]);
    expect(far).toMatchObject({ host: "h2", sync: { status: "synced" }, health: { status: "healthy" } });
    expect(far.services[0].containers.map((c) => c.host)).toEqual(["h2"]);
    expect(far.services[0].drift).toEqual([]);
    expect(home).toMatchObject({ host: "local", sync: { status: "synced" } });
    expect(home.services[0].containers.map((c) => c.host)).toEqual(["local"]);

    const q = await containersQuery({ project: repo.stack("far") });
    expect(q.containers.map((c) => [c.host, c.service])).toEqual([["h2", "app"]]);
    expect((await containersQuery({ host: "h2" })).containers.every((c) => c.host === "h2")).toBe(true);
  });

  it("sees drift made by hand on host 2, and reads logs from there", async () => {
    const far = repo.stack("far");
    const id = dockerOn(h2, "ps", "-q", "--no-trunc", "--filter", `label=com.docker.compose.project=${far}`);
    expect(await hostOfContainer(id)).toBe("h2");
    const logs = await containerLogs(id, { host: "h2", tail: 50 });
    expect(logs.containerId).toBe(id);
    // By hand on h2: the stack brought up with another environment (its config hash changes).
    execFileSync("docker-compose", ["-p", far, "up", "-d"], {
      cwd: path.join(repo.dir, far),
      env: { ...process.env, DOCKER_HOST: h2, APP_MODE: "dev" },
      stdio: "ignore",
    });
    const r = await fresh();
    const s = r.stacks.find((x) => x.name === far)!;
    expect(s.sync.status).toBe("out_of_sync");
    expect(s.services[0].drift.map((d) => d.kind)).toEqual(["config_differs"]);
    // and back the way Oresi does it
    await composeUp(path.join(repo.dir, far), far, { host: "h2" });
    expect((await fresh()).stacks.find((x) => x.name === far)!.sync.status).toBe("synced");
  });

  it("with host 2 down: only its stack degrades (503 naming the host), the local stack and /api/status say so", async () => {
    stopEngineDaemon(ENGINE);
    invalidateStatus();
    const r = await fresh();
    const far = r.stacks.find((s) => s.name === repo.stack("far"))!;
    const home = r.stacks.find((s) => s.name === repo.stack("home"))!;
    expect(far).toMatchObject({ host: "h2", hostDown: "host h2 unreachable", sync: { status: "unknown" }, health: { status: "unknown" } });
    expect(home).toMatchObject({ host: "local", sync: { status: "synced" } });
    expect(home.services[0].containers).toHaveLength(1);
    expect(r.hosts[1]).toMatchObject({
      name: "h2",
      status: "down",
      message: expect.stringMatching(/^Docker host h2 unreachable at unix:\/\/.*h-read\/docker\.sock/),
    });

    await expect(stackDetail(repo.stack("far"))).rejects.toMatchObject({
      code: "dependency_down",
      message: expect.stringMatching(new RegExp(`^Stack ${repo.stack("far")}: host h2 unreachable \\(Docker host h2 unreachable at`)),
    });
    expect((await stackDetail(repo.stack("home"))).stack.name).toBe(repo.stack("home"));
    await expect(containersQuery({ project: repo.stack("far") })).rejects.toMatchObject({
      code: "dependency_down",
      message: expect.stringContaining("host h2 unreachable"),
    });
    const all = await containersQuery({});
    expect(all.hostsDown).toEqual([{ host: "h2", message: expect.stringContaining("Docker host h2 unreachable") }]);
    expect(all.containers.some((c) => c.project === repo.stack("home"))).toBe(true);

    const dep = await checkDocker();
    expect(dep).toMatchObject({ name: "docker", status: "degraded", reason: expect.stringMatching(/^host h2 unreachable \(1 of 2\)/) });
    const st = await status(0);
    expect(st.status).toBe("degraded");
    const hosts = st.sections.hosts as Record<string, { status: string; reason: string }>;
    expect(Object.keys(hosts)).toEqual(["local", "h2"]);
    expect(hosts.local.status).toBe("ok");
    expect(hosts.h2).toMatchObject({ status: "down", reason: expect.stringContaining("Docker host h2 unreachable") });

    // The engine comes back: everything recovers without a restart.
    startEngine(ENGINE);
    await new Promise((r2) => setTimeout(r2, 5500)); // the 5 s memory of a down network host, were it one
    invalidateStatus();
    const back = await fresh();
    expect(back.stacks.find((s) => s.name === repo.stack("far"))!.hostDown).toBeUndefined();
    expect((await checkDocker()).status).toBe("ok");
  }, 180_000);
});
