import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, composeFile, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { reloadConfig } from "../config";
import { changedStacks } from "./changes";
import { fetchOrigin, lsRemoteTags } from "./remote";
import { checkoutDetached, dirtyFiles, repoState, resolveCommit } from "./state";
import { listReleases, resolveRelease } from "./tags";

let repo: StacksRepo;
beforeAll(() => {
  repo = createStacksRepo({ tag: "git" });
  process.env.STACKS_DIR = repo.dir;
  process.env.GIT_TIMEOUT = "30s";
  reloadConfig();
});
afterAll(() => repo.cleanup());

const rev = (r: string) => repo.git("rev-parse", `${r}^{commit}`);

describe("listReleases", () => {
  it("lists version tags newest first, marks lightweight and pre-releases, keeps other tags apart", async () => {
    repo.tag("v1.2.0-rc.1", "Release candidate");
    repo.git("tag", "v0.9.0", rev("v1.0.0")); // lightweight
    repo.git("tag", "nightly");
    repo.git("tag", "-a", "not-a-version", "-m", "x");
    const list = await listReleases();
    expect(list.releases.map((r) => r.tag)).toEqual(["v1.2.0-rc.1", "v1.1.0", "v1.0.0", "v0.9.0"]);
    const v110 = list.byTag.get("v1.1.0")!;
    expect(v110).toMatchObject({
      annotated: true,
      sha: rev("v1.1.0"),
      subject: "Release v1.1.0",
      tagger: { name: "Alice Admin", email: "alice@example.test" },
    });
    expect(v110.message).toContain("web 1.0.0 → 1.1.0");
    expect(list.byTag.get("v0.9.0")).toMatchObject({ annotated: false, sha: rev("v1.0.0"), subject: "Add web, api and cache stacks" });
    expect(list.byTag.get("v1.2.0-rc.1")!.prerelease).toBe(true);
    expect(list.others.map((o) => o.name).sort()).toEqual(["nightly", "not-a-version"]);
  });

  it("serves the cached list until a tag changes, then re-reads", async () => {
    const a = await listReleases();
    expect(await listReleases()).toBe(a);
    repo.git("tag", "-a", "v1.1.1", "-m", "Patch", rev("v1.1.0"));
    const b = await listReleases();
    expect(b).not.toBe(a);
    expect(b.byTag.has("v1.1.1")).toBe(true);
    repo.git("tag", "-d", "v1.1.1");
    expect((await listReleases()).byTag.has("v1.1.1")).toBe(false);
    repo.git("pack-refs", "--all");
    const c = await listReleases();
    expect(c.releases.map((r) => r.tag)).toEqual(["v1.2.0-rc.1", "v1.1.0", "v1.0.0", "v0.9.0"]);
  });

  it("resolves a release to its commit, 404 for an unknown one, 400 for a bad name", async () => {
    expect(await resolveRelease("v1.0.0")).toBe(rev("v1.0.0"));
    await expect(resolveRelease("v9.9.9")).rejects.toMatchObject({ code: "not_found" });
    await expect(resolveRelease("--upload-pack=x")).rejects.toMatchObject({ code: "bad_request" });
    await expect(resolveCommit("v1;rm -rf /")).rejects.toMatchObject({ code: "bad_request" });
    expect(await resolveCommit(rev("v1.0.0").slice(0, 10))).toBe(rev("v1.0.0"));
  });
});

