// Monitors to stacks (lib/stacks/monitors.ts) on a real stacks repository: x-oresi.kuma read from the compose files
// at the deployed release (HEAD before the first deployment), the rest matched by name.
import fs from "node:fs";
import { recordDeployed } from "@/lib/deploy/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, composeFile, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { startKumaServer, type KumaFixtureServer } from "@/e2e/fixtures/kuma-server";
import { reloadConfig } from "../config";
import { closeDb } from "../db";
import { resetKumaCache } from "../kuma/cache";
import { configsAt, kumaOverview, monitorsByStack, stackKumaConfigs } from "./monitors";
import type { Sha } from "../git/refs";

let repo: StacksRepo;
let kuma: KumaFixtureServer;
let dataDir: string;
let v1: string;
let head: string;

beforeAll(async () => {
  kuma = await startKumaServer();
  repo = createStacksRepo({ tag: "kuma", history: false });
  // frontend names "web ok (200)" (any case); api and backup-job are matched by name;
  // "Paused Service" belongs to no stack.
  repo.commit(
    {
      "frontend/compose.yaml": composeFile("oresi-test/web:1.0.0", { kuma: ["web ok (200)", "Gone Monitor"] }),
      "web/compose.yaml": composeFile("oresi-test/web:1.0.0"),
      "api/docker-compose.yml": composeFile("oresi-test/api:1.0.0"),
      "backup-job/compose.yaml": composeFile("oresi-test/web:1.0.0"),
      "broken/compose.yaml": "x-oresi:\n  kuma: 5\nservices: {}\n",
    },
    "stacks",
  );
  repo.tag("v1.0.0");
  v1 = repo.git("rev-parse", "v1.0.0^{commit}");
  // After the release: frontend stops naming the monitor (not deployed yet).
  head = repo.commit({ "frontend/compose.yaml": composeFile("oresi-test/web:1.0.0") }, "drop monitor");
  dataDir = makeTempDir("kuma-data");
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = dataDir;
  process.env.KUMA_URL = kuma.url;
  process.env.KUMA_STATUS_PAGE = "homelab";
  process.env.KUMA_API_KEY = "";
  reloadConfig();
  closeDb();
  resetKumaCache();
});

afterAll(async () => {
  closeDb();
  await kuma.stop();
  repo.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const k of ["KUMA_URL", "KUMA_STATUS_PAGE", "STACKS_DIR", "DATA_DIR"]) delete process.env[k];
  reloadConfig();
});

describe("monitors by stack", () => {
  it("reads x-oresi of every stack at HEAD before the first deployment", async () => {
    const c = await stackKumaConfigs();
    expect(c.commit).toBe(head);
    expect(c.ref).toBe("HEAD");
    expect(c.stacks.find((s) => s.stack === "frontend")!.kuma).toEqual([]);
    expect(c.stacks.find((s) => s.stack === "broken")!.error).toMatch(/x-oresi: kuma/);
  });

  it("reads them at the deployed release once there is one, and maps by x-oresi then by name", async () => {
    recordDeployed("d1", "v1.0.0", v1);
    const o = await kumaOverview();
    expect(o.mapping).toEqual({ commit: v1, ref: "v1.0.0" });
    const by = Object.fromEntries(o.stacks.map((s) => [s.stack, s]));
    expect(by.frontend.monitors).toEqual([{ name: "Web OK (200)", monitorId: 1, via: "x-oresi", state: "up" }]);
    expect(by.frontend.missing).toEqual(["Gone Monitor"]);
    expect(by.web.monitors).toEqual([]);
    expect(by.api).toMatchObject({ state: "down", monitors: [{ name: "API Broken (500)", via: "name", monitorId: 2 }] });
    expect(by["backup-job"].monitors.map((m) => m.name)).toEqual(["Backup Job (push)"]);
    expect(o.unassigned).toEqual([3]);
    expect((await monitorsByStack()).length).toBe(5);
  });

  it("caches the compose files per commit (one read per commit)", async () => {
    expect(configsAt(v1 as Sha)).toBe(configsAt(v1 as Sha));
  });

  it("lists every monitor as unassigned, with the reason, when the stacks cannot be read", async () => {
    // A deployed release whose tag is gone from the repository (deleted by hand).
    recordDeployed("d2", "v9.9.9", null, new Date(Date.now() + 1000));
    const o = await kumaOverview();
    expect(o.state).toBe("ok");
    expect(o.stacks).toEqual([]);
    expect(o.unassigned).toEqual([1, 2, 3, 4]);
    expect(o.mapping.error).toMatch(/Monitors could not be matched to stacks: There is no release v9.9.9/);
  });
});
