// Roll out v1.1.0 from the browser, watch it verify, click Roll back on the Overview, and
// see v1.0.0 running and healthy (real server, real git, real Docker engine).
import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y";
import { waitDeploymentsIdle } from "./fixtures/deployments";
import { e2eState } from "./fixtures/state";

const s = e2eState();
const auth = { authorization: `Bearer ${s.apiKey}` };
const web = `${s.repo.prefix}-web`;

const waitIdle = (request: APIRequestContext) => waitDeploymentsIdle(request, s.url, auth);

function webContainer(): { image: string; status: string } | null {
  const out = execFileSync("docker", ["ps", "--filter", `label=com.docker.compose.project=${web}`, "--format", "{{.Image}}\t{{.Status}}"], {
    encoding: "utf8",
  }).trim();
  if (!out) return null;
  const [image, status] = out.split("\n")[0].split("\t");
  return { image, status };
}

test("roll out v1.1.0 from the browser, watch it verify, roll back to v1.0.0", async ({ page, request }) => {
  test.setTimeout(120_000);
  page.on("pageerror", (e) => console.log("page error:", e.message));
  await waitIdle(request);
  // Start from v1.0.0 deployed (through the API, as a bot would).
  const start = await request.post(`${s.url}/api/deployments`, { headers: auth, data: { kind: "rollout", to: "v1.0.0" } });
  expect(start.status(), await start.text()).toBe(202);
  const first = (await start.json()) as { id: string; url: string };
  expect(first.url).toBe(`/deployments/${first.id}`);
  await waitIdle(request);
  expect(((await (await request.get(`${s.url}/api/deployments/${first.id}`, { headers: auth })).json()) as { status: string }).status).toBe("succeeded");

  // Roll out v1.1.0 from the browser.
  await page.goto(`${s.url}/deployments`);
  await expectAccessible(page);
  await page.getByLabel("Release").selectOption("v1.1.0");
  await page.getByRole("button", { name: "Roll out v1.1.0" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("v1.0.0 → v1.1.0");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  // The rollout preview: the web stack's service is recreated with the new image; the others are not touched.
  const preview = dialog.getByTestId("deployment-preview");
  await expect(preview).toHaveAttribute("data-state", "ready");
  // The other stacks run no containers in this fixture: no service counts as untouched; both stacks show as unchanged below.
  await expect(dialog.getByTestId("preview-summary")).toHaveText(`1 service recreated: ${web}/app oresi-test/web 1.0.0 → 1.1.0`);
  const webStack = preview.locator(`li[data-stack="${web}"]`);
  await expect(webStack).toHaveAttribute("data-change", "changed");
  const webApp = webStack.locator('li[data-service="app"]');
  await expect(webApp).toHaveAttribute("data-action", "recreated");
  await expect(webApp.getByTestId("preview-action")).toHaveText("↻recreated");
  await expect(webApp).toContainText("oresi-test/web 1.0.0 → 1.1.0");
  await expect(preview.getByText("2 stacks unchanged, not touched")).toBeVisible();
  await expect(preview.locator('li[data-change="unchanged"]')).toHaveCount(2);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Roll out v1.1.0" }).click();
  await page.waitForURL(/\/deployments\/d-/);
  await expect(page.getByTestId("deployment-status")).toContainText("verified", { timeout: 45_000 });
  await expect(page.locator('[data-step="verify"]')).toHaveAttribute("data-status", "ok");
  await expect(page.getByTestId("verification")).toContainText("running, healthy");
  await expect(page.getByRole("log")).toContainText("Succeeded: v1.1.0 runs verified");
  await expectAccessible(page);
  expect(webContainer()?.image).toBe("oresi-test/web:1.1.0");

  // Roll back from the Overview: one button, a dialog that says exactly what changes.
  await page.goto(`${s.url}/`);
  await expect(page.getByTestId("deployed-release")).toHaveText("v1.1.0");
  const rollback = page.getByRole("button", { name: "Roll back to v1.0.0" });
  await expect(rollback).toBeVisible();
  await expectAccessible(page);
  await rollback.click();
  await expect(page.getByTestId("rollback-summary")).toHaveText(`1 stack: ${web} — oresi-test/web 1.1.0 → 1.0.0`);
  const back = page.getByRole("dialog").getByTestId("deployment-preview");
  await expect(back).toHaveAttribute("data-state", "ready");
  await expect(back.locator(`li[data-stack="${web}"] li[data-service="app"]`)).toHaveAttribute("data-action", "recreated");
  await expect(back.locator(`li[data-stack="${web}"] li[data-service="app"]`)).toContainText("oresi-test/web 1.1.0 → 1.0.0");
  await expect(back.getByText("2 stacks unchanged, not touched")).toBeVisible();
  await expect(page.getByRole("dialog").getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back to v1.0.0" }).click();
  await page.waitForURL(/\/deployments\/d-/);
  await expect(page.getByTestId("deployment-status")).toContainText("verified", { timeout: 45_000 });
  await expect(page.getByText("rollback", { exact: true })).toBeVisible();

  await page.goto(`${s.url}/`);
  await expect(page.getByTestId("deployed-release")).toHaveText("v1.0.0");
  const c = webContainer();
  expect(c?.image).toBe("oresi-test/web:1.0.0");
  expect(c?.status).toContain("(healthy)");
});

test("the Roll back button is above the fold on a 390 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${s.url}/`);
  const card = page.getByTestId("release-card");
  await expect(card).toBeVisible();
  const box = await card.boundingBox();
  expect(box!.y + box!.height).toBeLessThan(844);
});

test("the rollout dialog with its preview fits a 390 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${s.url}/deployments`);
  await page.getByLabel("Release").selectOption("v1.1.0");
  await page.getByRole("button", { name: "Roll out v1.1.0" }).click();
  const dialog = page.getByRole("dialog");
  const preview = dialog.getByTestId("deployment-preview");
  await expect(preview).toHaveAttribute("data-state", /^(ready|error)$/);
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  // Nothing sticks out sideways (long image names wrap).
  expect(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);
  for (const name of ["Cancel", "Roll out v1.1.0"]) expect((await dialog.getByRole("button", { name }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
  const unchanged = preview.getByTestId("preview-unchanged").locator("summary");
  if (await unchanged.count()) expect((await unchanged.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});
