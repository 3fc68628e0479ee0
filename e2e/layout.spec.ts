import { expect, test } from "@playwright/test";
import { e2eState } from "./fixtures/state";
import { expectAccessible } from "./fixtures/a11y";
import { authFile } from "./fixtures/users";

const pages = [
  { path: "/", heading: "Overview" },
  { path: "/releases", heading: "Releases" },
  { path: "/stacks", heading: "Stacks" },
  { path: "/deployments", heading: "Deployments" },
  { path: "/audit", heading: "Audit" },
];

test("GET /healthz answers ok", async ({ request }) => {
  const r = await request.get(`${e2eState().url}/healthz`);
  expect(r.status()).toBe(200);
  expect(await r.json()).toEqual({ status: "ok" });
});

test("GET /metrics (Prometheus' usual path) answers the text format with a key, 401 without", async ({ playwright }) => {
  const { url, apiKey } = e2eState();
  // A fresh context: no session cookie, as a scraper would be.
  const ctx = await playwright.request.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const r = await ctx.get(`${url}/metrics`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(r.status()).toBe(200);
    expect(r.headers()["content-type"]).toContain("text/plain");
    expect(await r.text()).toMatch(/^# TYPE oresi_deployments_total counter$/m);
    expect((await ctx.get(`${url}/metrics`)).status()).toBe(401);
  } finally {
    await ctx.dispose();
  }
});

test("every page has the layout, navigation and no serious accessibility violations", async ({ page }) => {
  const { url } = e2eState();
  for (const p of pages) {
    await page.goto(url + p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByRole("link", { name: p.heading, exact: true }).first()).toHaveAttribute("aria-current", "page");
    await expectAccessible(page);
  }
});

test("the layout fits a 390 px phone, in dark mode too", async ({ browser }) => {
  const { url } = e2eState();
  for (const colorScheme of ["light", "dark"] as const) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme, storageState: authFile("admin") });
    const page = await ctx.newPage();
    await page.goto(url + "/");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expectAccessible(page);
    await ctx.close();
  }
});

test("keyboard users can skip to the content", async ({ page }) => {
  await page.goto(e2eState().url + "/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
});
