// Sync, webhooks and notifications end to end, on a server of its own (its own stacks
// repository with a bare origin, a 2-second schedule, a webhook secret and notification
// targets at local HTTP servers), so the shared e2e server is left alone.
import path from "node:path";
import examples from "@octokit/webhooks-examples";
import { expect, test, type Page } from "@playwright/test";
import { createStacksRepo, type StacksRepo } from "./fixtures/stacks-repo";
import { makeTempDir, removeProjects } from "./fixtures/sandbox";
import { startServer, type RunningServer } from "./fixtures/server";
import { startSilentServer, startWebhookSink, type SilentServer, type WebhookSink } from "../test/fixtures/webhook-sink";
import { expectAccessible } from "./fixtures/a11y";
import { E2E_USERS, openSignIn } from "./fixtures/users";
import { hashPassword } from "../lib/access/passwords";
import { sign } from "../lib/sync/signature";

const KEY = "sync-spec-key-0123456789abcdef";
const SECRET = "sync-spec-webhook-secret-0123456789";
const HOOK_TOKEN = "hook-token-s3cr3t";
let repo: StacksRepo;
let upstream: StacksRepo;
let server: RunningServer;
let hook: WebhookSink;
let dead: SilentServer;

test.describe.configure({ mode: "serial" });
test.use({ storageState: { cookies: [], origins: [] } });

const api = (path: string, init: RequestInit = {}) =>
  fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) } });
