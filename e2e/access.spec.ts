// Access end to end on a server of its own (its own stacks repository, so the deploys here
// leave the shared e2e server alone): sign-in per role, what a viewer cannot do, an
// operator's rollback, the audit trail of both, sign-out, first run, allowlist, headers.
import { expect, test, type Page } from "@playwright/test";
import { createStacksRepo, type StacksRepo } from "./fixtures/stacks-repo";
import { makeTempDir, removeProjects } from "./fixtures/sandbox";
import { startServer, type RunningServer } from "./fixtures/server";
import { expectAccessible } from "./fixtures/a11y";
import { E2E_USERS, openSignIn } from "./fixtures/users";
import { hashPassword } from "../lib/access/passwords";
import { startOidcIssuer } from "./fixtures/oidc-issuer";
import path from "node:path";

const KEY = "access-spec-key-0123456789abcdef";
let repo: StacksRepo;
let server: RunningServer;

// Tests run in file order on one worker; the audit test reads what the viewer and operator tests did.
// A fresh browser per test: each signs in itself against this spec's server.
test.use({ storageState: { cookies: [], origins: [] } });

async function deploy(body: object): Promise<string> {
  const r = await fetch(`${server.url}/api/deployments`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(202);
  return ((await r.json()) as { id: string }).id;
}

async function finished(id: string): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const d = (await (await fetch(`${server.url}/api/deployments/${id}?logs=0`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { status: string };
    if (!["queued", "running", "verifying"].includes(d.status)) return d.status;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`deployment ${id} did not finish`);
}

async function signIn(page: Page, name: string, password: string) {
  await openSignIn(page, server.url + "/");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2F/);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (password.startsWith("e2e-")) await expect(page.getByTestId("user-role")).toBeVisible();
}

/** A POST from inside the signed-in page (same origin, the browser's own cookie): what a forced click would send. */
function postFromPage(page: Page, path: string, body: object) {
  return page.evaluate(
    async ([p, b]) => {
      const r = await fetch(p as string, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
      return { status: r.status, body: await r.text() };
    },
    [path, body] as const,
  );
}

test.beforeAll(async () => {
  repo = createStacksRepo({ tag: "access" });
  const users = await Promise.all(Object.entries(E2E_USERS).map(async ([role, u]) => `${u.name}:${role}:${await hashPassword(u.password, 1024)}`));
  server = await startServer({
    STACKS_DIR: repo.dir,
    DATA_DIR: makeTempDir("access-data"),
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "operator",
    USERS: users.join(";"),
    INTENTS_DIR: path.resolve(__dirname, "..", "intents"), // the buttons run the default intents
    VERIFY_TIMEOUT: "30s",
    SESSION_MAX_AGE: "1h",
  });
  // History to roll back over: v1.0.0 then v1.1.0, started with the API key.
  expect(await finished(await deploy({ kind: "rollout", to: "v1.0.0" }))).toBe("succeeded");
  expect(await finished(await deploy({ kind: "rollout", to: "v1.1.0" }))).toBe("succeeded");
});

test.afterAll(async () => {
  await server?.stop();
  if (repo) removeProjects(repo.prefix + "-");
});

test("the login page is accessible, fits a phone, and says why a sign-in failed", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await signIn(page, E2E_USERS.viewer.name, "wrong password");
  await expect(page.getByRole("alert").filter({ hasText: "Wrong user name or password." })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page);
  await ctx.close();
});

test("a viewer sees no enabled deploy buttons, and a forced rollback is refused", async ({ page }) => {
  await signIn(page, E2E_USERS.viewer.name, E2E_USERS.viewer.password);
  await expect(page.getByTestId("user-role")).toHaveText("viewer");
  for (const p of ["/", "/deployments", "/releases"]) {
    await page.goto(server.url + p);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const enabled = page.getByRole("button", { name: /roll (out|back)|deploy|create release|tag/i }).and(page.locator(":enabled"));
    await expect(enabled).toHaveCount(0);
  }
  const forced = await postFromPage(page, "/api/deployments", { kind: "rollback" });
  expect(forced.status).toBe(403);
  expect(forced.body).toContain("operator");
  // the same request from another site is refused even for an operator-strength cookie (CSRF), see route-guard.test.ts
  const r = await page.request.post(server.url + "/api/deployments", { data: { kind: "rollback" }, headers: { origin: "http://evil.example" } });
  expect(r.status()).toBe(403);
});

test("an operator rolls back", async ({ page }) => {
  await signIn(page, E2E_USERS.operator.name, E2E_USERS.operator.password);
  await expect(page.getByTestId("user-role")).toHaveText("operator");
  let id: string | null = null;
  for (const p of ["/", "/deployments"]) {
    await page.goto(server.url + p);
    const button = page.getByRole("button", { name: /^Roll back/ }).first();
    if (await button.isVisible().catch(() => false)) {
      await expect(button).toBeEnabled();
      await button.click();
      await page
        .getByRole("dialog")
        .getByRole("button", { name: /^Roll back/ })
        .click();
      await expect(page).toHaveURL(/\/deployments\/d-/);
      id = page.url().split("/deployments/")[1].split(/[?#]/)[0];
      break;
    }
  }
  if (!id) {
    // No rollback button on these pages yet: the operator's browser sends the same request the button does.
    const res = await postFromPage(page, "/api/deployments", { kind: "rollback" });
    expect(res.status, res.body).toBe(202);
    id = (JSON.parse(res.body) as { id: string }).id;
  }
  expect(await finished(id)).toBe("succeeded");
  const dep = (await (await fetch(`${server.url}/api/deployments/${id}?logs=0`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
    kind: string;
    to: string;
  };
  expect(dep).toMatchObject({ kind: "rollback", to: "v1.0.0" });
});

test("the audit page shows both, filters, and exports JSON lines", async ({ page }) => {
  await signIn(page, E2E_USERS.viewer.name, E2E_USERS.viewer.password);
  await page.goto(server.url + "/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  const rows = page.getByTestId("audit-row");
  // the rollback, by the button (intent.run rollback) or by the API (deployment.rollback)
  const rollbackRow = rows
    .filter({ hasText: /deployment\.rollback|intent\.run/ })
    .filter({ hasText: "rollback" })
    .filter({ hasText: E2E_USERS.operator.name });
  await expect(rollbackRow.first()).toBeVisible();
  await expect(rollbackRow.first()).toContainText("operator");
  await expect(rows.filter({ hasText: "request.refused" }).filter({ hasText: E2E_USERS.viewer.name }).first()).toContainText("viewer");
  await expect(rows.filter({ hasText: "auth.sign_in_failed" }).first()).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Actor").fill(E2E_USERS.operator.name);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/actor=e2e-operator/);
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allInnerTexts()) expect(text).toContain(E2E_USERS.operator.name);

  const href = await page.getByRole("link", { name: "Export JSON lines" }).getAttribute("href");
  const res = await page.request.get(server.url + href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/x-ndjson");
  const lines = (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { actor: string; action: string; target: string; sourceIp: string; role: string });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.actor.includes(E2E_USERS.operator.name))).toBe(true);
  expect(lines.find((l) => l.action === "deployment.rollback" || (l.action === "intent.run" && l.target === "rollback"))).toMatchObject({
    role: "operator",
    sourceIp: "127.0.0.1",
  });
});

test("sign-out ends the session and is audited", async ({ page }) => {
  await signIn(page, E2E_USERS.admin.name, E2E_USERS.admin.password);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "next-auth.session-token")!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(session.expires - Date.now() / 1000).toBeLessThanOrEqual(3600 + 5); // SESSION_MAX_AGE=1h
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(server.url + "/deployments");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdeployments/);
  const r = await fetch(`${server.url}/api/audit?action=auth.sign_out`, { headers: { authorization: `Bearer ${KEY}` } });
  const { events } = (await r.json()) as { events: { actor: string }[] };
  expect(events.map((e) => e.actor)).toContain(E2E_USERS.admin.name);
});

test("responses carry the security headers", async () => {
  const r = await fetch(`${server.url}/login`);
  expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(r.headers.get("x-content-type-options")).toBe("nosniff");
  expect(r.headers.get("referrer-policy")).toBeTruthy();
  expect(r.headers.get("x-frame-options")).toBe("DENY");
});

test("first run without accounts: an admin password in the log, and the login page says where", async ({ page }) => {
  const dir = makeTempDir("firstrun");
  const s = await startServer({ STACKS_DIR: dir, DATA_DIR: dir });
  try {
    const m = /initial admin password (\S+)/.exec(s.output());
    expect(m, s.output()).not.toBeNull();
    await page.goto(s.url + "/");
    await expect(page.getByText("First run")).toBeVisible();
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill(m![1]);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("user-role")).toHaveText("admin");
  } finally {
    await s.stop();
  }
});

test("the allowlist refuses other addresses everywhere but /healthz, and honours trusted proxies only", async () => {
  const dir = makeTempDir("allow");
  const common = { STACKS_DIR: dir, DATA_DIR: dir, CHATOPS_API_KEY: KEY, CHATOPS_IP_ALLOWLIST: "100.64.0.0/10,fd7a:115c:a1e0::/48" };
  const s = await startServer(common);
  try {
    const key = { authorization: `Bearer ${KEY}` };
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.url}/login`)).status).toBe(403);
    expect((await fetch(`${s.url}/`)).status).toBe(403);
    expect((await fetch(`${s.url}/api/status`, { headers: key })).status).toBe(403);
    // a client cannot talk its way in with X-Forwarded-For (127.0.0.1 is not a trusted proxy here)
    expect((await fetch(`${s.url}/api/status`, { headers: { ...key, "x-forwarded-for": "100.64.0.9" } })).status).toBe(403);
    expect((await fetch(`${s.url}/`, { headers: { "x-forwarded-for": "100.64.0.9", "x-oresi-peer": "100.64.0.9" } })).status).toBe(403);
  } finally {
    await s.stop();
  }
  const t = await startServer({ ...common, TRUSTED_PROXIES: "127.0.0.1" });
  try {
    const key = { authorization: `Bearer ${KEY}` };
    expect((await fetch(`${t.url}/api/status`, { headers: { ...key, "x-forwarded-for": "fd7a:115c:a1e0::42" } })).status).toBe(200);
    expect((await fetch(`${t.url}/login`, { headers: { "x-forwarded-for": "100.64.0.9" } })).status).toBe(200);
    expect((await fetch(`${t.url}/login`, { headers: { "x-forwarded-for": "100.64.0.9, 203.0.113.1" } })).status).toBe(403);
    // A refused page request is an audit event too, with the address it came from.
    await expect(async () => {
      const r = await fetch(`${t.url}/api/audit?action=request.refused`, { headers: { ...key, "x-forwarded-for": "100.64.0.7" } });
      const { events } = (await r.json()) as { events: { target: string; sourceIp: string; status: number }[] };
      expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ target: "GET /login", sourceIp: "203.0.113.1", status: 403 })]));
    }).toPass({ timeout: 10_000 });
  } finally {
    await t.stop();
  }
});

test("OpenID Connect: sign-in through an issuer, with the role from a group claim", async ({ page }) => {
  const issuer = await startOidcIssuer({ sub: "u-olga", preferred_username: "olga", email: "olga@example.test", groups: ["staff", "oresi-ops"] });
  const dir = makeTempDir("oidc");
  const s = await startServer({
    STACKS_DIR: dir,
    DATA_DIR: dir,
    CHATOPS_API_KEY: KEY,
    OIDC_ISSUER: issuer.url,
    OIDC_CLIENT_ID: issuer.clientId,
    OIDC_CLIENT_SECRET: issuer.clientSecret,
    OIDC_NAME: "Test IdP",
    USER_ROLES: "oresi-ops:operator",
  });
  try {
    await page.goto(s.url + "/");
    await expect(page.getByLabel("User name")).toHaveCount(0); // no local accounts: no password form, no first-run admin
    await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
    await expect(page.getByTestId("user-role")).toHaveText("operator");
    await expect(page.getByRole("group", { name: "Signed in user" })).toContainText("olga");
    expect(issuer.seen).toEqual(expect.arrayContaining(["GET /authorize", "POST /token"]));
    const r = await fetch(`${s.url}/api/audit?action=auth.sign_in`, { headers: { authorization: `Bearer ${KEY}` } });
    const { events } = (await r.json()) as { events: { actor: string; role: string; params: { provider: string } }[] };
    expect(events[0]).toMatchObject({ actor: "olga", role: "operator", params: { provider: "oidc" } });
  } finally {
    await s.stop();
    await issuer.close();
  }
});
