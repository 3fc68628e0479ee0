import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { e2eState } from "./fixtures/state";
import { expectAccessible } from "./fixtures/a11y";
import fs from "node:fs";
import path from "node:path";
import { makeTempDir } from "./fixtures/sandbox";
import { startServer } from "./fixtures/server";
import { startGitHttpServer } from "../lib/git/testing-http";

// Browses releases, opens a diff, and tags a release that then appears on origin.
// The tag is removed again afterwards (locally and on origin), so other specs see the seeded history.
const NEW_TAG = "v1.3.0";

function originHas(tag: string): string | null {
  const { repo } = e2eState();
  try {
    return execFileSync("git", ["--git-dir", repo.origin, "rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

function removeNewTag() {
  const { repo } = e2eState();
  for (const args of [
    ["--git-dir", repo.origin, "tag", "-d", NEW_TAG],
    ["-C", repo.dir, "tag", "-d", NEW_TAG],
  ]) {
    try {
      execFileSync("git", args, { stdio: "ignore" });
    } catch {
      /* not there */
    }
  }
}
test.afterAll(removeNewTag);

test("browse releases: list, search, timeline, other details", async ({ page }) => {
  const { url, repo } = e2eState();
  await page.goto(url + "/releases");
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
  const rows = page.getByTestId("release-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("v1.2.0");
  await expect(rows.nth(2)).toContainText("v1.0.0");
  await expect(rows.nth(0).getByRole("list", { name: "Image changes" })).toContainText("web 1.1.0 → 2.0.0-broken");
  await expect(rows.nth(0).getByRole("list", { name: "Stacks changed" })).toContainText(`${repo.prefix}-web`);
  await expect(page.getByTestId("repo-state")).toContainText("no live edits");
  await expectAccessible(page);

  await page.getByLabel("Search releases").fill("v1.1.0");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=v1\.1\.0/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("v1.1.0");

  await page.getByRole("link", { name: "timeline" }).click();
  await expect(page.getByTestId("timeline-item")).toHaveCount(1);
  await page.goto(url + "/releases?view=timeline");
  await expect(page.getByTestId("timeline-item")).toHaveCount(3);
  await expectAccessible(page);
});

test("a release page shows its message, CHANGELOG section and a masked diff", async ({ page, request }) => {
  const { url, apiKey, repo } = e2eState();
  await page.goto(url + "/releases");
  await page.getByRole("link", { name: "v1.2.0", exact: true }).click();
  await expect(page).toHaveURL(/\/releases\/v1\.2\.0$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("v1.2.0");
  await expect(page.getByTestId("changelog-section")).toContainText("web: update to 2.0.0 (broken healthcheck)");
  const diff = page.getByTestId("unified-diff").first();
  await expect(diff).toContainText("WEB_TAG=1.1.0");
  await expect(diff).toContainText("WEB_TAG=2.0.0-broken");
  await expect(page.locator("main")).not.toContainText("hunter2");
  await expect(page.getByRole("button", { name: /Roll out v1\.2\.0|Deployed/ })).toBeVisible();
  await expectAccessible(page);

  const auth = { authorization: `Bearer ${apiKey}` };
  const d = await request.get(`${url}/api/diff?from=v1.0.0&to=v1.2.0`, { headers: auth });
  expect(d.status()).toBe(200);
  const body = await d.json();
  expect(body.stacks.map((s: { name: string }) => s.name)).toEqual([`${repo.prefix}-web`]);
  expect(JSON.stringify(body)).not.toContain("hunter2");
  expect((await request.get(`${url}/api/diff?from=--upload-pack=x&to=v1.0.0`, { headers: auth })).status()).toBe(400);
  expect((await request.get(`${url}/api/releases/v9.9.9`, { headers: auth })).status()).toBe(404);
  const one = await request.get(`${url}/api/releases/v1.1.0`, { headers: auth });
  expect((await one.json()).changelog).toContain("web: update to 1.1.0");
});

test("the release pages fit a 390 px phone, in dark mode too", async ({ browser }) => {
  const { url } = e2eState();
  for (const colorScheme of ["light", "dark"] as const) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme, storageState: test.info().project.use.storageState });
    const page = await ctx.newPage();
    for (const p of ["/releases", "/releases?view=timeline", "/releases/v1.2.0"]) {
      await page.goto(url + p);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, p).toBeLessThanOrEqual(0);
      await expectAccessible(page);
    }
    await ctx.close();
  }
});

test("tag a release in the dialog; it appears on origin", async ({ page, request }) => {
  const { url, apiKey } = e2eState();
  const auth = { authorization: `Bearer ${apiKey}` };
  // Refusals over the API change nothing.
  for (const [tag, status] of [
    ["v1;rm -rf /", 400],
    ["--upload-pack=x", 400],
    ["v1.1.0", 409],
    ["v1.0.1", 409],
  ] as const) {
    const r = await request.post(`${url}/api/releases`, { headers: auth, data: { tag } });
    expect(r.status(), tag).toBe(status);
    expect((await r.json()).error.message).toBeTruthy();
  }
  expect(originHas(NEW_TAG)).toBeNull();

  await page.goto(url + "/releases");
  await page.getByRole("button", { name: "Tag release" }).click();
  const dialog = page.getByRole("dialog", { name: "Tag a release" });
  await expect(dialog).toBeVisible();
  const version = dialog.getByLabel("Version");
  await version.fill("1.3");
  await expect(dialog.getByRole("status").first()).toContainText("not a semantic version");
  await expect(dialog.getByRole("button", { name: /^Tag / })).toBeDisabled();
  await version.fill("v1.1.0");
  await expect(dialog.getByRole("status").first()).toContainText("already exists");
  await dialog.getByRole("button", { name: /minor/ }).click();
  await expect(version).toHaveValue(NEW_TAG);
  await expect(dialog.getByLabel(/Message/)).toHaveValue(/Release v1\.3\.0/);
  await expectAccessible(page);
  await dialog.getByRole("button", { name: `Tag ${NEW_TAG}` }).click();
  await expect(page).toHaveURL(new RegExp(`/releases/${NEW_TAG.replace(/\./g, "\\.")}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(NEW_TAG);
  expect(originHas(NEW_TAG)).toMatch(/^[0-9a-f]{40}$/);
  const list = await (await request.get(`${url}/api/releases`, { headers: auth })).json();
  expect(list.releases[0].tag).toBe(NEW_TAG);
  expect(list.releases[0].tagger.name).toBe("e2e-admin");
  removeNewTag(); // leave the seeded history to the other specs
});

test("first run: the Overview clones the stacks repository with the configured token", async ({ page, request, playwright }) => {
  const state = e2eState();
  const token = "ghp_e2e-clone-token-0123456789";
  const git = await startGitHttpServer(path.dirname(state.repo.origin), token);
  const root = makeTempDir("firstrun");
  const stacksDir = path.join(root, "stacks");
  // Its own server (same users and secret, so the admin session works), pointed at a folder that does not exist yet.
  const server = await startServer({ ...state.env, STACKS_DIR: stacksDir, DATA_DIR: path.join(root, "data"), GIT_HTTPS_TOKEN: token, GIT_ALLOW_HTTP: "1" });
  try {
    const auth = { authorization: `Bearer ${state.apiKey}` };
    const bad = await request.post(`${server.url}/api/repo/clone`, { headers: auth, data: { url: `http://x-access-token:${token}@127.0.0.1:1/origin.git` } });
    expect(bad.status()).toBe(400);
    expect(await bad.text()).not.toContain(token);
    expect((await request.post(`${server.url}/api/repo/clone`, { headers: auth, data: { url: "--upload-pack=touch /tmp/pwned" } })).status()).toBe(400);

    await page.goto(server.url + "/");
    const card = page.getByRole("region", { name: "Set up your stacks repository" }).or(page.locator("section", { hasText: "Set up your stacks repository" }));
    await expect(card.first()).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("Repository URL").fill(`${git.url}/origin.git`);
    await page.getByRole("button", { name: "Clone into STACKS_DIR" }).click();
    await expect(page.getByText(/Cloned http:\/\/127\.0\.0\.1:\d+\/origin\.git/)).toBeVisible();
    await expect(page.getByText("Set up your stacks repository")).toHaveCount(0, { timeout: 20_000 });
    expect(fs.existsSync(path.join(stacksDir, ".git"))).toBe(true);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".oresi-clone-"))).toEqual([]);

    await page.goto(server.url + "/releases");
    await expect(page.getByRole("link", { name: "v1.2.0", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "v1.0.0", exact: true })).toBeVisible();
    // A new connection: the one `request` kept alive from the start has sat idle through the browser
    // steps, and the server may close it just as it is reused (ECONNRESET).
    const api = await playwright.request.newContext({ storageState: { cookies: [], origins: [] } });
    const audit = await (await api.get(`${server.url}/api/audit?action=repo.`, { headers: auth })).text();
    await api.dispose();
    expect(audit).toContain("repo.clone");
    expect(audit).not.toContain(token);
    expect(server.output()).not.toContain(token);
  } finally {
    await server.stop();
    await git.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
