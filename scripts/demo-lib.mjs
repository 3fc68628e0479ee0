// The demo's parts, shared by scripts/demo.mjs (npm run demo) and test/ship-demo.test.ts:
// a sample stacks repository (three stacks, four releases, the last one broken) with a
// bare origin, its images built from busybox on the local engine, and the deployed
// release brought up. Idempotent: a second run reuses what is there; reset starts over.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MARKER = ".oresi-demo";

/** Images the demo builds (scripts/build-test-image.sh; broken = its /healthz is missing). */
export const DEMO_IMAGES = [
  { ref: "oresi-demo/web:1.0.0" },
  { ref: "oresi-demo/web:1.1.0" },
  { ref: "oresi-demo/web:2.0.0", broken: true },
  { ref: "oresi-demo/api:1.0.0" },
  { ref: "oresi-demo/api:1.1.0" },
  { ref: "oresi-demo/cache:1.0.0" },
];

/**
 * The release the demo starts at (adopted as deployed on the dashboard's first run), so that
 * a newcomer can roll out v1.2.0 (passes), then v1.3.0 (fails, rolls back by itself to v1.2.0),
 * then roll back by hand to v1.1.0.
 */
export const DEMO_DEPLOYED = "v1.1.0";

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Dana Demo",
  GIT_AUTHOR_EMAIL: "dana@demo.invalid",
  GIT_COMMITTER_NAME: "Dana Demo",
  GIT_COMMITTER_EMAIL: "dana@demo.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
};

function compose(image, opts = {}) {
  return [
    "# Managed in git: change it in a commit, release it with a tag, roll it out from Oresi.",
    "x-oresi:",
    "  verify:",
    `    timeout: ${opts.timeout ?? "20s"}`,
    "services:",
    `  ${opts.service ?? "app"}:`,
    `    image: ${image}`,
    "    restart: unless-stopped",
    "    environment:",
    "      - APP_MODE=${APP_MODE:-demo}",
    "",
  ].join("\n");
}

function changelog(entries) {
  return (
    "# Changelog\n\nAll notable changes to the demo stacks. The format follows\n[Keep a Changelog](https://keepachangelog.com/en/1.1.0/).\n\n" +
    entries.map((e) => `## [${e.version.slice(1)}] - ${e.date}\n\n### Changed\n${e.lines.map((l) => `- ${l}`).join("\n")}\n`).join("\n")
  );
}

/** The four releases, oldest first: files written (null deletes) and what the tag says. */
export function demoReleases(prefix) {
  const web = `${prefix}-web`;
  const api = `${prefix}-api`;
  const cache = `${prefix}-cache`;
  return {
    stacks: [web, api, cache],
    releases: [
      {
        tag: "v1.0.0",
        daysAgo: 21,
        message: "First release: web, api and cache",
        files: {
          "README.md": "# Demo stacks\n\nOne folder per stack, the way Dockge keeps them. Releases are tags vX.Y.Z.\n",
          [`${web}/compose.yaml`]: compose("oresi-demo/web:${WEB_TAG}"),
          [`${web}/.env`]: "WEB_TAG=1.0.0\nAPP_MODE=demo\nSESSION_SECRET=demo-not-a-real-secret\n",
          [`${api}/compose.yaml`]: compose("oresi-demo/api:1.0.0"),
          [`${cache}/compose.yaml`]: compose("oresi-demo/cache:1.0.0"),
        },
        lines: ["First release: web, api and cache stacks"],
      },
      {
        tag: "v1.1.0",
        daysAgo: 12,
        message: "web 1.0.0 → 1.1.0",
        files: { [`${web}/.env`]: "WEB_TAG=1.1.0\nAPP_MODE=demo\nSESSION_SECRET=demo-not-a-real-secret\n" },
        lines: [`${web}: update to 1.1.0`],
      },
      {
        tag: "v1.2.0",
        daysAgo: 5,
        message: "api 1.0.0 → 1.1.0",
        files: { [`${api}/compose.yaml`]: compose("oresi-demo/api:1.1.0") },
        lines: [`${api}: update to 1.1.0`],
      },
      {
        tag: "v1.3.0",
        daysAgo: 1,
        message: "web 1.1.0 → 2.0.0 (its healthcheck fails: watch the rollout roll back)",
        files: { [`${web}/.env`]: "WEB_TAG=2.0.0\nAPP_MODE=demo\nSESSION_SECRET=demo-not-a-real-secret\n" },
        lines: [`${web}: update to 2.0.0 (broken: its healthcheck fails)`],
      },
    ],
  };
}

