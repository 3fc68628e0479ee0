// Stacks end to end: two stacks of the e2e repo brought up with the real Compose CLI, one of
// them changed by hand (another environment → config differs); the Stacks page shows versions,
// health and the drift badge; the stack page follows a log live. Stacks this spec started are
// taken down again; the others are left as they were.
import path from "node:path";
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { e2eState } from "./fixtures/state";
import { expectAccessible } from "./fixtures/a11y";

const compose = (dir: string, project: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync("docker-compose", ["-p", project, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: "pipe", encoding: "utf8" });
const running = (project: string) =>
  execFileSync("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`], { encoding: "utf8" }).trim().length > 0;
const bearer = () => ({ authorization: `Bearer ${e2eState().apiKey}` });

let api = "";
let cache = "";
const startedHere: string[] = [];

test.beforeAll(() => {
  const { repo } = e2eState();
  api = `${repo.prefix}-api`;
  cache = `${repo.prefix}-cache`;
  for (const p of [api, cache]) if (!running(p)) startedHere.push(p);
  compose(path.join(repo.dir, api), api, ["up", "-d"]);
  // By hand: the cache stack brought up with another APP_MODE than its files say.
  compose(path.join(repo.dir, cache), cache, ["up", "-d"], { APP_MODE: "hand-edited" });
});

test.afterAll(() => {
  const { repo } = e2eState();
  compose(path.join(repo.dir, cache), cache, ["up", "-d"]); // back in sync
  for (const p of startedHere) compose(path.join(repo.dir, p), p, ["down"]);
});

test("the Stacks page shows versions, health and a drift badge", async ({ page }) => {
  const { url } = e2eState();
  await expect(async () => {
    await page.goto(url + "/stacks");
    await expect(page.getByTestId(`stack-${api}`)).toContainText("healthy", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const apiRow = page.getByTestId(`stack-${api}`);
  await expect(apiRow).toContainText("oresi-test/api:1.0.0");
  await expect(apiRow).toContainText("v 1.0.0");
  await expect(apiRow).toContainText("synced");
  await expect(apiRow).not.toContainText("out of sync");
  const cacheRow = page.getByTestId(`stack-${cache}`);
  await expect(cacheRow).toContainText("out of sync");
  await expect(cacheRow).toContainText("config differs");
  await expect(cacheRow).toContainText("oresi-test/web:1.0.0");
  await expectAccessible(page);

  await page.getByRole("navigation", { name: "Filter stacks" }).getByRole("link", { name: "drifted", exact: true }).click();
  await expect(page).toHaveURL(/\/stacks\?filter=drifted$/);
  await expect(page.getByTestId(`stack-${cache}`)).toBeVisible();
  await expect(page.getByTestId(`stack-${api}`)).toHaveCount(0);

  await page.getByRole("navigation", { name: "Filter stacks" }).getByRole("link", { name: "out of sync", exact: true }).click();
  await expect(page).toHaveURL(/\/stacks\?filter=out_of_sync$/);
  await expect(page.getByTestId(`stack-${cache}`)).toBeVisible();
  await expect(page.getByTestId(`stack-${api}`)).toHaveCount(0);
});

test("the Overview counts containers and names the drift in a sentence", async ({ page }) => {
  await page.goto(e2eState().url + "/");
  const summary = page.getByTestId("containers-summary");
  await expect(summary).toContainText(/\d+ running/);
  await expect(summary).toContainText(/[1-9]\d* drifted/);
  await expect(summary).toContainText(`${cache}: app its configuration differs from the release`);
});

test("a stack page shows desired vs running and follows a log live", async ({ page }) => {
  const { url } = e2eState();
  await page.goto(`${url}/stacks/${api}`);
  await expect(page.getByRole("heading", { level: 1, name: `Stack ${api}` })).toBeVisible();
  const row = page.getByTestId("service-app");
  await expect(row).toContainText("oresi-test/api:1.0.0");
  await expect(row).toContainText("synced");
  await expect(page.getByRole("heading", { level: 1 }).locator("..")).toContainText("synced");
  await expect(page.getByLabel("Compose file")).toContainText("image: oresi-test/api:1.0.0");
  const log = page.getByRole("log", { name: "Container log" });
  await expect(log).toContainText("starting httpd for oresi-test/api:1.0.0");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Following" })).toBeVisible();
  const id = execFileSync("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${api}`], { encoding: "utf8" })
    .trim()
    .split("\n")[0];
  execFileSync("docker", ["exec", id, "sh", "-c", "echo 'ERROR: e2e wrote this line' > /proc/1/fd/1"]);
  await expect(log).toContainText("ERROR: e2e wrote this line");
  await expect(log.locator("[data-error]").filter({ hasText: "ERROR: e2e wrote this line" })).toHaveCount(1);
  await expect(page.getByTestId("log-error-count")).toContainText(/^[1-9]\d* error line/);
  await page.getByRole("button", { name: "Stop following" }).click();
});

test("the API answers stacks, containers and logs, with clear errors", async ({ request }) => {
  const { url } = e2eState();
  const s = await request.get(`${url}/api/stacks`, { headers: bearer() });
  expect(s.status()).toBe(200);
  const body = await s.json();
  const c = body.stacks.find((x: { name: string }) => x.name === cache);
  expect(c.services[0].drift.map((d: { kind: string }) => d.kind)).toEqual(["config_differs"]);
  expect(c.services[0].sync).toBe("out_of_sync");
  expect(c.sync).toEqual({ status: "out_of_sync", reason: "config differs: app", differs: [{ service: "app", kind: "config_differs" }] });
  const a = body.stacks.find((x: { name: string }) => x.name === api);
  expect(a.sync.status).toBe("synced");
  expect(["healthy", "progressing"]).toContain(a.health.status);
  expect(body.counts.sync.out_of_sync).toBeGreaterThanOrEqual(1);
  const one = await request.get(`${url}/api/stacks/${api}`, { headers: bearer() });
  expect((await one.json()).composeText).toContain("oresi-test/api:1.0.0");
  expect((await request.get(`${url}/api/stacks/NOT-A-STACK`, { headers: bearer() })).status()).toBe(400);
  expect((await request.get(`${url}/api/stacks/oresitest-nope`, { headers: bearer() })).status()).toBe(404);
  const list = await (await request.get(`${url}/api/containers?project=${api}`, { headers: bearer() })).json();
  expect(list.count).toBe(1);
  const logs = await request.get(`${url}/api/containers/${list.containers[0].id}/logs?tail=5`, { headers: bearer() });
  expect(logs.status()).toBe(200);
  expect((await logs.json()).lines.length).toBeGreaterThan(0);
  expect((await request.get(`${url}/api/containers/${list.containers[0].id}/logs?tail=0`, { headers: bearer() })).status()).toBe(400);
  expect((await request.get(`${url}/api/containers/0123456789ab0123/logs`, { headers: bearer() })).status()).toBe(404);
});
