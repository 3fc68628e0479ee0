// Server memory: the built standalone server, started as `npm start` starts it, on a real
// stacks repo with running containers; 200 page loads in a real browser (Debian's chromium,
// signed in), then 60 s of rest. Figures: RSS fresh, after the loads, after the rest.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { composeUp } from "../lib/docker/compose";
import { createStacksRepo } from "../e2e/fixtures/stacks-repo";
import { makeTempDir } from "../e2e/fixtures/sandbox";
import { startServer } from "../e2e/fixtures/server";
import { hashPassword } from "../lib/access/passwords";

const root = path.resolve(__dirname, "..");
const LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 200);
const REST_MS = Number(process.env.BENCH_REST_MS ?? 60_000);

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function ensureBuild(): void {
  if (fs.existsSync(path.join(root, ".next", "standalone", "server.js"))) return;
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "ignore",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error("next build failed: run `npx next build` to see why.");
}

export async function run(): Promise<Record<string, string | number>> {
  ensureBuild();
  const repo = createStacksRepo({ tag: "bench-mem" });
  const password = "bench-admin-password-1";
  const server = await startServer({
    STACKS_DIR: repo.dir,
    DATA_DIR: makeTempDir("bench-mem-data"),
    INTENTS_DIR: path.join(root, "intents"),
    NEXTAUTH_SECRET: "bench-secret-0123456789abcdef0123456789",
    USERS: `bench:admin:${await hashPassword(password, 1024)}`,
    LOG_LEVEL: "error",
  });
  const pid = server.child.pid!;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--disable-gpu", "--disable-quic"] });
  try {
    repo.git("checkout", "-q", "v1.1.0");
    await Promise.all(["web", "api", "cache"].map((s) => composeUp(path.join(repo.dir, repo.stack(s)), repo.stack(s))));
    await new Promise((r) => setTimeout(r, 2000));
    const fresh = rssMb(pid);
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url + "/login");
    await page.getByLabel("User name").fill("bench");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("user-role").waitFor();
    const pages = ["/", "/releases", "/releases/v1.1.0", "/stacks", `/stacks/${repo.stack("web")}`, "/monitors", "/deployments", "/audit", "/settings"];
    let peak = 0;
    const t0 = performance.now();
    for (let i = 0; i < LOADS; i++) {
      await page.goto(server.url + pages[i % pages.length], { waitUntil: "load" });
      if (i % 20 === 0) peak = Math.max(peak, rssMb(pid));
    }
    const loadsS = (performance.now() - t0) / 1000;
    const afterLoads = rssMb(pid);
    peak = Math.max(peak, afterLoads);
    await browser.close();
    await new Promise((r) => setTimeout(r, REST_MS));
    const rested = rssMb(pid);
    if (process.env.BENCH_SERVER_LOG) fs.writeFileSync(process.env.BENCH_SERVER_LOG, server.output());
    return {
      "RSS fresh (containers up, before any page)": `${fresh} MB`,
      [`RSS right after ${LOADS} page loads (peak seen)`]: `${afterLoads} MB (${peak} MB)`,
      [`RSS after ${Math.round(REST_MS / 1000)} s at rest (target ≤ 130 MB)`]: `${rested} MB`,
      "page loads": `${LOADS} in ${loadsS.toFixed(1)} s (${((loadsS * 1000) / LOADS).toFixed(0)} ms each)`,
    };
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    repo.cleanup();
  }
}
