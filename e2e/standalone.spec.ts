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
import { freePort } from "./fixtures/server";
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
    env: { PATH: process.env.PATH!, HOME: dataDir, ...imageEnv(), CHATOPS_API_KEY: apiKey, CHATOPS_API_ROLE: "viewer", NEXTAUTH_SECRET: "standalone-secret-0123456789abcdef" } as unknown as NodeJS.ProcessEnv,
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
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
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
