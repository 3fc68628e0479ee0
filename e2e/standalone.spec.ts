// The files the image runs: the runtime stage's COPY lines (read from the Dockerfile) are
// replayed into an empty folder, then the Dockerfile's CMD starts there with its ENV, and
// the Dockerfile's HEALTHCHECK command runs against it. No base image is needed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { readDockerfile, runtimeFiles, stageEnv, execForm, ROOT } from "../test/ship-dockerfile";
import { createStacksRepo, type StacksRepo } from "./fixtures/stacks-repo";
import { makeTempDir } from "./fixtures/sandbox";
import { freePort, stopChild } from "./fixtures/server";
import { expectAccessible } from "./fixtures/a11y";

const df = readDockerfile();
const runtime = df.stages[df.stages.length - 1];
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
const apiKey = "standalone-key-0123456789abcdef";

let app: string; // stands in for the runtime WORKDIR (/app)
let dataDir: string;
let repo: StacksRepo;
let child: ChildProcess;
let url: string;
let port: number;
let output = "";

/** Replay `COPY --from=builder` into app/, as Docker would (symlinks kept as they are). */
function layOut(): void {
  const { files } = runtimeFiles(df);
  for (const f of files) {
    if (!fs.existsSync(f.src)) throw new Error(`${path.relative(ROOT, f.src)} is missing: run \`npx next build\` first (npm test does).`);
    const dest = path.join(app, f.dest);
    if (fs.statSync(f.src).isDirectory()) {
      // Docker copies a directory's contents into dest; skip what a local build leaves that .dockerignore keeps out of an image build.
      fs.cpSync(f.src, dest, { recursive: true, verbatimSymlinks: true, filter: (s) => s !== path.join(f.src, ".git") });
    } else {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(f.src, dest);
    }
  }
}

/** The Dockerfile's ENV, container paths mapped onto this machine. */
function imageEnv(): Record<string, string> {
  const env = stageEnv(runtime);
  const map = (v: string) => (v === "/data" ? dataDir : v.startsWith("/app/") || v === "/app" ? path.join(app, path.posix.relative("/app", v)) : v);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = map(v);
  out.STACKS_DIR = repo.dir; // the bind mount at the same path as on the host
  out.PORT = String(port);
  out.HOSTNAME = "127.0.0.1"; // the image listens on 0.0.0.0 (checked in test/ship.test.ts); not on a shared test machine
  return out;
}

/** The Dockerfile's HEALTHCHECK, run as Docker would run it inside the container. */
function healthcheck(): number | null {
  const hc = runtime.instructions.find((i) => i.cmd === "HEALTHCHECK")!;
  const [cmd, ...args] = execForm(hc.args);
  const r = spawnSync(cmd === "node" ? process.execPath : cmd, args, { cwd: app, env: { ...process.env, ...imageEnv() }, timeout: 15_000 });
  return r.status;
}

test.describe.configure({ mode: "serial" });
// This spec runs its own server: no session of the suite's server applies.
test.use({ storageState: { cookies: [], origins: [] } });

