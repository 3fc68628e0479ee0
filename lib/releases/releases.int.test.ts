import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, composeFile, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import type { Caller } from "../access/caller";
import { fetchOrigin } from "../git/remote";
import { listReleases } from "../git/tags";
import { createRelease } from "./create";
import { getRelease } from "./detail";
import { releaseDiff } from "./diff";
import { releasePage } from "./list";
import { prepareRelease } from "./prepare";

let repo: StacksRepo;
let dataDir: string;
const admin: Caller = { kind: "user", name: "Bob Builder", role: "admin", ip: "127.0.0.1" };

beforeAll(() => {
  repo = createStacksRepo({ tag: "rel" });
  dataDir = makeTempDir("data");
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = dataDir;
  process.env.GIT_TIMEOUT = "30s";
  reloadConfig();
  const web = repo.stack("web");
  // v1.2.0: jellyfin-like image bump through ${VAR:-default}, a changed secret, a new stack.
  repo.commit(
    {
      [`${web}/docker-compose.yml`]: composeFile("oresi-test/web:${WEB_TAG:-1.0.0}", { kuma: ["Web OK (200)"] }),
      [`${web}/.env`]: "WEB_TAG=1.2.0\nAPP_MODE=prod\nDB_PASSWORD=new-secret-value\n",
      [`${repo.stack("media")}/compose.yaml`]: composeFile("jellyfin/jellyfin:${JF}"),
      [`${repo.stack("media")}/.env`]: "JF=10.8.13\n",
    },
    "web 1.2.0, add media",
  );
  repo.tag("v1.2.0", "Release v1.2.0");
  repo.commit({ [`${repo.stack("media")}/.env`]: "JF=10.9.1\n" }, "media: jellyfin 10.9.1");
  repo.git("tag", "v1.3.0-rc.1"); // lightweight pre-release
  repo.git("push", "-q", "origin", "v1.3.0-rc.1");
});
afterAll(() => {
  repo.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("release list and details", () => {
  it("summarises each release: changed stacks vs the previous one and image changes", async () => {
    const page = await releasePage();
    expect(page.releases.map((r) => r.tag)).toEqual(["v1.3.0-rc.1", "v1.2.0", "v1.1.0", "v1.0.0"]);
    const byTag = Object.fromEntries(page.releases.map((r) => [r.tag, r]));
    expect(byTag["v1.3.0-rc.1"]).toMatchObject({ annotated: false, prerelease: true });
    expect(byTag["v1.1.0"].summary).toMatchObject({ previous: "v1.0.0", changes: { changed: [repo.stack("web")], added: [], removed: [] } });
    expect(byTag["v1.1.0"].summary!.images.map((i) => i.label)).toEqual(["web 1.0.0 → 1.1.0"]);
    expect(byTag["v1.2.0"].summary!.changes).toMatchObject({ added: [repo.stack("media")], changed: [repo.stack("web")] });
    expect(byTag["v1.2.0"].summary!.images.map((i) => i.label).sort()).toEqual(["jellyfin 10.8.13 added", "web 1.1.0 → 1.2.0"]);
    expect(byTag["v1.3.0-rc.1"].summary!.images.map((i) => i.label)).toEqual(["jellyfin 10.8.13 → 10.9.1"]);
    expect(byTag["v1.0.0"].summary!.changes.added).toHaveLength(3);
    const search = await releasePage({ q: "web 1.0.0 → 1.1.0" });
    expect(search.releases.map((r) => r.tag)).toEqual(["v1.1.0"]);
  });

  it("shows a release's message and its CHANGELOG.md section", async () => {
    const d = await getRelease("v1.1.0");
    expect(d.release.message).toContain("web 1.0.0 → 1.1.0");
    expect(d.changelog).toBe("- web: update to 1.1.0");
    expect(d.previous?.tag).toBe("v1.0.0");
    expect(d.next?.tag).toBe("v1.2.0");
    expect(d.deployed).toMatchObject({ source: "head", tag: "v1.3.0-rc.1" });
    await expect(getRelease("v9.0.0")).rejects.toMatchObject({ code: "not_found" });
    await expect(getRelease("--upload-pack=x")).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("diff", () => {
  it("diffs compose and env files per stack with secret values masked on both sides", async () => {
    const d = await releaseDiff("v1.1.0", "v1.2.0");
    expect(d.stacks.map((s) => [s.name, s.change])).toEqual([
      [repo.stack("media"), "added"],
      [repo.stack("web"), "changed"],
    ]);
    const web = d.stacks.find((s) => s.name === repo.stack("web"))!;
    const env = web.files.find((f) => f.path.endsWith(".env"))!;
    expect(env.unified).toContain("-WEB_TAG=1.1.0");
    expect(env.unified).toContain("+WEB_TAG=1.2.0");
    expect(env.unified).toContain("+DB_PASSWORD=•••••••• (changed)");
    const all = JSON.stringify(d);
    expect(all).not.toContain("hunter2");
    expect(all).not.toContain("new-secret-value");
    const compose = web.files.find((f) => f.path.endsWith("docker-compose.yml"))!;
    expect(compose.unified).toContain("+    image: oresi-test/web:${WEB_TAG:-1.0.0}");
    const api = await releaseDiff("v1.0.0", "v1.0.0");
    expect(api.stacks).toEqual([]);
    const vsDeployed = await releaseDiff("v1.0.0", "deployed");
    expect(vsDeployed.to.tag).toBe("v1.3.0-rc.1");
    expect(JSON.stringify(vsDeployed)).not.toContain("tok-abcdef123456");
    await expect(releaseDiff("v1;rm -rf /", "v1.0.0")).rejects.toMatchObject({ code: "bad_request" });
  });
});

// ---- tagging ----------------------------------------------------------------
function snapshot() {
  const g = (...a: string[]) => repo.git(...a);
  return {
    local: g("for-each-ref", "--format=%(refname) %(objectname)", "refs/tags"),
    remote: execFileSync("git", ["--git-dir", repo.origin, "for-each-ref", "--format=%(refname) %(objectname)"], { encoding: "utf8" }),
    head: g("rev-parse", "HEAD"),
    status: g("status", "--porcelain"),
  };
}

describe("createRelease", () => {
  it("drafts notes grouped by stack and suggests versions", async () => {
    const d = await prepareRelease();
    expect(d.fetched).toBe(true);
    expect(d.suggestions).toMatchObject({ base: "v1.3.0-rc.1", patch: "v1.3.0", minor: "v1.3.0", major: "v2.0.0" });
    expect(d.notes.groups.map((g) => g.stack)).toEqual([repo.stack("media")]);
    expect(d.notes.markdown).toContain(`### ${repo.stack("media")}\n\n- media: jellyfin 10.9.1 (`);
  });

  it.each([
    ["not a semantic version", { tag: "1.4.0" }, "bad_request", /not a semantic version/],
    ["an injection as a name", { tag: "--upload-pack=x" }, "bad_request", /not a semantic version/],
    ["a shell string", { tag: "v1;rm -rf /" }, "bad_request", /not a semantic version/],
    ["an existing local tag", { tag: "v1.2.0" }, "conflict", /already exists in the local repository/],
    ["not greater than the newest", { tag: "v1.1.1" }, "conflict", /not greater than the newest release v1.3.0-rc.1/],
    ["a commit that is not on main", { tag: "v1.4.0", ref: "SIDE" }, "preflight_failed", /is not on origin\/main/],
    ["a bad commit", { tag: "v1.4.0", ref: "HEAD~1" }, "bad_request", /is not a commit/],
  ])("refuses %s and changes nothing", async (_n, given, code, msg) => {
    let input: { tag: string; ref?: string } = given;
    if (input.ref === "SIDE") {
      repo.git("checkout", "-q", "-b", "side");
      fs.writeFileSync(path.join(repo.dir, "side.txt"), "x");
      repo.git("add", "side.txt");
      repo.git("commit", "-q", "-m", "side");
      input = { ...input, ref: repo.git("rev-parse", "HEAD") };
      repo.git("checkout", "-q", "main");
    }
    const before = snapshot();
    await expect(createRelease(input, admin)).rejects.toMatchObject({ code, message: expect.stringMatching(msg) });
    expect(snapshot()).toEqual(before);
  });

  it("refuses a tag that exists only on origin, and changes nothing", async () => {
    const up = repo.upstreamClone();
    up.tag("v1.5.0", "made elsewhere");
    const before = snapshot();
    await expect(createRelease({ tag: "v1.5.0" }, admin)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/already exists on origin/),
    });
    expect(snapshot()).toEqual(before);
    execFileSync("git", ["--git-dir", repo.origin, "tag", "-d", "v1.5.0"]);
  });

  it("removes the local tag again when the push fails, naming the remote", async () => {
    const hook = path.join(repo.origin, "hooks", "pre-receive");
    fs.writeFileSync(hook, "#!/bin/sh\necho 'tags are frozen' >&2\nexit 1\n", { mode: 0o755 });
    const before = snapshot();
    try {
      const err = await createRelease({ tag: "v1.4.0" }, admin).catch((e) => e);
      expect(err).toMatchObject({ code: "upstream_error" });
      expect(err.message).toMatch(/^Pushing to origin \(.*origin\.git\) failed/);
      expect(snapshot()).toEqual(before);
      expect((await listReleases()).byTag.has("v1.4.0")).toBe(false);
    } finally {
      fs.rmSync(hook);
    }
  });

  it("tags origin/main with an annotated tag by the signed-in person and pushes it", async () => {
    const up = repo.upstreamClone();
    const tip = up.commit({ [`${repo.stack("api")}/compose.yaml`]: composeFile("oresi-test/api:1.1.0") }, "api 1.1.0");
    const headBefore = repo.git("rev-parse", "HEAD");
    const r = await createRelease({ tag: "v1.4.0", message: "Release v1.4.0\n\n### api\n- api 1.1.0" }, admin);
    expect(r.release).toMatchObject({ tag: "v1.4.0", sha: tip, annotated: true, tagger: { name: "Bob Builder", email: "oresi@localhost" } });
    expect(r.release.message).toContain("### api"); // markdown headings survive (no comment stripping)
    expect(execFileSync("git", ["--git-dir", repo.origin, "rev-parse", "v1.4.0^{commit}"], { encoding: "utf8" }).trim()).toBe(tip);
    expect(repo.git("rev-parse", "HEAD")).toBe(headBefore); // work tree untouched
    await expect(createRelease({ tag: "v1.4.0" }, admin)).rejects.toMatchObject({ code: "conflict" });
  });

  it("tags an older commit of main as a backport when confirmed", async () => {
    const v110 = repo.git("rev-parse", "v1.1.0^{commit}");
    await expect(createRelease({ tag: "v1.1.1", ref: v110 }, admin)).rejects.toMatchObject({ code: "conflict" });
    const r = await createRelease({ tag: "v1.1.1", ref: v110, backport: true, message: "Backport" }, admin);
    expect(r.release.sha).toBe(v110);
  });

  it("commits a CHANGELOG.md section and pushes it before the tag", async () => {
    const up = repo.upstreamClone();
    up.commit({ [`${repo.stack("web")}/.env`]: "WEB_TAG=1.5.0\nAPP_MODE=prod\nDB_PASSWORD=x\n" }, "web 1.5.0");
    const headBefore = repo.git("rev-parse", "HEAD");
    const r = await createRelease({ tag: "v1.5.0", changelog: true }, admin);
    expect(r.changelogCommit).toBe(r.release.sha);
    const originMain = execFileSync("git", ["--git-dir", repo.origin, "rev-parse", "main"], { encoding: "utf8" }).trim();
    expect(originMain).toBe(r.changelogCommit);
    const cl = execFileSync("git", ["--git-dir", repo.origin, "show", "main:CHANGELOG.md"], { encoding: "utf8" });
    expect(cl).toMatch(new RegExp(`## \\[1\\.5\\.0\\] - \\d{4}-\\d\\d-\\d\\d\\n\\n### ${repo.stack("web")}\\n\\n- web 1\\.5\\.0 \\(`));
    expect(cl.indexOf("## [1.5.0]")).toBeLessThan(cl.indexOf("## [1.1.0]"));
    expect(execFileSync("git", ["--git-dir", repo.origin, "log", "-1", "--format=%an %s", "main"], { encoding: "utf8" }).trim()).toBe(
      "Bob Builder Add v1.5.0 to CHANGELOG.md",
    );
    expect(repo.git("rev-parse", "HEAD")).toBe(headBefore);
    expect((await getRelease("v1.5.0")).changelog).toContain("- web 1.5.0 (");
    await fetchOrigin();
  });
});
