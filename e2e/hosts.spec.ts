// Several Docker hosts and a Swarm stack in the browser, on real engines, with a server of its own
// (its DOCKER_HOSTS_FILE names three hosts): `local` (the main engine), h2 (a second engine,
// scripts/test-engine.sh h-e2e) and sw (a single-node swarm on a third engine, w-e2e). What a
// person sees: each stack's host chip; a release rolled out host by host with every log line
// naming its host; h2 stopped and only its stack saying so, then the pages recovering by
// themselves; and the Swarm service of a stack Oresi rolled out (image, replicas, update state).
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y";
import { composeFile, createStacksRepo, type StacksRepo } from "./fixtures/stacks-repo";
import { makeTempDir } from "./fixtures/sandbox";
import { startServer, type RunningServer } from "./fixtures/server";
import { startSwarmEngine, type SwarmEngine } from "./fixtures/swarm-engine";
import { E2E_USERS, openSignIn } from "./fixtures/users";
import { dockerOn, removeEngine, startEngine, stopEngineDaemon } from "../test/fixtures/engines";
import { hashPassword } from "../lib/access/passwords";

// Engine names and swarm ports of this spec only (lib/docker/swarm.int.test.ts has 2381/4801,
// lib/deploy/swarm.int.test.ts 2382/4802; the hosts int tests use h-read and h-deploy).
const H2_ENGINE = "h-e2e";
const SW_ENGINE = "w-e2e";
const SWARM_PORTS = { manager: 2383, dataPath: 4803 };
const KEY = "hosts-spec-key-0123456789abcdef";

let repo: StacksRepo;
let h2Url: string;
let server: RunningServer;
let swarm: SwarmEngine | undefined;
let home: string; // on local
let far: string; // on h2
let sw: string; // Swarm stack on sw

test.describe.configure({ mode: "serial" });
test.use({ storageState: { cookies: [], origins: [] } });

const swarmCompose = [
  'version: "3.8"',
  "x-oresi:",
  "  mode: swarm",
  "  host: sw",
  "  verify:",
  "    timeout: 90s",
  "services:",
  "  web:",
  "    image: oresi-test/web:${WEB_TAG}",
  "    deploy:",
  "      replicas: 2",
  "      update_config:",
  "        monitor: 3s",
  "",
].join("\n");
const onH2 = (file: string) => `x-oresi:\n  host: h2\n${file}`;

const api = (p: string, init: RequestInit = {}) => fetch(server.url + p, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) } });

interface DeploymentJson {
  id: string;
  status: string;
  error?: string | null;
  stacks: { stack: string; change: string; host?: string }[];
}

async function deployment(id: string): Promise<DeploymentJson> {
  return (await (await api(`/api/deployments/${id}`)).json()) as DeploymentJson;
}

/** Until the deployment has finished (any end state); returns it. */
async function finished(id: string, timeout = 150_000): Promise<DeploymentJson> {
  await expect.poll(async () => (await deployment(id)).status, { timeout, intervals: [500] }).toMatch(/^(succeeded|failed|rolled_back|interrupted)$/);
  return deployment(id);
}

/** Roll out a release through the API, as a bot would; returns the finished deployment. */
async function rollOut(tag: string): Promise<DeploymentJson> {
  const r = await api("/api/deployments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "rollout", to: tag }),
  });
  const text = await r.text();
  expect(r.status, text).toBe(202);
  return finished((JSON.parse(text) as { id: string }).id);
}