test.beforeAll(async () => {
  app = makeTempDir("image-app");
  dataDir = makeTempDir("image-data");
  repo = createStacksRepo({ tag: "img" });
  port = await freePort();
  layOut();
  const [cmd, ...args] = execForm(runtime.instructions.find((i) => i.cmd === "CMD")!.args);
  child = spawn(cmd === "node" ? process.execPath : cmd, args, {
    cwd: app,
    env: {
      PATH: process.env.PATH!,
      HOME: dataDir,
      ...imageEnv(),
      CHATOPS_API_KEY: apiKey,
      CHATOPS_API_ROLE: "viewer",
      NEXTAUTH_SECRET: "standalone-secret-0123456789abcdef",
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server.js exited with ${child.exitCode}:\n${output}`);
    if (healthcheck() === 0) break;
    if (Date.now() > deadline) throw new Error(`no healthy answer within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

test.afterAll(async () => {
  await stopChild(child);
  repo?.cleanup();
  for (const d of [app, dataDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

test("the laid-out image folder holds only what the Dockerfile copies, and runs on its own", () => {
  expect(fs.readdirSync(app).sort()).toEqual(expect.arrayContaining([".next", "intents", "node_modules", "public", "server.js"]));
  expect(fs.existsSync(path.join(app, ".git"))).toBe(false);
  // The native module resolves inside the folder, not from the checkout.
  const sqlite = fs.realpathSync(path.join(app, "node_modules", "better-sqlite3"));
  expect(sqlite.startsWith(fs.realpathSync(app))).toBe(true);
  expect(fs.existsSync(path.join(sqlite, "build", "Release", "better_sqlite3.node"))).toBe(true);
  // INTENTS_DIR from the image's ENV points at the copied intents/.
  const intents = imageEnv().INTENTS_DIR;
  expect(fs.readdirSync(intents).sort()).toEqual(fs.readdirSync(path.join(ROOT, "intents")).sort());
  expect(output).not.toMatch(/INTENTS_DIR \S+ does not exist/);
  // Its own data went to DATA_DIR (the image's /data volume).
  expect(fs.readdirSync(dataDir)).toContain("oresi.db");
});

test("the image's hash-password script runs in the image folder and writes the admin hash format", () => {
  const r = spawnSync(process.execPath, [path.join(app, "scripts", "hash-password.mjs")], { cwd: app, input: "correct horse battery\n", encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim()).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/);
});

test("answers /healthz and the HEALTHCHECK passes", async () => {
  const r = await fetch(`${url}/healthz`);
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ status: "ok" });
  expect(healthcheck()).toBe(0);
});

test("serves pages with their static files and public/", async ({ page }) => {
  const res = await page.goto(url + "/");
  expect(res?.status()).toBe(200);
  await expect(page.locator("body")).toContainText("Oresi");
  const html = await (await fetch(page.url())).text();
  const assets = [...new Set([...html.matchAll(/\/_next\/static\/[^"'\s)]+/g)].map((m) => m[0]))];
  expect(assets.length).toBeGreaterThan(0);
  for (const a of assets) expect((await fetch(url + a)).status, a).toBe(200);
  for (const f of fs.readdirSync(path.join(ROOT, "public"))) expect((await fetch(`${url}/${f}`)).status, f).toBe(200);
  await expectAccessible(page);
});

test("reports the version from package.json in /api/status", async () => {
  const r = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(r.status).toBe(200);
  const st = (await r.json()) as { version: string; commit: string };
  expect(st.version).toBe(pkg.version);
  expect(st.commit).toMatch(/^([0-9a-f]{7,40}|unknown)$/);
});

test("the HEALTHCHECK fails once the server is gone", async () => {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  expect(healthcheck()).toBe(1);
});

// README "Try it in a minute": on the demo's repository, with the image's files, a newcomer can
// roll out, watch a failed verification roll back by itself, and roll back by hand.
test.describe("the demo's story, on the image's files", () => {
  type Dep = { id: string; status: string; kind: string; from: string | null; to: string | null };
  let demoServer: ChildProcess;
  let demoUrl: string;
  let demoPrefix: string;
  let demoRoot: string;
  let demoLog = "";
  const key = "demo-story-key-0123456789abcdef";
  const api = async (p: string, body?: unknown) => {
    const r = await fetch(demoUrl + p, {
      method: body ? "POST" : "GET",
      headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, json: await r.json() };
  };
  async function finished(id: string): Promise<Dep> {
    const end = Date.now() + 75_000;
    for (;;) {
      const { json } = await api(`/api/deployments/${id}?logs=0`);
      const d = (json.deployment ?? json) as Dep;
      if (!["queued", "running", "verifying"].includes(d.status)) return d;
      if (Date.now() > end) throw new Error(`deployment ${id} still ${d.status}:\n${demoLog}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  test.beforeAll(async () => {
    const { prepareDemo } = await import("../scripts/demo-lib.mjs" as string);
    const { runPrefix } = await import("./fixtures/sandbox");
    demoPrefix = runPrefix("demo");
    demoRoot = makeTempDir("demo-story");
    const demo = prepareDemo({ dir: path.join(demoRoot, "demo"), prefix: demoPrefix });
    const hash = spawnSync(process.execPath, [path.join(app, "scripts", "hash-password.mjs")], { input: "oresi-demo\n", encoding: "utf8" }).stdout.trim();
    const p = await freePort();
    demoUrl = `http://127.0.0.1:${p}`;
    demoServer = spawn(process.execPath, ["server.js"], {
      cwd: app,
      env: {
        PATH: process.env.PATH!,
        HOME: demo.dataDir,
        NODE_ENV: "production",
        STACKS_DIR: demo.work,
        DATA_DIR: demo.dataDir,
        INTENTS_DIR: path.join(app, "intents"),
        ADMIN_USER: "admin",
        ADMIN_PASSWORD_HASH: hash,
        CHATOPS_API_KEY: key,
        VERIFY_TIMEOUT: "20s",
        PORT: String(p),
        HOSTNAME: "127.0.0.1",
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    demoServer.stdout!.on("data", (d) => (demoLog += d));
    demoServer.stderr!.on("data", (d) => (demoLog += d));
    const end = Date.now() + 30_000;
    while ((await fetch(demoUrl + "/healthz").catch(() => null))?.ok !== true) {
      if (demoServer.exitCode !== null || Date.now() > end) throw new Error(`demo server did not start:\n${demoLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  test.afterAll(async () => {
    await stopChild(demoServer);
    const { removeProjects } = await import("./fixtures/sandbox");
    if (demoPrefix) removeProjects(demoPrefix + "-");
    if (demoRoot) fs.rmSync(demoRoot, { recursive: true, force: true });
  });

  test("roll out v1.2.0, roll out the broken v1.3.0 (rolls back by itself), roll back by hand to v1.1.0", async () => {
    test.setTimeout(240_000);
    const first = await api("/api/deployments", { kind: "rollout", to: "v1.2.0" });
    expect(first.status).toBe(202);
    expect(await finished(first.json.id)).toMatchObject({ status: "succeeded", from: "v1.1.0", to: "v1.2.0" });

    const broken = await api("/api/deployments", { kind: "rollout", to: "v1.3.0" });
    expect(broken.status).toBe(202);
    await finished(broken.json.id); // "failed" until the automatic rollback it starts has finished
    let list: Dep[] = [];
    for (const end = Date.now() + 75_000; ; await new Promise((r) => setTimeout(r, 500))) {
      list = (await api("/api/deployments?limit=5")).json.deployments as Dep[];
      if (!list.some((d) => ["queued", "running", "verifying"].includes(d.status))) break;
      if (Date.now() > end) throw new Error(`still running:\n${demoLog}`);
    }
    expect(list.find((d) => d.id === broken.json.id)).toMatchObject({ status: "rolled_back", to: "v1.3.0" });
    const auto = list.find((d) => d.kind === "rollback");
    expect(auto).toBeDefined();
    expect(await finished(auto!.id)).toMatchObject({ status: "succeeded", to: "v1.2.0" });

    const plan = (await api("/api/deployments/rollback-plan")).json;
    expect(plan).toMatchObject({ available: true, target: { release: "v1.1.0" } });
    expect(plan.summary).toContain(`${demoPrefix}-api`);
    const back = await api("/api/deployments", { kind: "rollback" });
    expect(back.status).toBe(202);
    expect(await finished(back.json.id)).toMatchObject({ status: "succeeded", from: "v1.2.0", to: "v1.1.0" });
    const { execFileSync } = await import("node:child_process");
    const image = execFileSync("docker", ["ps", "--filter", `label=com.docker.compose.project=${demoPrefix}-api`, "--format", "{{.Image}}"], {
      encoding: "utf8",
    }).trim();
    expect(image).toBe("oresi-demo/api:1.0.0");
  });
});
