// Drift against the real engine: stacks from the test images brought up with Compose
// (v1 here), then changed by hand, and each drift kind seen as the API reports it.
import path from "node:path";
import { execFileSync } from "node:child_process";
import { recordDeployed } from "@/lib/deploy/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeFile, createStacksRepo, type StacksRepo } from "../../e2e/fixtures/stacks-repo";
import { makeTempDir } from "../../e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { composeUp } from "../docker/compose";
import { invalidateContainers } from "../docker/containers";
import { desiredStats } from "./desired";
import { invalidateStacksReport, stackDetail, stacksReport } from "./report";
import type { StacksReport } from "./types";

let repo: StacksRepo;
const tags: string[] = [];
const sh = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function svc(r: StacksReport, stack: string, service: string) {
  const s = r.stacks.find((x) => x.name === repo.stack(stack));
  const v = s?.services.find((x) => x.name === service);
  if (!s || !v) throw new Error(`no ${stack}/${service} in report: ${JSON.stringify(r.stacks.map((x) => [x.name, x.services.map((y) => y.name)]))}`);
  return { stack: s, svc: v };
}

async function fresh(): Promise<StacksReport> {
  invalidateContainers();
  invalidateStacksReport();
  return stacksReport(0);
}

async function waitFor(pred: (r: StacksReport) => boolean, ms = 20_000): Promise<StacksReport> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fresh();
    if (pred(r) || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 500));
  }
}

beforeAll(async () => {
  repo = createStacksRepo({ tag: "drift" });
  // More stacks at HEAD: a broken health check, a tag that moves, a "bind mount" service.
  const stale = `${repo.prefix}-img/web`; // a local tag only this run uses
  tags.push(`${stale}:1`);
  sh("tag", "oresi-test/web:1.0.0", `${stale}:1`);
  repo.commit(
    {
      [`${repo.stack("sick")}/docker-compose.yml`]: composeFile("oresi-test/web:2.0.0-broken"),
      [`${repo.stack("stale")}/docker-compose.yml`]: composeFile(`${stale}:1`),
      [`${repo.stack("vol")}/compose.yaml`]: composeFile("oresi-test/api:1.1.0", { extra: "    volumes:\n      - ./data:/data" }),
    },
    "more stacks",
  );
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = makeTempDir("data");
  reloadConfig();
  const up = (short: string, env?: Record<string, string>) => composeUp(path.join(repo.dir, repo.stack(short)), repo.stack(short), { env });
  await Promise.all([up("web"), up("api", { APP_MODE: "dev" }), up("sick"), up("stale"), up("vol")]);
  // By hand, outside Compose: a container with the web stack's labels and a service the release lacks.
  sh(
    "run",
    "-d",
    "--name",
    `${repo.stack("web")}-sidecar`,
    "--label",
    `com.docker.compose.project=${repo.stack("web")}`,
    "--label",
    "com.docker.compose.service=sidecar",
    "oresi-test/web:1.0.0",
  );
  // The stale stack's tag now points to another image than the one its container runs.
  sh("tag", "oresi-test/web:1.1.0", `${stale}:1`);
}, 120_000);

afterAll(() => {
  try {
    for (const t of tags) execFileSync("docker", ["rmi", t], { stdio: "ignore" });
  } catch {
    /* gone already */
  }
  repo?.cleanup();
});

