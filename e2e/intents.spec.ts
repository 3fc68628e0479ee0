// The Overview's Roll back button runs the `rollback` intent, and the dialog's text is the
// intent's confirm text. Own server and stacks repo (it deploys), with an intents folder
// whose rollback.yaml has a distinctive confirm text, so the text can only come from the file.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y";
import { waitDeploymentsIdle } from "./fixtures/deployments";
import { makeTempDir } from "./fixtures/sandbox";
import { startServer, type RunningServer } from "./fixtures/server";
import { createStacksRepo, type StacksRepo } from "./fixtures/stacks-repo";
import { e2eState } from "./fixtures/state";

const s = e2eState();
const auth = { authorization: `Bearer ${s.apiKey}` };
const CONFIRM = "Really roll back {{current}} to {{to}}? (text from rollback.yaml)";

let repo: StacksRepo;
let server: RunningServer;
let intentsDir: string;
let dataDir: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  repo = createStacksRepo({ tag: "e2eint" });
  intentsDir = makeTempDir("intents");
  const src = path.resolve(__dirname, "..", "intents");
  for (const f of fs.readdirSync(src).filter((n) => n.endsWith(".yaml"))) fs.copyFileSync(path.join(src, f), path.join(intentsDir, f));
  const rb = fs.readFileSync(path.join(intentsDir, "rollback.yaml"), "utf8");
  fs.writeFileSync(path.join(intentsDir, "rollback.yaml"), rb.replace(/^confirm: .*$/m, `confirm: "${CONFIRM}"`));
  dataDir = makeTempDir("data");
  // Same accounts and secret as the suite's server, so the signed-in admin's session is valid here too.
  server = await startServer({ ...s.env, STACKS_DIR: repo.dir, DATA_DIR: dataDir, INTENTS_DIR: intentsDir });
});

test.afterAll(async () => {
  await server?.stop();
  repo?.cleanup();
  for (const d of [intentsDir, dataDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const waitIdle = (request: APIRequestContext) => waitDeploymentsIdle(request, server.url, auth);

async function rolloutViaIntent(request: APIRequestContext, to: string) {
  const r = await request.post(`${server.url}/api/intents/rollout`, { headers: auth, data: { to } });
  expect(r.status(), await r.text()).toBe(202);
  const { id } = (await r.json()) as { id: string };
  await waitIdle(request);
  const d = (await (await request.get(`${server.url}/api/deployments/${id}`, { headers: auth })).json()) as { status: string; error: string | null };
  expect(d.status, d.error ?? "").toBe("succeeded");
}

function webImage(): string | null {
  const out = execFileSync("docker", ["ps", "--filter", `label=com.docker.compose.project=${repo.stack("web")}`, "--format", "{{.Image}}"], {
    encoding: "utf8",
  }).trim();
  return out ? out.split("\n")[0] : null;
}

test("the Overview's Roll back button runs the rollback intent with the intent's confirm text", async ({ page, request }) => {
  test.setTimeout(150_000);
  // v1.0.0 then v1.1.0 deployed, through the rollout intent as a bot would.
  await rolloutViaIntent(request, "v1.0.0");
  await rolloutViaIntent(request, "v1.1.0");
  expect(webImage()).toBe("oresi-test/web:1.1.0");

  const pv = await request.get(`${server.url}/api/intents/rollback`, { headers: auth });
  expect(pv.status()).toBe(200);
  const preview = (await pv.json()) as { confirm: string; question: string };
  // The dialog's title is the intent's text; the text a bot gets adds the rollout preview.
  expect(preview.question).toBe("Really roll back v1.1.0 to v1.0.0? (text from rollback.yaml)");
  expect(preview.confirm).toMatch(
    /^Really roll back v1\.1\.0 to v1\.0\.0\? \(text from rollback\.yaml\) 1 service recreated: .*oresi-test\/web 1\.1\.0 → 1\.0\.0/,
  );

  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("deployed-release")).toHaveText("v1.1.0");
  const button = page.getByRole("button", { name: "Roll back to v1.0.0" });

  // Cancel runs nothing.
  await button.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText(preview.question);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  const before = ((await (await request.get(`${server.url}/api/deployments?limit=50`, { headers: auth })).json()) as { deployments: unknown[] }).deployments
    .length;

  // Confirm runs the intent, and the page follows the deployment it started.
  await button.click();
  await expect(dialog.getByRole("heading")).toHaveText(preview.question);
  await expect(page.getByTestId("rollback-summary")).toHaveText(`1 stack: ${repo.stack("web")} — oresi-test/web 1.1.0 → 1.0.0`);
  await dialog.getByRole("button", { name: "Roll back to v1.0.0" }).click();
  await page.waitForURL(/\/deployments\/d-/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("deployment-status")).toContainText("verified", { timeout: 60_000 });
  expect(webImage()).toBe("oresi-test/web:1.0.0");

  const list = (await (await request.get(`${server.url}/api/deployments?limit=50`, { headers: auth })).json()) as {
    deployments: { id: string; kind: string }[];
  };
  expect(list.deployments.length).toBe(before + 1);
  expect(list.deployments.find((d) => d.id === id)?.kind).toBe("rollback");

  // Audited as a run of the rollback intent by the signed-in person, with its deployment.
  const audit = (await (await request.get(`${server.url}/api/audit?action=intent.run&limit=20`, { headers: auth })).json()) as {
    events: { target: string; actorKind: string; deploymentId: string | null; status: number | null; params: { via: string } }[];
  };
  const ev = audit.events.find((e) => e.deploymentId === id);
  expect(ev).toMatchObject({ target: "rollback", actorKind: "user", status: 202, params: { via: "api" } });
});

test("ChatOps answers on the built server: help, and a refused unsafe text", async ({ request }) => {
  const help = await request.post(`${server.url}/api/chatops`, { headers: auth, data: { text: "help", user: "alice" } });
  expect(help.status()).toBe(200);
  expect(((await help.json()) as { text: string }).text).toContain("`roll back to {to}`");
  const bad = await request.post(`${server.url}/api/chatops`, { headers: auth, data: { text: "roll back to $(reboot)", user: "alice" } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { text: string }).text).toMatch(/^Not run: to: .* is not a release tag/);
});
