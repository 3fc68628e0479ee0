#!/usr/bin/env node
// npm start: build when the sources are newer than the last build, then run the
// standalone server on the embedded defaults (SQLite under ./data, local Docker socket).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const standalone = path.join(root, ".next", "standalone");
const server = path.join(standalone, "server.js");
const buildId = path.join(root, ".next", "BUILD_ID");

function newestSource(dir, newest = 0) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = newestSource(p, newest);
    else newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  if (process.argv.includes("--rebuild")) return true;
  if (!fs.existsSync(server) || !fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const srcs = ["app", "components", "lib", "public"].filter((d) => fs.existsSync(path.join(root, d)));
  const newest = Math.max(
    ...srcs.map((d) => newestSource(path.join(root, d))),
    ...["next.config.js", "package.json", "package-lock.json"].map((f) => (fs.existsSync(path.join(root, f)) ? fs.statSync(path.join(root, f)).mtimeMs : 0)),
  );
  return newest > built;
}

if (needsBuild()) {
  console.error("oresi: building (next build)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The standalone server serves .next/static and public/ from its own folder.
fs.cpSync(path.join(root, ".next", "static"), path.join(standalone, ".next", "static"), { recursive: true });
if (fs.existsSync(path.join(root, "public"))) fs.cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });

// server.js changes into its own folder: make relative paths absolute against where we were started.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
for (const [k, def] of [
  ["DATA_DIR", "./data"],
  ["INTENTS_DIR", "./intents"],
  ["STACKS_DIR", undefined],
]) {
  const v = env[k] || def;
  if (v) env[k] = path.resolve(process.cwd(), v);
}
env.PORT ||= "3000";
env.HOSTNAME ||= env.HOST || "127.0.0.1";

console.error(`oresi: serving on http://${env.HOSTNAME}:${env.PORT} (DATA_DIR=${env.DATA_DIR})`);
const runtime = JSON.parse(fs.readFileSync(path.join(root, "scripts", "server-runtime.json"), "utf8"));
const child = spawn(process.execPath, [...runtime.nodeArgs, server], { env: { ...runtime.env, ...env }, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