describe("drift against the real engine", () => {
  it("reports in sync, missing, config differs, extra, stale image and unhealthy", async () => {
    const r = await waitFor((x) => svc(x, "sick", "app").svc.healthcheck === "unhealthy");
    expect(r.target).toMatchObject({ ref: "HEAD", source: "head" });

    const web = svc(r, "web", "app");
    expect(web.svc.drift).toEqual([]);
    expect(web.svc.containers[0]).toMatchObject({ configuredImage: "oresi-test/web:1.1.0", version: "1.1.0", restartCount: 0 });
    expect(web.svc.desired).toMatchObject({ image: "oresi-test/web:1.1.0", version: "1.1.0" });
    const sidecar = web.stack.services.find((s) => s.name === "sidecar")!;
    expect(sidecar.drift.map((d) => d.kind)).toEqual(["extra"]);
    expect(web.stack.drifted).toBe(true);
    expect(web.stack.sync).toEqual({ status: "out_of_sync", reason: "extra: sidecar", differs: [{ service: "sidecar", kind: "extra" }] });
    expect(web.svc).toMatchObject({ sync: "synced", health: { status: "healthy" } });

    expect(svc(r, "api", "app").svc.drift.map((d) => d.kind)).toEqual(["config_differs"]);
    expect(svc(r, "cache", "app").svc.drift.map((d) => d.kind)).toEqual(["missing"]);
    expect(svc(r, "cache", "app").svc.health).toEqual({ status: "missing", reason: "no container" });
    expect(svc(r, "cache", "app").stack).toMatchObject({ sync: { status: "out_of_sync" }, health: { status: "missing", reason: "app no container" } });
    expect(svc(r, "stale", "app").svc.drift.map((d) => d.kind)).toEqual(["stale_image"]);
    expect(svc(r, "stale", "app").svc.sync).toBe("out_of_sync");
    // Bind mounts resolve against the real stack folder, so the hash matches what was deployed.
    expect(svc(r, "vol", "app").svc.drift).toEqual([]);
    const sick = svc(r, "sick", "app");
    expect(sick.stack.health).toEqual({ status: "degraded", reason: "app unhealthy" });
    expect(sick.stack.sync.status).toBe("synced");
    expect(r.counts.health.degraded).toBeGreaterThanOrEqual(1);
    expect(r.counts.sync.out_of_sync).toBeGreaterThanOrEqual(3);
    expect(r.counts.unhealthy).toBeGreaterThanOrEqual(1);
    expect(r.problems.some((p) => p.kind === "missing" && p.text.includes(repo.stack("cache")))).toBe(true);
  });

  it("reports image differs after `compose up` of another image, and serves warm views without Compose processes", async () => {
    await composeUp(path.join(repo.dir, repo.stack("web")), repo.stack("web"), { env: { WEB_TAG: "1.0.0" } });
    const r = await fresh();
    const web = svc(r, "web", "app");
    expect(web.svc.drift.map((d) => d.kind)).toEqual(["image_differs"]);
    expect(web.svc.drift[0].text).toBe("runs oresi-test/web:1.0.0 (1.0.0), the release says oresi-test/web:1.1.0");
    const before = desiredStats().computed;
    for (let i = 0; i < 5; i++) await fresh();
    expect(desiredStats().computed).toBe(before);
  });

  it("flags live edits and a HEAD that is not the deployed release as repository drift", async () => {
    const fs = await import("node:fs");
    fs.appendFileSync(path.join(repo.dir, repo.stack("api"), ".env"), "EXTRA=1\n");
    let r = await waitFor((x) => x.repoDrift.length > 0, 5000);
    expect(r.repoDrift[0]).toMatch(/edited in place/);
    repo.git("checkout", "-q", "--", ".");
    r = await waitFor((x) => x.repoDrift.length === 0, 5000);
    expect(r.repoDrift).toEqual([]);
  });

  it("has a stack page model with the compose file at the release; 404 for an unknown stack", async () => {
    const d = await stackDetail(repo.stack("web"));
    expect(d.composeText).toContain("image: oresi-test/web:${WEB_TAG}");
    await expect(stackDetail("oresitest-nope")).rejects.toMatchObject({ code: "not_found" });
  });

  it("compares with the deployed release once there is one, and flags a HEAD that is elsewhere", async () => {
    const v100 = repo.git("rev-parse", "v1.0.0^{commit}");
    recordDeployed("d-test-1", "v1.0.0", v100);
    const r = await fresh();
    expect(r.target).toMatchObject({ ref: "v1.0.0", source: "deployed", commit: v100 });
    expect(r.repoDrift.join(" ")).toMatch(/not at the deployed release v1\.0\.0/);
    // v1.0.0 says web 1.0.0, which is what runs since the previous test.
    expect(svc(r, "web", "app").svc.drift.filter((d) => d.kind !== "extra")).toEqual([]);
    // Stacks v1.0.0 does not have are listed apart.
    expect(r.others.map((o) => o.project)).toContain(repo.stack("sick"));
  });
});