describe("repoState, dirtyFiles, checkoutDetached", () => {
  it("reports branch, HEAD, its release, ahead/behind origin and live edits", async () => {
    await fetchOrigin();
    let s = await repoState(0);
    expect(s).toMatchObject({ branch: "main", head: rev("HEAD"), headRelease: "v1.2.0-rc.1", ahead: 0, behind: 0, dirtyFiles: [] });
    const up = repo.upstreamClone();
    up.commit({ "README.md": "# changed upstream\n" }, "Upstream change");
    await fetchOrigin();
    s = await repoState(0);
    expect(s.behind).toBe(1);
    expect(s.ahead).toBe(0);
    fs.appendFileSync(path.join(repo.dir, repo.stack("web"), ".env"), "LIVE=1\n");
    fs.writeFileSync(path.join(repo.dir, repo.stack("web"), "new.txt"), "x");
    expect((await dirtyFiles()).sort()).toEqual([`${repo.stack("web")}/.env`, `${repo.stack("web")}/new.txt`]);
    expect((await repoState(0)).dirtyFiles).toHaveLength(2);
  });

  it("refuses to check out over live edits, then checks out a release detached", async () => {
    const before = rev("HEAD");
    await expect(checkoutDetached("v1.0.0")).rejects.toMatchObject({ code: "preflight_failed" });
    expect(rev("HEAD")).toBe(before);
    repo.git("checkout", "--", ".");
    fs.rmSync(path.join(repo.dir, repo.stack("web"), "new.txt"));
    expect(await checkoutDetached("v1.0.0")).toBe(rev("v1.0.0"));
    const s = await repoState(0);
    expect(s).toMatchObject({ branch: null, head: rev("v1.0.0"), headRelease: "v1.0.0" });
    expect(fs.readFileSync(path.join(repo.dir, repo.stack("web"), ".env"), "utf8")).toContain("WEB_TAG=1.0.0");
    await expect(checkoutDetached("v7.7.7")).rejects.toMatchObject({ code: "not_found" });
    repo.git("checkout", "-q", "main");
  });
});

describe("remote", () => {
  it("fetches new tags from origin and lists origin's tags without fetching", async () => {
    const up = repo.upstreamClone();
    up.commit({ [`${repo.stack("api")}/.env`]: "API_TOKEN=tok-2\n" }, "api change");
    up.tag("v1.3.0", "Release v1.3.0");
    const remote = await lsRemoteTags();
    expect(remote[0]).toMatchObject({ name: "v1.3.0", release: true, sha: up.git("rev-parse", "HEAD") });
    expect((await listReleases()).byTag.has("v1.3.0")).toBe(false);
    await fetchOrigin();
    expect(await resolveRelease("v1.3.0")).toBe(up.git("rev-parse", "HEAD"));
  });

  it("names the remote when it is unreachable, and never hangs", async () => {
    const srv = net.createServer(() => {
      /* accept and never answer */
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const url = repo.git("remote", "get-url", "origin");
    try {
      process.env.GIT_TIMEOUT = "1s";
      reloadConfig();
      repo.git("remote", "set-url", "origin", `git://127.0.0.1:${port}/stacks.git`);
      const t0 = Date.now();
      await expect(fetchOrigin()).rejects.toMatchObject({ code: "timeout", message: expect.stringContaining(`origin (git://127.0.0.1:${port}/stacks.git)`) });
      expect(Date.now() - t0).toBeLessThan(5000);
      repo.git("remote", "set-url", "origin", "https://user:s3cr3t-token@127.0.0.1:1/stacks.git");
      const err = await lsRemoteTags().catch((e) => e);
      expect(err).toMatchObject({ code: "upstream_error" });
      expect(err.message).toContain("origin (https://***@127.0.0.1:1/stacks.git)");
      expect(err.message).not.toContain("s3cr3t");
    } finally {
      srv.close();
      repo.git("remote", "set-url", "origin", url);
      process.env.GIT_TIMEOUT = "30s";
      reloadConfig();
    }
  });
});

describe("changedStacks", () => {
  it("reports changed, added and removed stacks between releases", async () => {
    expect(await changedStacks("v1.0.0", "v1.1.0")).toMatchObject({ added: [], removed: [], changed: [repo.stack("web")], other: ["CHANGELOG.md"] });
    const first = await changedStacks(null, "v1.0.0");
    expect(first.added.sort()).toEqual([repo.stack("api"), repo.stack("cache"), repo.stack("web")].sort());
    repo.git("checkout", "-q", "main");
    repo.git("pull", "-q", "origin", "main");
    repo.commit({ [`${repo.stack("cache")}`]: null, [`${repo.stack("media")}/compose.yaml`]: composeFile("oresi-test/web:1.1.0") }, "swap cache for media");
    repo.tag("v1.4.0");
    const c = await changedStacks("v1.3.0", "v1.4.0");
    expect(c).toMatchObject({ added: [repo.stack("media")], removed: [repo.stack("cache")], changed: [] });
  });
});
