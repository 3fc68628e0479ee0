#!/usr/bin/env node
// npm run demo [-- --reset] [-- --no-serve] [-- --port 3000]
// Try Oresi in a minute: a sample stacks repository under ./demo (three stacks, four
// releases, the newest one broken), its images built from busybox on the local Docker
// engine, release v1.1.0 up and running, and the dashboard served on it.
//   --reset     remove the demo's containers and ./demo, then start over
//   --no-serve  prepare everything but do not start the dashboard
//   --down      remove the demo's containers (keeps ./demo) and stop
// Environment: DEMO_DIR (default ./demo), DEMO_PREFIX (stack-name prefix, default demo),
// PORT (default 3000). Re-running reuses what is there.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DEMO_DEPLOYED, prepareDemo, removeDemoContainers, ROOT } from "./demo-lib.mjs";

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const portArg = argv.indexOf("--port");
for (const a of argv) {
  if (!["--reset", "--no-serve", "--down", "--port"].includes(a) && argv[argv.indexOf(a) - 1] !== "--port") {
    console.error(`demo: unknown argument ${a} (use --reset, --no-serve, --down, --port N)`);
    process.exit(2);
  }
}
const say = (m) => console.error(`demo: ${m}`);
const dir = path.resolve(process.env.DEMO_DIR || path.join(ROOT, "demo"));
const prefix = process.env.DEMO_PREFIX || "demo";
const port = portArg >= 0 ? argv[portArg + 1] : process.env.PORT || "3000";

const up = spawnSync("bash", [path.join(ROOT, "scripts", "docker-up.sh")], { stdio: "inherit" });
if (up.status !== 0) {
  say("no Docker engine: see the messages above");
  process.exit(1);
}

if (flag("--down")) {
  removeDemoContainers(prefix);
  say(`removed the containers of ${prefix}-web, ${prefix}-api and ${prefix}-cache (${dir} is kept; --reset removes it)`);
  process.exit(0);
}

let demo;
try {
  demo = prepareDemo({ dir, prefix, reset: flag("--reset"), up: true, log: say });
} catch (e) {
  say(e.message);
  process.exit(1);
}

// Credentials, made once per demo folder and kept beside it (./demo is git-ignored).
const credFile = path.join(dir, "demo.env");
let cred = {};
if (fs.existsSync(credFile)) {
  for (const l of fs.readFileSync(credFile, "utf8").split("\n")) {
    const i = l.indexOf("=");
    if (i > 0) cred[l.slice(0, i)] = l.slice(i + 1);
  }
}
if (!cred.ADMIN_PASSWORD_HASH || !cred.CHATOPS_API_KEY) {
  const password = "oresi-demo";
  const h = spawnSync(process.execPath, [path.join(ROOT, "scripts", "hash-password.mjs")], { input: password + "\n", encoding: "utf8" });
  if (h.status !== 0) {
    say(`hash-password failed: ${h.stderr.trim()}`);
    process.exit(1);
  }
  cred = { ADMIN_USER: "admin", ADMIN_PASSWORD: password, ADMIN_PASSWORD_HASH: h.stdout.trim(), CHATOPS_API_KEY: crypto.randomBytes(24).toString("hex") };
  fs.writeFileSync(
    credFile,
    Object.entries(cred)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
}

const url = `http://127.0.0.1:${port}`;
const banner = [
  "",
  "  Oresi Releases demo",
  `  stacks repository  ${demo.work}  (origin ${demo.origin})`,
  `  releases           ${demo.releases.join(", ")}  (v1.3.0 is broken: its healthcheck fails)`,
  `  deployed           ${demo.firstRun ? DEMO_DEPLOYED : "where you left it"}  (stacks ${demo.stacks.join(", ")})`,
  `  dashboard          ${url}`,
  `  sign in            ${cred.ADMIN_USER} / ${cred.ADMIN_PASSWORD}`,
  `  API key (bots)     ${cred.CHATOPS_API_KEY}`,
  `                     curl -H "Authorization: Bearer ${cred.CHATOPS_API_KEY}" ${url}/api/status`,
  "",
  "  Try: roll out v1.2.0 (it passes); roll out v1.3.0 and watch verification fail and",
  "       roll back by itself to v1.2.0; then Roll back by hand to v1.1.0.",
  "       Start over: npm run demo -- --reset",
  "",
].join("\n");

if (flag("--no-serve")) {
  console.error(banner.replace(/ {2}dashboard .*\n/, "  dashboard          not started (--no-serve)\n"));
  process.exit(0);
}

console.error(banner);
const env = {
  ...process.env,
  STACKS_DIR: demo.work,
  DATA_DIR: demo.dataDir,
  INTENTS_DIR: path.join(ROOT, "intents"),
  ADMIN_USER: cred.ADMIN_USER,
  ADMIN_PASSWORD_HASH: cred.ADMIN_PASSWORD_HASH,
  CHATOPS_API_KEY: cred.CHATOPS_API_KEY,
  VERIFY_TIMEOUT: "20s",
  AUTO_ROLLBACK: "true",
  PUBLIC_URL: url,
  PORT: String(port),
  HOSTNAME: "127.0.0.1",
};
const child = spawn(process.execPath, [path.join(ROOT, "scripts", "serve.mjs")], { env, stdio: "inherit", cwd: ROOT });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, sig) => {
  say(`dashboard stopped; the demo stacks keep running (remove them: npm run demo -- --down)`);
  process.exit(code ?? (sig ? 0 : 1));
});