async function signIn(page: Page) {
  await openSignIn(page, server.url + "/");
  await page.getByLabel("User name").fill(E2E_USERS.operator.name);
  await page.getByLabel("Password").fill(E2E_USERS.operator.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
}

const stackRow = (page: Page, stack: string) => page.getByTestId(`stack-${stack}`);
const chip = (scope: Page | ReturnType<Page["getByTestId"]>, host: string) => scope.getByTitle(`Runs on Docker host ${host}`);

/** The deployment page's log, one entry per line, without the time stamp in front. */
async function logLines(page: Page): Promise<string[]> {
  return (await page.getByRole("log").locator(":scope > div").allTextContents()).map((l) => l.replace(/^\d\d:\d\d:\d\d /, ""));
}

test.beforeAll(async () => {
  test.setTimeout(420_000);
  const h2 = (h2Url = startEngine(H2_ENGINE));
  swarm = startSwarmEngine(SW_ENGINE, SWARM_PORTS);
  repo = createStacksRepo({ tag: "hostspec", history: false });
  home = repo.stack("home");
  far = repo.stack("far");
  sw = repo.stack("sw");
  repo.commit({ "README.md": "# stacks on three hosts\n" }, "Start");
  repo.commit(
    {
      [`${home}/docker-compose.yml`]: composeFile("oresi-test/web:1.0.0"),
      [`${far}/docker-compose.yml`]: onH2(composeFile("oresi-test/api:1.0.0")),
      [`${sw}/docker-compose.yml`]: swarmCompose,
      [`${sw}/.env`]: "WEB_TAG=1.0.0\n",
    },
    "A stack on each host: local, h2 and the swarm on sw",
  );
  repo.tag("v1.0.0");
  repo.commit(
    { [`${home}/docker-compose.yml`]: composeFile("oresi-test/web:1.1.0"), [`${far}/docker-compose.yml`]: onH2(composeFile("oresi-test/api:1.1.0")) },
    "home and far to 1.1.0",
  );
  repo.tag("v1.1.0");
  repo.commit({ [`${sw}/.env`]: "WEB_TAG=1.1.0\n" }, "sw to web 1.1.0");
  repo.tag("v1.2.0");
  // The work tree at no release: nothing is adopted, the first rollout records v1.0.0.
  repo.git("checkout", "-q", "--detach", "HEAD~3");

  const data = makeTempDir("hosts-spec-data");
  const hostsFile = path.join(data, "hosts.yml");
  fs.writeFileSync(hostsFile, `hosts:\n  h2: { url: "${h2}" }\n  sw: { url: "${swarm.url}" }\norder: [local, h2, sw]\n`);
  const { name, password } = E2E_USERS.operator;
  server = await startServer({
    STACKS_DIR: repo.dir,
    DATA_DIR: data,
    DOCKER_HOSTS_FILE: hostsFile,
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "operator",
    USERS: `${name}:operator:${await hashPassword(password, 1024)}`,
    NEXTAUTH_SECRET: "hosts-spec-secret-0123456789abcdef0123",
    VERIFY_TIMEOUT: "30s",
  });
  // Every stack up on its own host, by Oresi (through the API, as a bot would): host by host.
  const first = await rollOut("v1.0.0");
  expect(first.status, first.error ?? "").toBe("succeeded");
  expect(first.stacks.map((s) => [s.stack, s.host]).sort()).toEqual(
    [
      [far, "h2"],
      [home, "local"],
      [sw, "sw"],
    ].sort(),
  );
});

test.afterAll(async () => {
  test.setTimeout(240_000);
  try {
    await server?.stop();
  } finally {
    try {
      removeEngine(H2_ENGINE);
    } finally {
      try {
        if (swarm) swarm.stop();
        else removeEngine(SW_ENGINE);
      } finally {
        repo?.cleanup();
      }
    }
  }
});

test("each stack shows its host chip on the stacks list and its own page; the Overview says all three hosts answer", async ({ page }) => {
  await signIn(page);
  const docker = page.getByRole("listitem").filter({ hasText: /^docker/i });
  await expect(docker).toContainText("3 Docker hosts answer (local, h2, sw)");
  await expect(docker).toContainText("ok");

  await page.getByRole("link", { name: "Stacks", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Stacks" })).toBeVisible();
  for (const [stack, host] of [
    [home, "local"],
    [far, "h2"],
    [sw, "sw"],
  ]) {
    const row = stackRow(page, stack);
    await expect(row.getByRole("link", { name: stack, exact: true })).toBeVisible();
    await expect(chip(row, host)).toBeVisible();
    await expect(chip(row, host)).toHaveText(`Docker host ⌂${host}`);
    for (const other of ["local", "h2", "sw"].filter((h) => h !== host)) await expect(chip(row, other)).toHaveCount(0);
  }
  // Each stack reads from its own engine: its image and health, none down.
  await expect(async () => {
    await page.reload();
    await expect(stackRow(page, far)).toContainText("healthy", { timeout: 1000 });
    await expect(stackRow(page, home)).toContainText("healthy", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(stackRow(page, far)).toContainText("oresi-test/api:1.0.0");
  await expect(stackRow(page, home)).toContainText("oresi-test/web:1.0.0");
  await expect(page.getByText("A Docker host does not answer")).toHaveCount(0);
  await expectAccessible(page);

  await stackRow(page, far).getByRole("link", { name: far, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Stack ${far}` })).toBeVisible();
  await expect(chip(page, "h2")).toHaveText("Docker host ⌂h2");
  await expect(chip(page, "local")).toHaveCount(0);
  await expect(page.getByRole("rowheader", { name: "app" })).toBeVisible();
  await expectAccessible(page);

  // A stack's problem on the Overview names its host: far's container stopped on h2.
  const farId = dockerOn(h2Url, "ps", "-q", "--filter", `label=com.docker.compose.project=${far}`);
  expect(farId).toMatch(/^[0-9a-f]{12}$/);
  dockerOn(h2Url, "stop", "-t", "1", farId);
  try {
    await expect(async () => {
      await page.goto(server.url + "/");
      const line = page
        .getByTestId("containers-summary")
        .getByRole("listitem")
        .filter({ hasText: `${far}: app` });
      await expect(line.first()).toBeVisible({ timeout: 1000 });
      await expect(chip(line.first(), "h2")).toHaveText("Docker host ⌂h2", { timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(
      page
        .getByTestId("containers-summary")
        .getByRole("listitem")
        .filter({ hasText: `${home}:` }),
    ).toHaveCount(0);
  } finally {
    dockerOn(h2Url, "start", farId);
  }
  await expect(async () => {
    await page.goto(`${server.url}/stacks`);
    await expect(stackRow(page, far)).toContainText("healthy", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
});

test("a release changing a stack on local and one on h2 rolls out host by host: the deployment page names each host", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page);
  await page.goto(`${server.url}/deployments`);
  await page.getByLabel("Release").selectOption("v1.1.0");
  await page.getByRole("button", { name: "Roll out v1.1.0" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("v1.0.0 → v1.1.0");
  await expect(dialog.getByTestId("deployment-preview")).toHaveAttribute("data-state", "ready");
  await dialog.getByRole("button", { name: "Roll out v1.1.0" }).click();
  await page.waitForURL(/\/deployments\/d-/);

  await expect(page.getByTestId("deployment-status")).toContainText("verified", { timeout: 120_000 });
  await expect(page.getByText(`Stacks: ${far} (changed on h2), ${home} (changed on local)`)).toBeVisible();
  const log = page.getByRole("log", { name: "Deployment log" });
  await expect(log).toContainText("Succeeded: v1.1.0 runs verified");
  const lines = await logLines(page);
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const localTurn = at(new RegExp(`^\\[local\\] Host local \\(1 of 2\\): ${home}\\.$`));
  const localVerified = at(/^\[local\] Host local verified; next: h2\.$/);
  const h2Turn = at(new RegExp(`^\\[h2\\] Host h2 \\(2 of 2\\): ${far}\\.$`));
  expect(localTurn, lines.join("\n")).toBeGreaterThan(-1);
  expect(localVerified).toBeGreaterThan(localTurn);
  expect(h2Turn).toBeGreaterThan(localVerified);
  // The stack's own lines carry its host: Compose's output for far on h2, for home on local.
  expect(at(new RegExp(`^\\[h2\\] .*${far} \\| `))).toBeGreaterThan(h2Turn);
  expect(at(new RegExp(`^\\[local\\] .*${home} \\| `))).toBeGreaterThan(localTurn);
  expect(lines.filter((l) => l.includes(`${far} | `)).every((l) => l.startsWith("[h2] "))).toBe(true);
  expect(lines.filter((l) => l.includes(`${home} | `)).every((l) => l.startsWith("[local] "))).toBe(true);
  const verification = page.getByTestId("verification");
  for (const stack of [home, far]) {
    const row = verification.getByRole("row").filter({ hasText: stack }).filter({ hasText: "container:" });
    await expect(row).toContainText("running, healthy");
    await expect(row).not.toContainText("failed");
  }
  await expectAccessible(page);

  // What runs now, on each host.
  await page.goto(`${server.url}/stacks`);
  await expect(async () => {
    await page.reload();
    await expect(stackRow(page, far)).toContainText("oresi-test/api:1.1.0", { timeout: 1000 });
    await expect(stackRow(page, home)).toContainText("oresi-test/web:1.1.0", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
});

test("h2 down: only its stack says host h2 unreachable, the local stacks show as usual, /api/status says h2 is down; back up, the pages recover", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await signIn(page);
  stopEngineDaemon(H2_ENGINE);
  try {
    await page.goto(`${server.url}/stacks`);
    const downCard = page.getByRole("heading", { level: 2, name: "A Docker host does not answer" });
    await expect(downCard).toBeVisible();
    await expect(page.getByTestId("hosts-down")).toContainText(`Host h2 unreachable (1 stack): Docker host h2 unreachable at unix://`);
    await expect(stackRow(page, far)).toContainText("host h2 unreachable: what runs there is not known until it answers.");
    await expect(chip(stackRow(page, far), "h2")).toBeVisible();
    // The stacks on the other hosts read as before.
    await expect(stackRow(page, home)).toContainText("oresi-test/web:1.1.0");
    await expect(stackRow(page, home)).toContainText("healthy");
    await expect(stackRow(page, home)).not.toContainText("unreachable");
    await expect(stackRow(page, sw)).not.toContainText("unreachable");
    await expectAccessible(page);

    // The Overview: one line for the host, the docker dependency degraded.
    await page.goto(`${server.url}/`);
    await expect(page.getByRole("link", { name: "Host h2 unreachable: its 1 stack cannot be read" })).toBeVisible();
    await expect(page.getByText("the other hosts work as usual.")).toBeVisible();
    const docker = page.getByRole("listitem").filter({ hasText: /^docker/i });
    await expect(docker).toContainText("host h2 unreachable (1 of 3)");
    await expect(docker).toContainText("degraded");

    // The stack's page says which host; the local stack's page works.
    await page.goto(`${server.url}/stacks/${far}`);
    await expect(page.getByRole("heading", { level: 2, name: "Host h2 unreachable" })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: `Stack ${far}: host h2 unreachable (Docker host h2 unreachable at unix://` })).toBeVisible();
    await page.goto(`${server.url}/stacks/${home}`);
    await expect(page.getByRole("heading", { level: 1, name: `Stack ${home}` })).toBeVisible();
    await expect(chip(page, "local")).toBeVisible();

    const status = (await (await api("/api/status")).json()) as {
      status: string;
      dependencies: { name: string; status: string; reason: string }[];
      sections: { hosts: Record<string, { status: string; reason: string }> };
    };
    expect(status.status).toBe("degraded");
    expect(status.dependencies.find((d) => d.name === "docker")).toMatchObject({
      status: "degraded",
      reason: expect.stringMatching(/^host h2 unreachable \(1 of 3\)/),
    });
    expect(Object.keys(status.sections.hosts)).toEqual(["local", "h2", "sw"]);
    expect(status.sections.hosts.h2).toMatchObject({ status: "down", reason: expect.stringContaining("Docker host h2 unreachable") });
    expect(status.sections.hosts.local.status).toBe("ok");
    expect(status.sections.hosts.sw.status).toBe("ok");

    // Back on the stacks page, left open while h2 comes back.
    await page.goto(`${server.url}/stacks`);
    await expect(downCard).toBeVisible();
  } finally {
    startEngine(H2_ENGINE);
  }
  // Nobody reloads: the page refreshes itself (every 10 s) and h2's stack reads again.
  await expect(page.getByRole("heading", { level: 2, name: "A Docker host does not answer" })).toHaveCount(0, { timeout: 30_000 });
  await expect(stackRow(page, far)).not.toContainText("unreachable");
  await expect(chip(stackRow(page, far), "h2")).toBeVisible();
  await expect
    .poll(async () => ((await (await api("/api/status")).json()) as { sections: { hosts: Record<string, { status: string }> } }).sections.hosts.h2.status, {
      timeout: 15_000,
    })
    .toBe("ok");
  await page.goto(`${server.url}/stacks/${far}`);
  await expect(page.getByRole("heading", { level: 1, name: `Stack ${far}` })).toBeVisible();
  await expect(chip(page, "h2")).toBeVisible();
});

test("a Swarm stack rolled out by Oresi on the swarm host: its page shows the service's image, replicas and update", async ({ page }) => {
  test.setTimeout(180_000);
  // v1.2.0 changes only the Swarm stack: web 1.0.0 → 1.1.0, a rolling update of 2 replicas.
  const d = await rollOut("v1.2.0");
  expect(d.status, d.error ?? "").toBe("succeeded");
  expect(d.stacks).toMatchObject([{ stack: sw, change: "changed", host: "sw" }]);
  // The swarm itself runs what Oresi rolled out.
  expect(swarm!.docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", `${sw}_web`)).toMatch(/^oresi-test\/web:1\.1\.0(@|$)/);

  await signIn(page);
  await page.goto(`${server.url}/deployments/${d.id}`);
  await expect(page.getByTestId("deployment-status")).toContainText("verified");
  await expect(page.getByText(`Stacks: ${sw} (changed on sw)`)).toBeVisible();
  const log = page.getByRole("log", { name: "Deployment log" });
  await expect(log).toContainText(`${sw}: Swarm stack on host sw (x-oresi.mode: swarm)`);
  await expect(log).toContainText(`Updating service ${sw}_web`);
  await expect(page.getByTestId("verification").getByRole("row").filter({ hasText: sw }).filter({ hasText: "container:" })).toContainText(
    "2/2 running, update completed",
  );

  await page.goto(`${server.url}/stacks`);
  const row = stackRow(page, sw);
  await expect(chip(row, "sw")).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("oresi-test/web:1.1.0", { timeout: 1000 });
    await expect(row).toContainText("×2", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expectAccessible(page);

  await row.getByRole("link", { name: sw, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Stack ${sw}` })).toBeVisible();
  await expect(chip(page, "sw")).toHaveText("Docker host ⌂sw");
  const service = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "web" }) });
  const runs = service.getByTestId(`swarm-${sw}_web`);
  await expect(runs).toBeVisible();
  await expect(runs.getByText("oresi-test/web:1.1.0", { exact: true })).toBeVisible();
  await expect(runs.getByText("2/2 replicas running")).toBeVisible();
  await expect(runs).toContainText(`Swarm service ${sw}_web`);
  await expect(runs).toContainText("update completed");
  await expect(service).toContainText("synced");
  // The latest tasks: the two running now, and the previous spec's ones shut down by the update.
  await runs.getByText(/^Tasks \(\d+ latest\)$/).click();
  const tasks = runs.getByRole("listitem");
  await expect(tasks.filter({ hasText: /^#1 running/ }).first()).toBeVisible();
  await expect(tasks.filter({ hasText: /^#2 running/ }).first()).toBeVisible();
  await expect(tasks.filter({ hasText: "previous spec" }).first()).toBeVisible();
  // The service's log through the manager: both replicas' lines, each naming its replica.
  await page.getByTestId(`swarm-logs-${sw}_web`).click();
  const serviceLog = page.getByRole("log", { name: "Service log" });
  await expect(serviceLog).toContainText("starting httpd for oresi-test/web:1.1.0");
  await expect(serviceLog).toContainText(/web\.1\b/);
  await expect(serviceLog).toContainText(/web\.2\b/);
  await expectAccessible(page);
});
