// Compose's own file rules through the whole engine (real git, real engine, the Compose on
// this machine): override files, COMPOSE_FILE / COMPOSE_PATH_SEPARATOR / COMPOSE_PROFILES in
// .env, env_file: and extends:. After a rollout every container must carry the config hash
// that `docker-compose config --hash '*'` prints by hand in the checked-out folder, and a hand
// `docker-compose up -d` there must find nothing to do.
import fs from "node:fs";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { invalidateContainers, listContainers } from "./containers";
import { composeConfig, detectCompose } from "./compose";
import { invalidateRepoState } from "../git/state";
import { startDeployment } from "../deploy/start";
import { logsOf } from "../deploy/store";
import { waitFinished, TEST_OPERATOR as operator } from "../deploy/testing";
import { invalidateStacksReport, stacksReport } from "../stacks/report";
import { exportStackAt, stacksInTree, treeAt } from "../git/read";
import type { Sha } from "../git/refs";
import { imagesAt, summarizePairs } from "../releases/summary";

const sh = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const v2 = spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0;

let repo: StacksRepo;
let moving = "";
let pinnedId = "";

/** What a person types in the folder: the installed Compose, no -f, no -p, a plain environment. */
function hand(stack: string, ...args: string[]): string {
  const [cmd, ...pre] = v2 ? ["docker", "compose"] : ["docker-compose"];
  const env: NodeJS.ProcessEnv = { ...({} as NodeJS.ProcessEnv), PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" };
  if (process.env.DOCKER_HOST) env.DOCKER_HOST = process.env.DOCKER_HOST;
  return execFileSync(cmd, [...pre, ...args], { cwd: path.join(repo.dir, repo.stack(stack)), env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function handHashes(stack: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of hand(stack, "config", "--hash", "*").split("\n")) {
    const m = /^(\S+)\s+([0-9a-f]{64})$/.exec(l.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

async function running(stack: string) {
  invalidateContainers();
  return (await listContainers()).filter((c) => c.project === repo.stack(stack) && c.state === "running" && !c.oneoff);
}

async function labelHashes(stack: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await running(stack)) out[c.service!] = sh("inspect", "-f", '{{index .Config.Labels "com.docker.compose.config-hash"}}', c.id);
  return out;
}

const svc = (image: string, extra: string[] = []) => [`    image: ${image}`, "    init: true", ...extra].join("\n");
const STACKS = ["ovr", "cf", "prof", "envx"];

beforeAll(async () => {
  repo = createStacksRepo({ tag: "cfiles", history: false });
  // A tag only this run uses, for the exact-release rollback below.
  moving = `${repo.prefix}-img/web:moving`;
  sh("tag", "oresi-test/web:1.0.0", moving);
  pinnedId = sh("image", "inspect", "-f", "{{.Id}}", "oresi-test/web:1.0.0");
  const [ovr, cf, prof, envx] = STACKS.map((s) => repo.stack(s));
  repo.commit(
    {
      // An override file that changes the image, adds an environment variable and a service.
      [`${ovr}/docker-compose.yml`]: `services:\n  app:\n${svc("oresi-test/web:1.0.0", ["    environment:", "      - APP_MODE=${APP_MODE:-prod}"])}\n`,
      [`${ovr}/docker-compose.override.yml`]: `services:\n  app:\n    image: ${moving}\n    environment:\n      - FROM_OVERRIDE=yes\n  side:\n${svc("oresi-test/api:1.0.0")}\n`,
      [`${ovr}/.env`]: "APP_MODE=one\n",
      // COMPOSE_FILE names the files (with its own separator); the default name is a decoy.
      [`${cf}/docker-compose.yml`]: `services:\n  decoy:\n${svc("oresi-test/web:1.0.0")}\n`,
      [`${cf}/base.yml`]: `services:\n  app:\n${svc("oresi-test/web:1.0.0")}\n`,
      [`${cf}/extra.yml`]: `services:\n  worker:\n${svc("oresi-test/api:1.0.0")}\n`,
      [`${cf}/.env`]: "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=base.yml;extra.yml\n",
      // COMPOSE_PROFILES: dbg runs, other does not.
      [`${prof}/compose.yaml`]: `services:\n  app:\n${svc("oresi-test/web:1.0.0")}\n  dbg:\n${svc("oresi-test/api:1.0.0", ["    profiles: [debug]"])}\n  other:\n${svc("oresi-test/api:1.0.0", ["    profiles: [other]"])}\n`,
      [`${prof}/.env`]: "COMPOSE_PROFILES=debug\n",
      // env_file: and extends: from other files of the folder.
      [`${envx}/docker-compose.yml`]: `services:\n  app:\n    extends:\n      file: common.yml\n      service: base\n    env_file: app.env\n`,
      [`${envx}/common.yml`]: `services:\n  base:\n${svc("oresi-test/web:1.0.0", ["    environment:", "      - FROM_COMMON=yes"])}\n`,
      [`${envx}/app.env`]: "WHO=one\n",
    },
    "stacks that use Compose's file rules",
  );
  repo.tag("v1.0.0");
  repo.commit(
    {
      [`${ovr}/.env`]: "APP_MODE=two\n",
      [`${cf}/extra.yml`]: `services:\n  worker:\n${svc("oresi-test/api:1.1.0")}\n`,
      [`${prof}/compose.yaml`]: `services:\n  app:\n${svc("oresi-test/web:1.1.0")}\n  dbg:\n${svc("oresi-test/api:1.1.0", ["    profiles: [debug]"])}\n  other:\n${svc("oresi-test/api:1.0.0", ["    profiles: [other]"])}\n`,
      [`${envx}/app.env`]: "WHO=two\n",
      [`${envx}/common.yml`]: `services:\n  base:\n${svc("oresi-test/web:1.1.0", ["    environment:", "      - FROM_COMMON=yes"])}\n`,
    },
    "every stack changes",
  );
  repo.tag("v1.1.0");
  await setUpStacksRepo(repo, { data: "cfiles-data", env: { VERIFY_TIMEOUT: "30s", AUTO_ROLLBACK: "false" } });
}, 180_000);

afterAll(() => {
  tearDownStacksRepo(repo);
  try {
    sh("rmi", moving);
  } catch {
    /* gone already */
  }
});

describe(`Compose's own file rules (${v2 ? "Compose v2" : "Compose v1"})`, () => {
  it("a rollout brings each stack up exactly as `up -d` in its folder would: same config hashes, same services, nothing left to do by hand", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    const d = await waitFinished(r.id, 120_000);
    expect(
      d.status,
      `${d.error}\n${logsOf(r.id)
        .map((l) => l.line)
        .join("\n")}`,
    ).toBe("succeeded");
    expect(d.stacks!.map((s) => s.stack).sort()).toEqual(STACKS.map((s) => repo.stack(s)).sort());

    const expected: Record<string, string[]> = { ovr: ["app", "side"], cf: ["app", "worker"], prof: ["app", "dbg"], envx: ["app"] };
    for (const s of STACKS) {
      const byHand = handHashes(s);
      expect(Object.keys(byHand).sort(), s).toEqual(expected[s]);
      expect(await labelHashes(s), s).toEqual(byHand);
    }
    // The override and env_file/extends really are in the containers.
    const env = (stack: string, service: string) =>
      sh(
        "inspect",
        "-f",
        "{{json .Config.Env}}",
        sh("ps", "-q", "--filter", `label=com.docker.compose.project=${repo.stack(stack)}`, "--filter", `label=com.docker.compose.service=${service}`),
      );
    expect(env("ovr", "app")).toContain("FROM_OVERRIDE=yes");
    expect(env("ovr", "app")).toContain("APP_MODE=two");
    expect(env("envx", "app")).toContain("WHO=two");
    expect(env("envx", "app")).toContain("FROM_COMMON=yes");
    expect((await running("envx"))[0].image).toBe("oresi-test/web:1.1.0");

    // A hand `up -d` in each folder recreates and creates nothing.
    for (const s of STACKS) {
      const before = (await running(s)).map((c) => c.id).sort();
      hand(s, "up", "-d");
      expect((await running(s)).map((c) => c.id).sort(), s).toEqual(before);
    }
  });

  it("pre-flight and verify count only the services Compose starts (profiles), and the release's images come from the merged files", async () => {
    const d = (await import("../deploy/start")).listDeployments({ limit: 1 })[0];
    const rows = d
      .verification!.rows.filter((x) => x.signal === "container" && x.stack === repo.stack("prof"))
      .map((x) => x.subject)
      .sort();
    expect(rows).toEqual(["app", "dbg"]);
    const ovr = d.services!.find((s) => s.stack === repo.stack("ovr") && s.service === "app")!;
    expect(ovr.image).toBe(moving);
  });

  it("drift: no false drift for these stacks after the rollout", async () => {
    invalidateContainers();
    invalidateStacksReport();
    invalidateRepoState();
    const report = await stacksReport(0);
    for (const s of STACKS) {
      const v = report.stacks.find((x) => x.name === repo.stack(s))!;
      expect(v.desiredError, s).toBeUndefined();
      const services = Object.fromEntries(v.services.map((x) => [x.name, x.drift.map((k) => k.kind)]));
      expect(services, s).toEqual(Object.fromEntries(Object.keys(handHashes(s)).map((n) => [n, []])));
    }
    // With an untracked file in each folder the desired state comes from the files exported
    // at the release instead of the folder: still the same hashes, still no drift.
    for (const s of STACKS) fs.writeFileSync(path.join(repo.dir, repo.stack(s), "notes.txt"), "live edit\n");
    try {
      invalidateStacksReport();
      invalidateRepoState();
      const exported = await stacksReport(0);
      for (const s of STACKS) {
        const v = exported.stacks.find((x) => x.name === repo.stack(s))!;
        const hashes = Object.fromEntries(v.services.map((x) => [x.name, x.desired?.configHash]));
        expect(hashes, s).toEqual(handHashes(s));
        expect(
          v.services.flatMap((x) => x.drift),
          s,
        ).toEqual([]);
      }
    } finally {
      for (const s of STACKS) fs.rmSync(path.join(repo.dir, repo.stack(s), "notes.txt"));
      invalidateRepoState();
    }
  });

  it("an exact-release rollback pins the moved tag and keeps the user's override merged", async () => {
    // The override's tag moves to another image after v1.0.0 ran verified with it.
    sh("tag", "oresi-test/web:1.1.0", moving);
    const r = await startDeployment({ kind: "rollback" }, operator);
    const d = await waitFinished(r.id, 120_000);
    const log = logsOf(r.id)
      .map((l) => l.line)
      .join("\n");
    expect(d.status, `${d.error}\n${log}`).toBe("succeeded");
    expect(log).toContain(`${repo.stack("ovr")}/app pinned to ${pinnedId}`);
    const ovr = await running("ovr");
    expect(ovr.map((c) => c.service).sort()).toEqual(["app", "side"]);
    const app = ovr.find((c) => c.service === "app")!;
    expect(app.imageId).toBe(pinnedId);
    const env = sh("inspect", "-f", "{{json .Config.Env}}", app.id);
    expect(env).toContain("FROM_OVERRIDE=yes");
    expect(env).toContain("APP_MODE=one");
  });

  it("the release list's images are what `compose config` says for the same commit (override, COMPOSE_FILE, profiles, extends)", async () => {
    const tmp = makeTempDir("cfiles-export");
    for (const tag of ["v1.0.0", "v1.1.0"]) {
      const sha = repo.git("rev-parse", `${tag}^{commit}`) as Sha;
      const stacks = stacksInTree(await treeAt(sha));
      const mine = await imagesAt(stacks.map((x) => ({ commit: sha, stack: x.name })));
      for (const x of stacks) {
        const dir = await exportStackAt(sha, x, path.join(tmp, tag));
        const cfg = await composeConfig(dir, x.name);
        const byCompose = Object.fromEntries(cfg.services.filter((s) => s.image).map((s) => [s.name, s.image!]));
        expect(mine.get(`${sha}:${x.name}`), `${x.name} at ${tag}`).toEqual(byCompose);
      }
    }
    const [sum] = await summarizePairs([{ from: repo.git("rev-parse", "v1.0.0^{commit}") as Sha, to: repo.git("rev-parse", "v1.1.0^{commit}") as Sha }]);
    expect(sum.images.map((i) => `${i.stack.slice(repo.prefix.length + 1)}/${i.service}: ${i.label}`)).toEqual([
      "cf/worker: api 1.0.0 → 1.1.0",
      "envx/app: web 1.0.0 → 1.1.0",
      "prof/app: web 1.0.0 → 1.1.0",
      "prof/dbg: api 1.0.0 → 1.1.0",
    ]);
  });

  it("include: merges like the hand procedure on Compose v2, and is refused by Compose v1 with a clear message", async () => {
    const dir = path.join(repo.root, "include-probe");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), `include:\n  - other.yml\nservices:\n  app:\n${svc("oresi-test/web:1.0.0")}\n`);
    fs.writeFileSync(path.join(dir, "other.yml"), `services:\n  more:\n${svc("oresi-test/api:1.0.0")}\n`);
    const c = await detectCompose();
    if (c.major === 2) {
      // include: files merge like the hand procedure's.
      const hand = execFileSync("docker", ["compose", "-p", repo.stack("inc"), "config", "--services"], { cwd: dir, encoding: "utf8" });
      expect((await composeConfig(dir, repo.stack("inc"))).services.map((s) => s.name)).toEqual(hand.trim().split("\n").sort());
      expect(hand.trim().split("\n").sort()).toEqual(["app", "more"]);
    } else {
      // Only v1 is installable here (no Compose v2 package): `docker compose` really is absent.
      expect(v2).toBe(false);
      await expect(composeConfig(dir, repo.stack("inc"))).rejects.toMatchObject({
        code: "upstream_error",
        message: expect.stringContaining("`include:` needs Compose v2"),
      });
    }
  });

  it("a stack exported at a commit has the files it names outside its folder (extends: and env_file: in ../shared)", async () => {
    const up = repo.upstreamClone();
    const shr = repo.stack("shr");
    up.commit(
      {
        "shared/base.yml": `services:\n  base:\n${svc("oresi-test/api:1.1.0", ["    environment:", "      - FROM_SHARED=yes"])}\n`,
        "shared/common.env": "SHARED_ENV=yes\n",
        [`${shr}/compose.yaml`]: "services:\n  app:\n    extends:\n      file: ../shared/base.yml\n      service: base\n    env_file: ../shared/common.env\n",
      },
      "a stack with shared files",
    );
    repo.git("fetch", "-q", "origin");
    const sha = repo.git("rev-parse", "origin/main") as Sha;
    const files = stacksInTree(await treeAt(sha)).find((x) => x.name === shr)!;
    const dir = await exportStackAt(sha, files, makeTempDir("cfiles-shared"));
    const cfg = await composeConfig(dir, shr);
    expect(cfg.services.map((s) => [s.name, s.image])).toEqual([["app", "oresi-test/api:1.1.0"]]);
    expect(cfg.text).toContain("SHARED_ENV");
    expect(cfg.text).toContain("FROM_SHARED");
    // The release list reads the same shared file.
    expect((await imagesAt([{ commit: sha, stack: shr }])).get(`${sha}:${shr}`)).toEqual({ app: "oresi-test/api:1.1.0" });
  });
});
