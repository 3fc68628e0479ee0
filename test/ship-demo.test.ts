// npm run demo, without the dashboard: the sample stacks repository (real git, bare origin),
// its busybox images on the real engine, the deployed release up; a second run reuses it all;
// --reset starts over; the broken release's image really turns unhealthy.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir, runPrefix, removeProjects } from "../e2e/fixtures/sandbox";
// @ts-expect-error: a plain ES module script (scripts/ is not type-checked)
import { DEMO_DEPLOYED, DEMO_IMAGES, prepareDemo } from "../scripts/demo-lib.mjs";

const prefix = runPrefix("demo");
const dir = path.join(makeTempDir("demo"), "demo");
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
const containers = (project: string) =>
  execFileSync("docker", ["ps", "-a", "--filter", `label=com.docker.compose.project=${project}`, "--format", "{{.ID}} {{.Image}} {{.State}}"], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .filter(Boolean);

async function until<T>(what: string, fn: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

afterAll(() => {
  removeProjects(prefix + "-");
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe("npm run demo (repository, images, deployed release)", () => {
  type Demo = { work: string; origin: string; dataDir: string; stacks: string[]; releases: string[]; created: boolean; started: string[]; firstRun: boolean };
  let first: Demo;

  it("makes three stacks, four annotated releases pushed to a bare origin, and brings v1.1.0 up", async () => {
    first = prepareDemo({ dir, prefix });
    expect(first.created).toBe(true);
    expect(first.stacks).toEqual([`${prefix}-web`, `${prefix}-api`, `${prefix}-cache`]);
    for (const s of first.stacks) expect(fs.readdirSync(path.join(first.work, s))).toContain("compose.yaml");
    expect(git(first.work, "tag", "--list", "v*", "--sort=v:refname").split("\n")).toEqual(["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"]);
    for (const t of first.releases) expect(git(first.work, "cat-file", "-t", t)).toBe("tag"); // annotated
    expect(git(first.origin, "rev-parse", "--is-bare-repository")).toBe("true");
    const remoteTags = git(first.work, "ls-remote", "--tags", "origin");
    for (const t of first.releases) expect(remoteTags).toContain(`refs/tags/${t}`);
    expect(git(first.work, "rev-parse", "origin/main")).toBe(git(first.work, "rev-parse", "v1.3.0^{commit}"));
    // Deployed: HEAD detached at v1.1.0 (then v1.2.0 passes, v1.3.0 fails, Roll back has a target), a clean work tree.
    expect(DEMO_DEPLOYED).toBe("v1.1.0");
    expect(git(first.work, "rev-parse", "HEAD")).toBe(git(first.work, "rev-parse", "v1.1.0^{commit}"));
    expect(git(first.work, "status", "--porcelain")).toBe("");
    // v1.3.0 changes only the web stack, to the broken image.
    expect(git(first.work, "diff", "--name-only", "v1.2.0", "v1.3.0").split("\n").sort()).toEqual(["CHANGELOG.md", `${prefix}-web/.env`]);
    expect(git(first.work, "show", `v1.3.0:${prefix}-web/.env`)).toContain("WEB_TAG=2.0.0");
    // The release's stacks run the release's images and turn healthy.
    const want: Record<string, string> = { web: "oresi-demo/web:1.1.0", api: "oresi-demo/api:1.0.0", cache: "oresi-demo/cache:1.0.0" };
    for (const [short, image] of Object.entries(want)) {
      const rows = containers(`${prefix}-${short}`);
      expect(rows).toHaveLength(1);
      expect(rows[0].split(" ")[1]).toBe(image);
      const id = rows[0].split(" ")[0];
      await until(`${short} healthy`, () => {
        const h = execFileSync("docker", ["inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", id], { encoding: "utf8" }).trim();
        return h === "healthy" ? h : undefined;
      });
    }
  });

  it("builds every image from busybox, labelled with its version", () => {
    for (const img of DEMO_IMAGES as { ref: string }[]) {
      const v = execFileSync("docker", ["image", "inspect", "-f", '{{index .Config.Labels "org.opencontainers.image.version"}}', img.ref], {
        encoding: "utf8",
      }).trim();
      expect(v).toBe(img.ref.split(":")[1]);
    }
  });

  it("the broken release's image really fails its healthcheck", async () => {
    const name = `${prefix}-broken-probe`;
    execFileSync("docker", ["run", "-d", "--name", name, "--label", `com.docker.compose.project=${prefix}-probe`, "oresi-demo/web:2.0.0"], { stdio: "ignore" });
    try {
      const status = await until("unhealthy", () => {
        const h = execFileSync("docker", ["inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", name], { encoding: "utf8" }).trim();
        return h === "unhealthy" || h === "healthy" ? h : undefined;
      });
      expect(status).toBe("unhealthy");
    } finally {
      spawnSync("docker", ["rm", "-f", name], { stdio: "ignore" });
    }
  });

  it("a second run reuses the repository and the running containers", () => {
    const before = first.stacks.map((s) => containers(s)[0].split(" ")[0]);
    const tagSha = git(first.work, "rev-parse", "v1.3.0");
    fs.mkdirSync(first.dataDir, { recursive: true });
    fs.writeFileSync(path.join(first.dataDir, "oresi.db"), ""); // the dashboard has state now
    git(first.work, "checkout", "-q", "--detach", "v1.2.0"); // …and rolled out v1.2.0
    const again = prepareDemo({ dir, prefix });
    expect(again.created).toBe(false);
    expect(again.firstRun).toBe(false);
    expect(git(first.work, "rev-parse", "v1.3.0")).toBe(tagSha);
    expect(git(first.work, "rev-parse", "HEAD")).toBe(git(first.work, "rev-parse", "v1.2.0^{commit}")); // left where the dashboard put it
    // api's image differs between v1.1.0 and v1.2.0, so only api was recreated (at v1.2.0's image); web and cache kept their containers.
    const after = first.stacks.map((s) => containers(s)[0].split(" ")[0]);
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe(before[2]);
    expect(containers(`${prefix}-api`)[0].split(" ")[1]).toBe("oresi-demo/api:1.1.0");
  });

  it("--reset starts over; a folder the demo did not make is never removed", () => {
    const oldTag = git(first.work, "rev-parse", "v1.0.0");
    const fresh = prepareDemo({ dir, prefix, reset: true, up: false });
    expect(fresh.created).toBe(true);
    expect(fresh.firstRun).toBe(true);
    expect(git(fresh.work, "rev-parse", "v1.0.0")).not.toBe(oldTag);
    for (const s of fresh.stacks) expect(containers(s)).toEqual([]);
    const foreign = makeTempDir("not-demo");
    fs.writeFileSync(path.join(foreign, "keep.txt"), "mine");
    try {
      expect(() => prepareDemo({ dir: foreign, prefix, reset: true, up: false })).toThrow(/not made by the demo/);
      expect(() => prepareDemo({ dir: foreign, prefix, up: false })).toThrow(/not made by the demo/);
      expect(fs.readFileSync(path.join(foreign, "keep.txt"), "utf8")).toBe("mine");
    } finally {
      fs.rmSync(foreign, { recursive: true, force: true });
    }
  });
});