function git(cwd, args, env = {}) {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** `docker compose` (v2) when present, else `docker-compose` (v1). */
export function composeCommand() {
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version", "--short"], { stdio: "ignore" }).status === 0) return ["docker-compose"];
  throw new Error("neither `docker compose` nor `docker-compose` works: run `bash scripts/docker-up.sh`");
}

function projectContainers(project) {
  const out = execFileSync("docker", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`], { encoding: "utf8" }).trim();
  return out ? out.split("\n") : [];
}

/** Remove the demo's containers and networks (only the compose projects named after its stacks). */
export function removeDemoContainers(prefix) {
  for (const project of demoReleases(prefix).stacks) {
    const ids = projectContainers(project);
    if (ids.length) execFileSync("docker", ["rm", "-f", "-v", ...ids], { stdio: "ignore" });
    const nets = execFileSync("docker", ["network", "ls", "-q", "--filter", `label=com.docker.compose.project=${project}`], { encoding: "utf8" }).trim();
    if (nets) spawnSync("docker", ["network", "rm", ...nets.split("\n")], { stdio: "ignore" });
  }
}

/** Build the demo images that are missing (about a second each, no registry pull). */
export function buildDemoImages(log = () => {}) {
  const built = [];
  for (const img of DEMO_IMAGES) {
    if (spawnSync("docker", ["image", "inspect", img.ref], { stdio: "ignore" }).status === 0) continue;
    log(`building ${img.ref}${img.broken ? " (broken healthcheck)" : ""}`);
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "build-test-image.sh"), img.ref, ...(img.broken ? ["--broken"] : []), "oresi.demo=1"], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`building ${img.ref} failed: ${r.stderr.trim()}`);
    built.push(img.ref);
  }
  return built;
}

function createRepo(dir, prefix, log) {
  const origin = path.join(dir, "origin.git");
  const work = path.join(dir, "stacks");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER), `prefix=${prefix}\n`);
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
  execFileSync("git", ["init", "-q", "-b", "main", work]);
  git(work, ["remote", "add", "origin", origin]);
  git(work, ["config", "user.name", GIT_ENV.GIT_AUTHOR_NAME]);
  git(work, ["config", "user.email", GIT_ENV.GIT_AUTHOR_EMAIL]);
  const { releases } = demoReleases(prefix);
  const entries = [];
  for (const rel of releases) {
    const when = new Date(Date.now() - rel.daysAgo * 86_400_000);
    const dateEnv = { GIT_AUTHOR_DATE: when.toISOString(), GIT_COMMITTER_DATE: when.toISOString() };
    entries.unshift({ version: rel.tag, date: when.toISOString().slice(0, 10), lines: rel.lines });
    const files = { ...rel.files, "CHANGELOG.md": changelog(entries) };
    for (const [rel2, content] of Object.entries(files)) {
      const p = path.join(work, rel2);
      if (content === null) fs.rmSync(p, { force: true });
      else {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, content);
      }
    }
    git(work, ["add", "-A"]);
    git(work, ["commit", "-q", "-m", rel.lines[0]], dateEnv);
    git(work, ["tag", "-a", rel.tag, "-m", `Release ${rel.tag}\n\n${rel.message}`], dateEnv);
  }
  git(work, ["push", "-q", "origin", "main", "--follow-tags"]);
  log(`made ${work}: ${releases.map((r) => r.tag).join(", ")} (origin: ${origin})`);
}

function repoComplete(work, origin) {
  try {
    const tags = git(work, ["tag", "--list", "v*"]).split("\n").filter(Boolean);
    const remote = git(work, ["ls-remote", "--tags", "origin"]);
    return fs.existsSync(origin) && demoReleases("x").releases.every((r) => tags.includes(r.tag) && remote.includes(`refs/tags/${r.tag}`));
  } catch {
    return false;
  }
}

/**
 * Make (or reuse) the demo under dir: stacks/ (work tree), origin.git (bare), data/ (DATA_DIR).
 * With up, checks out the deployed release on first run and brings its stacks up.
 * Returns the paths and what was done.
 */
export function prepareDemo({ dir, prefix = "demo", reset = false, up = true, log = () => {} }) {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(prefix)) throw new Error(`demo prefix ${prefix} must be lower-case letters, digits and dashes`);
  dir = path.resolve(dir);
  const work = path.join(dir, "stacks");
  const origin = path.join(dir, "origin.git");
  const dataDir = path.join(dir, "data");
  const { stacks, releases } = demoReleases(prefix);

  if (reset && fs.existsSync(dir)) {
    if (!fs.existsSync(path.join(dir, MARKER))) throw new Error(`${dir} was not made by the demo (no ${MARKER} in it): not removing it`);
    log(`reset: removing the demo containers and ${dir}`);
    removeDemoContainers(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (fs.existsSync(dir) && fs.readdirSync(dir).length && !fs.existsSync(path.join(dir, MARKER)))
    throw new Error(`${dir} exists and was not made by the demo: choose another DEMO_DIR`);

  const built = buildDemoImages(log);
  let created = false;
  if (!repoComplete(work, origin)) {
    if (fs.existsSync(work) || fs.existsSync(origin)) throw new Error(`${dir} holds an incomplete demo: run again with --reset`);
    createRepo(dir, prefix, log);
    created = true;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  // First run (no state yet): check out the deployed release. Later runs leave the work
  // tree where the dashboard's rollouts and rollbacks put it.
  const firstRun = !fs.existsSync(path.join(dataDir, "oresi.db"));
  if (firstRun) git(work, ["checkout", "-q", "--detach", DEMO_DEPLOYED]);

  const started = [];
  if (up) {
    const cmd = composeCommand();
    for (const stack of stacks) {
      const stackDir = path.join(work, stack);
      if (!fs.existsSync(stackDir)) continue;
      const r = spawnSync(cmd[0], [...cmd.slice(1), "-p", stack, "up", "-d", "--remove-orphans"], {
        cwd: stackDir,
        encoding: "utf8",
        env: { ...process.env, COMPOSE_PROJECT_NAME: stack },
      });
      if (r.status !== 0) throw new Error(`${cmd.join(" ")} up in ${stack} failed:\n${r.stderr.trim()}`);
      started.push(stack);
    }
    let at = "HEAD";
    try {
      at = git(work, ["describe", "--tags", "--exact-match"]);
    } catch {
      /* not at a release */
    }
    log(`up: ${started.join(", ")} at ${at}`);
  }
  return { dir, work, origin, dataDir, prefix, stacks, releases: releases.map((r) => r.tag), created, built, started, firstRun };
}