async function syncState() {
  return (
    (await (await api("/api/sync")).json()) as {
      sync: { available: { tag: string } | null; running: boolean; lastRun: { outcome: string; trigger: string } | null };
    }
  ).sync;
}
async function signIn(page: Page, role: "operator" | "viewer") {
  await openSignIn(page, server.url + "/");
  await page.getByLabel("User name").fill(E2E_USERS[role].name);
  await page.getByLabel("Password").fill(E2E_USERS[role].password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
}
function githubPush(signature?: string) {
  const payload = (examples.find((d) => d.name === "push")!.examples as unknown as Record<string, unknown>[]).find(
    (e) => e.ref === "refs/tags/simple-tag" && e.created === true,
  );
  const raw = JSON.stringify(payload);
  return fetch(`${server.url}/api/webhooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": signature ?? sign(raw, SECRET) },
    body: raw,
  });
}

test.beforeAll(async () => {
  repo = createStacksRepo({ tag: "syncspec" });
  upstream = repo.upstreamClone();
  hook = await startWebhookSink();
  // A target that accepts and never answers.
  dead = await startSilentServer();
  const users = await Promise.all(
    (["operator", "viewer"] as const).map(async (role) => `${E2E_USERS[role].name}:${role}:${await hashPassword(E2E_USERS[role].password, 1024)}`),
  );
  server = await startServer({
    STACKS_DIR: repo.dir,
    DATA_DIR: makeTempDir("sync-spec-data"),
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "operator",
    // The shipped intents: "Sync now" runs the `sync` intent.
    INTENTS_DIR: path.resolve(__dirname, "..", "intents"),
    USERS: users.join(","),
    NEXTAUTH_SECRET: "sync-spec-secret-0123456789abcdef0123",
    SYNC_INTERVAL: "2s",
    SYNC_POLICY: "notify",
    WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: "https://oresi.example.test",
    NOTIFY_WEBHOOK_URL: hook.url(`/hook?token=${HOOK_TOKEN}`),
    NOTIFY_NTFY_URL: dead.url("/oresi-topic"),
  });
});

test.afterAll(async () => {
  await server?.stop();
  await hook?.close();
  await dead?.close();
  if (repo) {
    removeProjects(repo.prefix + "-");
    repo.cleanup();
  }
});

test("the schedule finds a tag pushed to origin with no inbound connection, and announces it", async () => {
  upstream.commit({ "README.md": "# Homelab stacks\n\nv1.2.0 notes\n" }, "Notes for v1.2.0");
  upstream.tag("v1.2.0", "Release v1.2.0");
  await expect.poll(async () => (await syncState()).available?.tag, { timeout: 20_000 }).toBe("v1.2.0");
  await expect
    .poll(() => hook.bodies.find((b) => b.event === "release.found"), { timeout: 10_000 })
    .toMatchObject({
      title: "New release v1.2.0",
      url: "https://oresi.example.test/releases/v1.2.0",
    });
  expect(hook.requests[0].path).toBe(`/hook?token=${HOOK_TOKEN}`);
  // Nothing was rolled out under notify.
  const deps = (await (await api("/api/deployments")).json()) as { deployments?: unknown[] } | unknown[];
  const list = Array.isArray(deps) ? deps : (deps.deployments ?? []);
  expect(list.filter((d) => (d as { kind: string }).kind !== "adopt")).toHaveLength(0);
  // /api/status carries the sync section.
  const status = (await (await api("/api/status")).json()) as { sections: { sync: { policy: string; enabled: boolean; lastError: unknown } } };
  expect(status.sections.sync).toMatchObject({ policy: "notify", enabled: true, lastError: null });
});

test("a signed GitHub webhook starts a sync (202); a bad signature is 401 and audited", async () => {
  const ok = await githubPush();
  expect(ok.status).toBe(202);
  expect(await ok.json()).toMatchObject({ accepted: true, event: "push" });

  const bad = await githubPush(sign("{}", SECRET));
  expect(bad.status).toBe(401);
  expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  const missing = await fetch(`${server.url}/api/webhooks/github`, { method: "POST", headers: { "x-github-event": "push" }, body: "{}" });
  expect(missing.status).toBe(401);
  const audit = (await (await api("/api/audit?action=request.refused&format=json")).json()) as { events: { target: string; status: number; count: number }[] };
  // repeated refusals within a minute are one row with a count
  expect(audit.events.filter((e) => e.target === "POST /api/webhooks/github" && e.status === 401).reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(2);

  const forge = await api("/api/webhooks/sync", { method: "POST" });
  expect(forge.status).toBe(202);
  expect((await fetch(`${server.url}/api/webhooks/sync`, { method: "POST" })).status).toBe(401);
});

test("the Overview shows the sync state, and an operator can sync now", async ({ page }) => {
  await signIn(page, "operator");
  const card = page.getByTestId("sync-card");
  await expect(card).toContainText("New release v1.2.0");
  await expect(card).toContainText("Last sync:");
  await expect(card).toContainText("Every 2 seconds");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(card).toContainText("Sync finished:");
  await expectAccessible(page);
});

test("a viewer sees the sync state but no Sync now button", async ({ page }) => {
  await signIn(page, "viewer");
  await expect(page.getByTestId("sync-card")).toContainText("New release v1.2.0");
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
});

test("the settings page lists targets with secrets masked and their last results", async ({ page }) => {
  await signIn(page, "operator");
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings", exact: true })).toHaveAttribute("aria-current", "page");
  const targets = page.getByRole("list", { name: "Notification targets" });
  await expect(targets).toContainText("JSON webhook");
  // The page shows results as of its load: reload until the first delivery is recorded.
  await expect(async () => {
    await page.reload();
    await expect(targets).toContainText("delivered", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  // The ntfy target never answers: failed after a retry, shown, and it delayed nothing.
  await expect(targets).toContainText("ntfy");
  await expect(async () => {
    await page.reload();
    await expect(targets).toContainText("no answer in time", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.getByRole("button", { name: "Send test notification" }).click();
  await expect(page.getByText(/Sent to 2 target/)).toBeVisible();
  await expect.poll(() => hook.bodies.some((b) => b.event === "test"), { timeout: 10_000 }).toBe(true);
  const html = await page.content();
  expect(html).not.toContain(HOOK_TOKEN);
  expect(html).not.toContain("oresi-topic");
  await expect(page.getByText("secret set")).toBeVisible();
  await expectAccessible(page);
  // Fits a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
