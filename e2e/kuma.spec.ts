// Uptime Kuma end to end: the one e2e server reads a local server that replays the responses
// of a real Uptime Kuma 2.5.3 (status page + /metrics, see e2e/fixtures/kuma-server.ts).
import { expect, request as http, test } from "@playwright/test";
import { e2eState } from "./fixtures/state";
import { expectAccessible } from "./fixtures/a11y";
import { authFile } from "./fixtures/users";

test.use({ storageState: authFile("viewer") });

const bearer = () => ({ authorization: `Bearer ${e2eState().apiKey}` });

test("the Overview shows Kuma counts with the red monitor first", async ({ page }) => {
  const { url } = e2eState();
  await page.goto(url + "/");
  const card = page.locator("section", { has: page.getByRole("heading", { name: "Uptime Kuma" }) });
  await expect(card.getByRole("list", { name: "Monitor counts" })).toContainText("1 down");
  await expect(card.getByRole("list", { name: "Monitor counts" })).toContainText("2 up");
  const notUp = card.getByRole("list", { name: "Monitors not up" }).getByRole("listitem");
  await expect(notUp.first()).toContainText("API Broken (500)");
  await expect(notUp.first()).toContainText("down");
  await expectAccessible(page);
  await card.getByRole("link", { name: /1 down/ }).click();
  await expect(page).toHaveURL(/\/monitors\?state=down$/);
  await expect(page.locator("[data-monitor]")).toHaveCount(1);
});

test("the monitors page lists monitors worst first, with stacks and sparklines", async ({ page }) => {
  const { url, repo } = e2eState();
  await page.goto(url + "/monitors");
  await expect(page.getByRole("heading", { level: 1, name: "Monitors" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Monitors", exact: true })).toHaveAttribute("aria-current", "page");
  const rows = page.getByRole("list", { name: "Monitors, worst first" }).locator("[data-monitor]");
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toHaveAttribute("data-monitor", "API Broken (500)");
  await expect(rows.first().getByRole("img", { name: "last 10 beats: 10 down" })).toBeVisible();
  const web = page.locator('[data-monitor="Web OK (200)"]');
  await expect(web.getByRole("link", { name: `${repo.prefix}-web` })).toHaveAttribute("href", `/stacks/${repo.prefix}-web`);
  await expect(web.getByRole("img", { name: "last 10 beats: 10 up" })).toBeVisible();
  await expect(page.locator('[data-monitor="Paused Service"]')).toContainText("paused");
  await expectAccessible(page);
});

test("the monitors page fits a 390 px phone, in dark mode too", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", storageState: authFile("viewer") });
  const page = await ctx.newPage();
  await page.goto(e2eState().url + "/monitors");
  await expect(page.locator("[data-sparkline]").first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await expectAccessible(page);
  await ctx.close();
});

test("a stack's page shows its monitors (named in x-oresi) with a sparkline", async ({ page }) => {
  const { url, repo } = e2eState();
  await page.goto(`${url}/stacks/${repo.prefix}-web`);
  const card = page.locator("section", { has: page.getByRole("heading", { name: "Kuma monitors" }) });
  const web = card.locator('[data-monitor="Web OK (200)"]');
  await expect(web).toContainText("up");
  await expect(web.getByRole("img", { name: "last 10 beats: 10 up" })).toBeVisible();
  await page.goto(`${url}/stacks/${repo.prefix}-cache`);
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Kuma monitors" }) })).toContainText("No monitors.");
});

test("GET /api/kuma and /api/status report Kuma, both ways, with the stack mapping", async ({ request }) => {
  const { url, repo } = e2eState();
  const r = await request.get(`${url}/api/kuma`, { headers: bearer() });
  expect(r.status()).toBe(200);
  const k = await r.json();
  expect(k.state).toBe("ok");
  expect(k.source).toEqual({ statusPage: true, metrics: true, answered: ["status-page", "metrics"] });
  expect(k.counts).toEqual({ up: 2, down: 1, pending: 0, maintenance: 0, unknown: 1, total: 4 });
  const web = k.stacks.find((s: { stack: string }) => s.stack === `${repo.prefix}-web`);
  expect(web.monitors).toEqual([{ name: "Web OK (200)", monitorId: 1, via: "x-oresi", state: "up" }]);
  expect(k.unassigned).toEqual([2, 3, 4]);
  const s = await (await request.get(`${url}/api/status`, { headers: bearer() })).json();
  const dep = s.dependencies.find((d: { name: string }) => d.name === "kuma");
  expect(dep).toMatchObject({ status: "ok", reason: "2 up, 1 down, 0 pending, 0 maintenance (status-page + metrics)" });
  const anonymous = await http.newContext({ storageState: { cookies: [], origins: [] } }); // no session, no key
  expect((await anonymous.get(`${url}/api/kuma`)).status()).toBe(401);
  await anonymous.dispose();
});

test("a Kuma answering HTML degrades the monitors page, never breaks it", async ({ page, request }) => {
  const { url, env } = e2eState();
  const poll = async (want: string) =>
    expect
      .poll(async () => (await (await request.get(`${url}/api/kuma`, { headers: bearer() })).json()).state, { timeout: 25_000, intervals: [1000] })
      .toBe(want);
  await request.post(`${env.KUMA_URL}/__fixture/mode/html`);
  try {
    await poll("degraded");
    await page.goto(url + "/monitors");
    await expect(page.getByRole("status").filter({ hasText: "Uptime Kuma degraded" })).toContainText("answered HTML");
    await expect(page.getByRole("heading", { level: 1, name: "Monitors" })).toBeVisible();
    await expectAccessible(page);
  } finally {
    await request.post(`${env.KUMA_URL}/__fixture/mode/normal`);
  }
  await poll("ok");
});
