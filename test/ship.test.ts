// Ship checks that run here, where no base image can be pulled: the Dockerfile's structure,
// the build context (.dockerignore, applied by the real Docker engine), the compose example
// (parsed by the real Compose), the release workflow (valid YAML, triggers, tags; its shell
// steps run for real), and the CHANGELOG's form. e2e/standalone.spec.ts runs the files the
// image runs.
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { GIT_ENV } from "../e2e/fixtures/stacks-repo";
import { copySteps, execForm, keyValues, parseDockerfile, readDockerfile, ROOT, runtimeFiles, stageEnv, workdir, type Stage } from "./ship-dockerfile";

const df = readDockerfile();
const runtime = df.stages[df.stages.length - 1];
const text = (s: Stage) => s.instructions.map((i) => `${i.cmd} ${i.args}`).join("\n");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; scripts: Record<string, string> };

function tmp(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `oresi-ship-${label}-`));
}

describe("Dockerfile", () => {
  it("is multi-stage: deps (npm ci), builder (next build), runtime last", () => {
    expect(df.stages.map((s) => s.name)).toEqual(expect.arrayContaining(["deps", "builder", "runtime"]));
    expect(runtime.name).toBe("runtime");
    expect(text(df.stage("deps"))).toMatch(/npm ci/);
    expect(text(df.stage("builder"))).toMatch(/next(\/dist\/bin\/next)? build|npm run build/);
    expect(text(df.stage("builder"))).toMatch(/COPY --from=deps \/app\/node_modules/);
  });

  it("pins every base image to an exact version (no latest, no bare major)", () => {
    const stageNames = new Set(df.stages.map((s) => s.name));
    const external = df.stages.filter((s) => !stageNames.has(s.from));
    expect(external.length).toBeGreaterThanOrEqual(2);
    for (const s of external) {
      expect(s.from, `FROM ${s.fromRaw} must resolve through ARG defaults`).not.toMatch(/\$/);
      const [nameTag, digest] = s.from.split("@");
      const tag = nameTag.includes(":") ? nameTag.slice(nameTag.lastIndexOf(":") + 1) : "";
      expect(tag, `${s.from}: a tag`).not.toBe("");
      expect(tag).not.toMatch(/latest/);
      expect(tag, `${s.from}: a full X.Y.Z version`).toMatch(/^\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/);
      if (digest) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it("builds native modules on the runtime's own base image, with the build tools", () => {
    const deps = df.stage("deps");
    expect(deps.from).toBe(runtime.from);
    expect(df.stage("builder").from).toBe(runtime.from);
    expect(runtime.from).toMatch(/^node:20\.\d+\.\d+-bookworm-slim/);
    expect(text(deps)).toMatch(/apt-get install[^\n]*python3[^\n]*make[^\n]*g\+\+/);
    // The image runs the same Node major as package.json's engines and the CI.
    expect(runtime.from).toMatch(new RegExp(`^node:${process.versions.node.split(".")[0]}\\.`));
  });

  it("runtime: non-root user in the docker group by a GID given at build time", () => {
    const users = runtime.instructions.filter((i) => i.cmd === "USER");
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].args.split(":")[0];
    expect(["root", "0", ""]).not.toContain(user);
    const args = runtime.instructions.filter((i) => i.cmd === "ARG").map((i) => keyValues(i.args));
    const gid = args.find((a) => "DOCKER_GID" in a);
    expect(gid?.DOCKER_GID).toMatch(/^\d+$/);
    expect(text(runtime)).toMatch(/groupadd --gid "\$\{DOCKER_GID\}" docker/);
    expect(text(runtime)).toMatch(new RegExp(`usermod -aG .*DOCKER_GID.* ${user}`));
  });

  it("runtime: git, tini, the Docker CLI and the Compose v2 plugin from a pinned docker image", () => {
    expect(text(runtime)).toMatch(/apt-get install[^\n]*\bgit\b/);
    expect(text(runtime)).toMatch(/apt-get install[^\n]*\btini\b/);
    const fromCli = copySteps(df, runtime).filter((c) => c.from === "docker-cli");
    expect(fromCli.map((c) => c.src)).toEqual(["/usr/local/bin/docker", "/usr/local/libexec/docker/cli-plugins/docker-compose"]);
    expect(df.stage("docker-cli").from).toMatch(/^docker:\d+\.\d+\.\d+-cli/);
    expect(fromCli[1].dest).toMatch(/\/cli-plugins\/docker-compose$/);
    const ep = runtime.instructions.find((i) => i.cmd === "ENTRYPOINT");
    expect(execForm(ep!.args)[0]).toMatch(/tini$/);
  });

  it("runtime: port 3000, /data volume, HEALTHCHECK on /healthz, listens on every interface", () => {
    expect(runtime.instructions.find((i) => i.cmd === "EXPOSE")?.args).toBe("3000");
    expect(runtime.instructions.find((i) => i.cmd === "VOLUME")?.args).toMatch(/"\/data"|\/data/);
    const env = stageEnv(runtime);
    expect(env).toMatchObject({ HOSTNAME: "0.0.0.0", PORT: "3000", DATA_DIR: "/data", NODE_ENV: "production" });
    expect(env.INTENTS_DIR).toBe(path.posix.join(workdir(runtime), "intents"));
    const hc = runtime.instructions.find((i) => i.cmd === "HEALTHCHECK");
    expect(hc).toBeDefined();
    expect(hc!.args).toMatch(/--timeout=\d+s/);
    const cmd = execForm(hc!.args);
    expect(cmd.slice(0, 2)).toEqual(["node", "-e"]);
    expect(cmd[2]).toContain("/healthz");
  });

  it("runtime copies the standalone server, its static files, public/ and intents/ from the builder", () => {
    const { files } = runtimeFiles(df);
    expect(files.map((f) => [path.relative(ROOT, f.src), f.dest])).toEqual([
      [".next/standalone", ""],
      [".next/static", ".next/static"],
      ["public", "public"],
      ["intents", "intents"],
      ["scripts/hash-password.mjs", "scripts/hash-password.mjs"],
    ]);
    // Started as npm start starts it (scripts/server-runtime.json): same node flags and environment.
    const rt = JSON.parse(fs.readFileSync(path.join(ROOT, "scripts", "server-runtime.json"), "utf8")) as { nodeArgs: string[]; env: Record<string, string> };
    expect(execForm(runtime.instructions.find((i) => i.cmd === "CMD")!.args)).toEqual(["node", ...rt.nodeArgs, "server.js"]);
    const envs = Object.assign({}, ...runtime.instructions.filter((i) => i.cmd === "ENV").map((i) => keyValues(i.args)));
    for (const [k, v] of Object.entries(rt.env)) expect(envs[k]).toBe(v);
  });

  it("holds no secrets and wires the commit through a build argument", () => {
    for (const s of df.stages)
      for (const i of s.instructions.filter((x) => x.cmd === "ENV" || x.cmd === "ARG")) {
        for (const [k, v] of Object.entries(keyValues(i.args)))
          if (/PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE/i.test(k)) expect(v, `${i.cmd} ${k} on line ${i.line} carries a value`).toBe("");
      }
    for (const c of df.stages.flatMap((s) => copySteps(df, s))) expect(c.src).not.toMatch(/(^|\/)\.env|\.pem$|\.key$|id_rsa/);
    const builder = text(df.stage("builder"));
    expect(builder).toMatch(/ARG GIT_COMMIT/);
    expect(builder).toMatch(/ENV [^\n]*GIT_COMMIT=\$\{GIT_COMMIT\}/);
    // next.config.js turns GIT_COMMIT into ORESI_COMMIT (footer and /api/status).
    const prev = process.env.GIT_COMMIT;
    process.env.GIT_COMMIT = "0123456789ab";
    try {
      const cfgPath = path.join(ROOT, "next.config.js");
      const mod = { exports: {} as { env?: Record<string, string> } };
      new Function("module", "exports", "require", "__dirname", fs.readFileSync(cfgPath, "utf8"))(mod, mod.exports, createRequire(cfgPath), ROOT);
      expect(mod.exports.env).toMatchObject({ ORESI_COMMIT: "0123456789ab", ORESI_VERSION: pkg.version });
    } finally {
      if (prev === undefined) delete process.env.GIT_COMMIT;
      else process.env.GIT_COMMIT = prev;
    }
  });

  it("the parser reads continuation lines, comments and ARG substitution", () => {
    const d = parseDockerfile('ARG B=x:1.2.3\nFROM ${B} AS a\n# c\nRUN one \\\n  # inner\n  two\nENV A=1 B="two words"\n');
    expect(d.stages[0]).toMatchObject({ from: "x:1.2.3", name: "a" });
    expect(d.stages[0].instructions.map((i) => i.args)).toEqual(["one two", 'A=1 B="two words"']);
    expect(stageEnv(d.stages[0])).toEqual({ A: "1", B: "two words" });
  });
});

describe(".dockerignore", () => {
  const ignore = fs
    .readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

  it("lists secrets, state, dependencies, builds, git and tests", () => {
    for (const e of [".env*", "data/", "node_modules", ".next", ".git", "test/", "e2e/", "**/*.test.ts", "test-results/", "demo/"]) expect(ignore).toContain(e);
  });

  it("the Docker engine sends the sources and none of the rest (real build of a context)", () => {
    // A synthetic tree with this .dockerignore, built by the engine on a local test image.
    const ctx = tmp("ctx");
    const files = [
      "package.json",
      "package-lock.json",
      "next.config.js",
      "tsconfig.json",
      "app/page.tsx",
      "lib/a.ts",
      "public/favicon.svg",
      "intents/README.md",
      "components/ui/x.tsx",
      ".env",
      ".env.local",
      ".env.production",
      "data/oresi.db",
      "demo/stacks/x",
      "node_modules/x/index.js",
      ".next/BUILD_ID",
      ".git/HEAD",
      "test/a.test.ts",
      "e2e/x.spec.ts",
      "lib/a.test.ts",
      "lib/b.int.test.ts",
      "test-results/r.txt",
      "key.pem",
    ];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(ctx, f)), { recursive: true });
      fs.writeFileSync(path.join(ctx, f), "x");
    }
    fs.copyFileSync(path.join(ROOT, ".dockerignore"), path.join(ctx, ".dockerignore"));
    const tag = `oresitest-ctx-${crypto.randomBytes(3).toString("hex")}:1`;
    try {
      execFileSync("docker", ["build", "-q", "-t", tag, "-f", "-", ctx], {
        input: "FROM oresi-test/web:1.0.0\nCOPY . /ctx\n",
        env: { ...process.env, DOCKER_BUILDKIT: "0" },
        stdio: ["pipe", "ignore", "pipe"],
      });
      const listed = execFileSync("docker", ["run", "--rm", "--entrypoint", "/bin/find", tag, "/ctx", "-type", "f"], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => l.replace(/^\/ctx\//, ""))
        .sort();
      expect(listed).toEqual([
        "app/page.tsx",
        "components/ui/x.tsx",
        "intents/README.md",
        "lib/a.ts",
        "next.config.js",
        "package-lock.json",
        "package.json",
        "public/favicon.svg",
        "tsconfig.json",
      ]);
    } finally {
      spawnSync("docker", ["rmi", "-f", tag], { stdio: "ignore" });
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  });

  it("keeps what the Dockerfile copies from the context", () => {
    const fromContext = df.stages.flatMap((s) => copySteps(df, s)).filter((c) => !c.from && c.src !== ".");
    expect(fromContext.map((c) => c.src).sort()).toEqual(["package-lock.json", "package.json"]);
    for (const c of fromContext) expect(ignore).not.toContain(c.src);
    for (const dir of ["public", "intents", "app", "lib", "components"]) expect(ignore.some((e) => e.replace(/\/$/, "") === dir)).toBe(false);
  });
});

describe("docker-compose.example.yml", () => {
  function config(env: Record<string, string>): { status: number | null; out: string; err: string } {
    const dir = tmp("compose");
    fs.copyFileSync(path.join(ROOT, "docker-compose.example.yml"), path.join(dir, "compose.yml"));
    const r = spawnSync("docker-compose", ["-f", "compose.yml", "config"], {
      cwd: dir,
      env: { PATH: process.env.PATH!, HOME: dir, ...env } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, out: r.stdout, err: r.stderr };
  }
  const base = { ORESI_OWNER: "acme", ADMIN_USER: "admin", ADMIN_PASSWORD_HASH: "scrypt$32768$8$1$abc$def", CHATOPS_API_KEY: "0123456789abcdef01234567" };

  it("Compose parses it: image from GHCR, socket, stacks at the same path, intents read-only, data volume, healthcheck", () => {
    const r = config({ ...base, STACKS_DIR: "/srv/my-stacks", DOCKER_GID: "994" });
    expect(r.err).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    const c = YAML.parse(r.out);
    const svc = c.services.oresi;
    expect(svc.image).toBe(`ghcr.io/acme/oresi-releases:v${pkg.version}`);
    expect(svc.volumes).toEqual(
      expect.arrayContaining([
        "/var/run/docker.sock:/var/run/docker.sock:rw",
        "/srv/my-stacks:/srv/my-stacks:rw",
        expect.stringMatching(/\/intents:\/app\/intents:ro$/),
        "oresi-data:/data:rw",
      ]),
    );
    expect(c.volumes).toHaveProperty("oresi-data");
    expect(svc.environment).toMatchObject({
      STACKS_DIR: "/srv/my-stacks",
      DATA_DIR: "/data",
      CHATOPS_API_KEY: base.CHATOPS_API_KEY,
      CHATOPS_IP_ALLOWLIST: "100.64.0.0/10,fd7a:115c:a1e0::/48",
    });
    // The hash keeps its '$' signs (Compose prints a literal $ as $$).
    expect(svc.environment.ADMIN_PASSWORD_HASH.replaceAll("$$", "$")).toBe(base.ADMIN_PASSWORD_HASH);
    expect(svc.group_add).toEqual(["994"]);
    expect(svc.restart).toBe("unless-stopped");
    expect(svc.healthcheck.test.join(" ")).toContain("/healthz");
    expect(svc.ports).toEqual(["127.0.0.1:3000:3000/tcp"]);
  });

  it("binds to the address given (the Tailscale IP), never to every interface", () => {
    const c = YAML.parse(config({ ...base, ORESI_BIND: "100.101.102.103", ORESI_VERSION: "v9.9.9" }).out);
    expect(c.services.oresi.ports).toEqual(["100.101.102.103:3000:3000/tcp"]);
    expect(c.services.oresi.image).toBe("ghcr.io/acme/oresi-releases:v9.9.9");
    const raw = YAML.parse(fs.readFileSync(path.join(ROOT, "docker-compose.example.yml"), "utf8"));
    for (const p of raw.services.oresi.ports) expect(String(p)).toMatch(/^\$\{ORESI_BIND:-127\.0\.0\.1\}:/);
  });

  it("stops with a message naming a missing required value", () => {
    for (const missing of ["CHATOPS_API_KEY", "ORESI_OWNER"]) {
      const env: Record<string, string> = { ...base };
      delete env[missing];
      const r = config(env);
      expect(r.status).not.toBe(0);
      expect(r.err).toContain(missing);
    }
  });

  it("without an admin hash the first run generates one (both left empty, never half set)", () => {
    const r = config({ ORESI_OWNER: "acme", CHATOPS_API_KEY: base.CHATOPS_API_KEY });
    expect(r.status).toBe(0);
    expect(YAML.parse(r.out).services.oresi.environment).toMatchObject({ ADMIN_USER: "", ADMIN_PASSWORD_HASH: "" });
  });
});

describe(".github/workflows/release.yml", () => {
  const wf = YAML.parse(fs.readFileSync(path.join(ROOT, ".github/workflows/release.yml"), "utf8"));
  type Step = { uses?: string; run?: string; with?: Record<string, string>; id?: string; if?: string; name?: string };
  const imageSteps: Step[] = wf.jobs.image.steps;
  const step = (action: string) => {
    const s = imageSteps.find((x) => x.uses?.startsWith(action + "@"));
    expect(s, action).toBeDefined();
    return s!;
  };
  const globMatch = (glob: string, s: string) => new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`).test(s);

  it("runs on pushes to main and on release tags vX.Y.Z", () => {
    expect(wf.on.push.branches).toContain("main");
    const tags: string[] = wf.on.push.tags;
    expect(tags.some((t) => globMatch(t, "v1.2.3"))).toBe(true);
    expect(tags.some((t) => globMatch(t, "v10.20.30"))).toBe(true);
    expect(tags.some((t) => globMatch(t, "nightly"))).toBe(false);
  });

  it("tests first with the repository's test command, then builds", () => {
    const runs = (wf.jobs.test.steps as Step[]).map((s) => s.run ?? "").join("\n");
    expect(runs).toMatch(/bash \.ci\/run|npm test/);
    expect(fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8")).toMatch(/npm test/);
    expect(pkg.scripts.test).toBe("bash scripts/test.sh");
    expect(wf.jobs.image.needs).toBe("test");
    expect(wf.jobs.image.if).toMatch(/github\.event_name == 'push'/);
  });

  it("pushes to GHCR with the workflow token and packages: write", () => {
    expect(wf.jobs.image.permissions).toMatchObject({ packages: "write", contents: "read" });
    expect(wf.permissions).toMatchObject({ contents: "read" });
    expect(wf.env.IMAGE).toBe("ghcr.io/${{ github.repository_owner }}/oresi-releases");
    expect(step("docker/login-action").with).toMatchObject({ registry: "ghcr.io", password: "${{ secrets.GITHUB_TOKEN }}" });
    step("docker/setup-qemu-action");
    step("docker/setup-buildx-action");
    const build = step("docker/build-push-action").with!;
    expect(
      String(build.platforms)
        .split(",")
        .map((p) => p.trim()),
    ).toEqual(["linux/amd64", "linux/arm64"]);
    expect(build.push).toBe(true);
    expect(build.tags).toBe("${{ steps.meta.outputs.tags }}");
    expect(build["build-args"]).toMatch(/GIT_COMMIT=\$\{\{ steps\.newest\.outputs\.commit \}\}/);
  });

  it("tags :main, :<git-sha>, :vX.Y.Z and :latest for the newest release only", () => {
    const meta = step("docker/metadata-action").with!;
    expect(meta.images).toBe("${{ env.IMAGE }}");
    const rules = meta.tags
      .trim()
      .split("\n")
      .map((l) => l.trim());
    expect(rules).toEqual([
      "type=ref,event=branch",
      "type=sha,prefix=,format=long",
      "type=semver,pattern=v{{version}}",
      "type=raw,value=latest,enable=${{ steps.newest.outputs.latest == 'true' }}",
    ]);
    expect(meta.flavor.trim()).toBe("latest=false");
  });

  function runStep(
    id: string | undefined,
    name: string | undefined,
    cwd: string,
    ref: string,
  ): { status: number | null; out: Record<string, string>; err: string } {
    const s = imageSteps.find((x) => (id && x.id === id) || (name && x.name === name));
    expect(s?.run).toBeDefined();
    const outFile = path.join(cwd, ".gh-output");
    fs.writeFileSync(outFile, "");
    const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", s!.run!], {
      cwd,
      env: { ...process.env, ...GIT_ENV, GITHUB_REF: ref, GITHUB_OUTPUT: outFile },
      encoding: "utf8",
    });
    const out = Object.fromEntries(
      fs
        .readFileSync(outFile, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("=", 2) as [string, string]),
    );
    return { status: r.status, out, err: r.stderr + r.stdout };
  }

  it("the newest-release step marks only the highest vX.Y.Z as latest (run for real)", () => {
    const dir = tmp("wf");
    try {
      const git = (...a: string[]) => execFileSync("git", a, { cwd: dir, env: { ...process.env, ...GIT_ENV } });
      git("init", "-q", "-b", "main");
      git("commit", "-q", "--allow-empty", "-m", "one");
      for (const t of ["v1.2.0", "v1.10.0", "v1.9.3", "v2.0.0-rc.1"]) git("tag", "-a", t, "-m", t);
      const head = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
      const cases: [string, string][] = [
        ["refs/tags/v1.10.0", "true"], // 1.10 > 1.9: version order, not text order
        ["refs/tags/v1.9.3", "false"], // a patch of an older line
        ["refs/tags/v2.0.0-rc.1", "false"], // pre-releases never become latest
        ["refs/heads/main", "false"],
      ];
      for (const [ref, want] of cases) {
        const r = runStep("newest", undefined, dir, ref);
        expect(r.status, r.err).toBe(0);
        expect(r.out, ref).toEqual({ latest: want, commit: head });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a release tag must match package.json's version (run for real)", () => {
    const dir = tmp("wfv");
    try {
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ version: "1.4.0" }));
      const name = "A release tag must match package.json's version";
      expect(runStep(undefined, name, dir, "refs/tags/v1.4.0").status).toBe(0);
      const bad = runStep(undefined, name, dir, "refs/tags/v1.5.0");
      expect(bad.status).not.toBe(0);
      expect(bad.err).toContain("package.json says v1.4.0");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("our own releases", () => {
  const changelog = fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8");

  it("CHANGELOG.md keeps the Keep a Changelog form", () => {
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain("https://keepachangelog.com/en/1.1.0/");
    const headings = [...changelog.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings[0]).toBe("[Unreleased]");
    const versions: string[] = [];
    for (const h of headings.slice(1)) {
      const m = /^\[(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\] - (\d{4}-\d{2}-\d{2})$/.exec(h);
      expect(m, `release heading "${h}" is "[X.Y.Z] - YYYY-MM-DD"`).not.toBeNull();
      versions.push(m![1]);
    }
    for (const s of changelog.matchAll(/^### (.+)$/gm)) expect(["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]).toContain(s[1]);
    // Newest first, and package.json carries the newest released version (or a later one).
    const cmp = (a: string, b: string) => {
      const pa = a.split(/[.-]/).map(Number);
      const pb = b.split(/[.-]/).map(Number);
      for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
      return 0;
    };
    for (let i = 1; i < versions.length; i++) expect(cmp(versions[i - 1], versions[i])).toBeGreaterThan(0);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    if (versions.length) expect(cmp(pkg.version, versions[0])).toBeGreaterThanOrEqual(0);
  });
});
