import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "../../e2e/fixtures/stacks-repo";
import { makeTempDir } from "../../e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { composeConfig, composeDown, composeUp, configHashes, detectCompose, compose } from "./compose";
import { dockerCallStats, invalidateContainers, listContainers, containerDetails, listImages, imageForTag } from "./containers";
import { imageInspect } from "./images";

let repo: StacksRepo;

beforeAll(() => {
  repo = createStacksRepo({ tag: "compose" });
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = makeTempDir("data");
  reloadConfig();
});
afterAll(() => repo?.cleanup());

describe("compose contract (real engine, compose v1 here)", () => {
  it("detects the Compose CLI once", async () => {
    const c = await detectCompose();
    expect(c.major === 1 ? c.argv : ["docker", "compose"]).toEqual(c.major === 1 ? ["docker-compose"] : c.argv);
    expect(c.version).toMatch(/^\d+\.\d+/);
    expect(await detectCompose()).toBe(c);
  });

  it("reads services and images after .env interpolation, and config hashes", async () => {
    const web = repo.stack("web");
    const dir = path.join(repo.dir, web);
    const cfg = await composeConfig(dir, web);
    expect(cfg.services.map((s) => [s.name, s.image])).toEqual([["app", "oresi-test/web:1.1.0"]]);
    const hashes = await configHashes(dir, web);
    expect(Object.keys(hashes)).toEqual(["app"]);
    expect(hashes.app).toMatch(/^[0-9a-f]{64}$/);
  });

  it("brings a stack up (lines streamed), labels match the expected hash, list is coalesced, and down removes it", async () => {
    const web = repo.stack("web");
    const dir = path.join(repo.dir, web);
    const lines: string[] = [];
    await composeUp(dir, web, { onLine: (l) => lines.push(l) });
    expect(lines.join("\n")).toMatch(/app/);
    invalidateContainers();
    const before = dockerCallStats().list;
    const results = await Promise.all(Array.from({ length: 20 }, () => listContainers()));
    expect(dockerCallStats().list - before).toBe(1);
    const mine = results[0].filter((c) => c.project === web);
    expect(mine).toHaveLength(1);
    expect(mine[0].service).toBe("app");
    expect(mine[0].image).toBe("oresi-test/web:1.1.0");
    expect(mine[0].version).toBe("1.1.0");
    expect(mine[0].ports.map((p) => p.privatePort)).toEqual([8080]);
    expect(mine[0].configHash).toBe((await configHashes(dir, web)).app);
    const details = await containerDetails(mine);
    expect(details.get(mine[0].id)?.configuredImage).toBe("oresi-test/web:1.1.0");
    expect(details.get(mine[0].id)?.restartCount).toBe(0);
    const images = await listImages();
    expect(imageForTag(images, "oresi-test/web:1.1.0")?.id).toBe(mine[0].imageId);
    expect((await imageInspect("oresi-test/web:1.1.0"))?.version).toBe("1.1.0");
    expect(await imageInspect("oresi-test/none:0.0.0")).toBeNull();

    await composeDown(dir, web);
    invalidateContainers();
    expect((await listContainers()).filter((c) => c.project === web)).toHaveLength(0);
  });

  it("fails with upstream_error and the reason on a broken compose file; cancels on abort", async () => {
    const bad = repo.stack("bad");
    repo.commit({ [`${bad}/docker-compose.yml`]: "services:\n  app:\n    image: [oops\n" }, "broken");
    await expect(composeConfig(path.join(repo.dir, bad), bad)).rejects.toMatchObject({ code: "upstream_error" });
    const ctrl = new AbortController();
    const p = compose(path.join(repo.dir, repo.stack("api")), repo.stack("api"), ["events"], { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 300);
    await expect(p).rejects.toMatchObject({ message: expect.stringMatching(/cancelled/) });
  });

  it("refuses a bad project name before running anything", async () => {
    await expect(compose(repo.dir, "-rm", ["ps"])).rejects.toMatchObject({ code: "bad_request" });
  });
});
