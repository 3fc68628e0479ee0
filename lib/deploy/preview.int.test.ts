// The rollout preview on the real engine: per service, what `up` will do, and the deployment
// record saying afterwards that it happened so. Compared with the hand procedure's hashes.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { saveEnv } from "@/test/fixtures/env";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { testRequest } from "@/lib/access/testing";
import { GET as previewGET } from "@/app/api/deployments/preview/route";
import { invalidateContainers, listContainers } from "../docker/containers";
import { previewDeployment } from "./preview";
import { startDeployment } from "./start";
import { waitFinished, TEST_OPERATOR as operator } from "./testing";

const KEY = "preview-test-key-0123456789abcdef";
let repo: StacksRepo;
const restoreEnv = saveEnv();

async function containerOf(stack: string) {
  invalidateContainers();
  const c = (await listContainers()).find((x) => x.project === stack && x.service === "app");
  if (!c) throw new Error(`no container for ${stack}`);
  return c;
}

const byStack = (p: Awaited<ReturnType<typeof previewDeployment>>, short: string) => p.stacks.find((s) => s.stack === repo.stack(short))!;

beforeAll(async () => {
  repo = createStacksRepo({ tag: "pv" });
  // v1.3.0 changes only the api stack's environment (APP_MODE comes from its .env).
  repo.commit({ [`${repo.stack("api")}/.env`]: "API_TOKEN=tok-abcdef123456\nAPP_MODE=debug\n" }, "api: debug mode");
  repo.tag("v1.3.0");
  await setUpStacksRepo(repo, { data: "preview-data", env: { VERIFY_TIMEOUT: "20s", CHATOPS_API_KEY: KEY, CHATOPS_API_ROLE: "viewer", LOG_LEVEL: "error" } });
});
afterAll(() => {
  tearDownStacksRepo(repo);
  restoreEnv();
});

describe("rollout preview (real git, real engine)", () => {
  it("an image change is 'recreated' with the image change; unchanged stacks are untouched; the rollout matches it", async () => {
    const p = await previewDeployment({ kind: "rollout", to: "v1.1.0" });
    expect(p).toMatchObject({ kind: "rollout", from: "v1.0.0", to: "v1.1.0" });
    expect(byStack(p, "web")).toMatchObject({
      change: "changed",
      services: [{ service: "app", action: "recreated", reasons: ["image"], from: "oresi-test/web:1.0.0", to: "oresi-test/web:1.1.0" }],
    });
    for (const s of ["api", "cache"]) expect(byStack(p, s)).toMatchObject({ change: "unchanged", services: [{ service: "app", action: "untouched" }] });
    expect(p.counts).toEqual({ recreated: 1, created: 0, removed: 0, untouched: 2 });
    expect(p.summary).toBe(`1 service recreated: ${repo.stack("web")}/app oresi-test/web 1.0.0 → 1.1.0; 2 untouched`);

    const apiBefore = (await containerOf(repo.stack("api"))).id;
    const d = await waitFinished((await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator)).id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.preview?.summary).toBe(p.summary);
    expect(d.preview?.outcome).toEqual({ matched: true, mismatches: [] });
    expect((await containerOf(repo.stack("api"))).id).toBe(apiBefore);
  });

  it("a stack whose only change is an environment variable shows 'recreated (environment)'; the others are not touched", async () => {
    const res = await previewGET(
      testRequest("http://127.0.0.1:3000/api/deployments/preview?kind=rollout&to=v1.3.0", { headers: { authorization: `Bearer ${KEY}` } }) as never,
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(200);
    const p = (await res.json()) as Awaited<ReturnType<typeof previewDeployment>>;
    expect(byStack(p, "api")).toMatchObject({
      change: "changed",
      services: [{ service: "app", action: "recreated", reasons: ["environment"], from: "oresi-test/api:1.0.0", to: "oresi-test/api:1.0.0" }],
    });
    expect(byStack(p, "web").services[0].action).toBe("untouched");
    expect(p.summary).toBe(`1 service recreated: ${repo.stack("api")}/app (environment); 2 untouched`);

    const webBefore = (await containerOf(repo.stack("web"))).id;
    const d = await waitFinished((await startDeployment({ kind: "rollout", to: "v1.3.0" }, operator)).id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.preview?.outcome).toEqual({ matched: true, mismatches: [] });
    expect((await containerOf(repo.stack("web"))).id).toBe(webBefore);
    // The hand procedure's own hash, in the checked-out folder, is what now runs.
    const hand = execFileSync("docker-compose", ["config", "--hash", "*"], { cwd: path.join(repo.dir, repo.stack("api")), encoding: "utf8" })
      .trim()
      .split(/\s+/)[1];
    expect((await containerOf(repo.stack("api"))).configHash).toBe(hand);
  });

  it("previews the rollback, and refuses bad input clearly", async () => {
    const p = await previewDeployment({ kind: "rollback" });
    expect(p).toMatchObject({ kind: "rollback", from: "v1.3.0", to: "v1.1.0" });
    expect(byStack(p, "api").services[0]).toMatchObject({ action: "recreated", reasons: ["environment"] });
    const auth = { headers: { authorization: `Bearer ${KEY}` } };
    const bad = await previewGET(testRequest("http://127.0.0.1:3000/api/deployments/preview?kind=rollout&to=--upload-pack=x", auth) as never, {
      params: Promise.resolve({}),
    });
    expect(bad.status).toBe(400);
    const missing = await previewGET(testRequest("http://127.0.0.1:3000/api/deployments/preview?kind=rollout&to=v9.9.9", auth) as never, {
      params: Promise.resolve({}),
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("v9.9.9");
  });
});
