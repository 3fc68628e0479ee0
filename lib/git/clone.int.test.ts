import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { cloneUrl, startClone } from "./clone";
import { runGit } from "./client";
import { isGitRepo } from "./gitdir";
import { listReleases } from "./tags";
import { startGitHttpServer, type GitHttpServer } from "./testing-http";

// A real smart-HTTP git server (git http-backend as CGI) that demands a token, like GitHub does.
const TOKEN = "ghp_test-token-0123456789";
let repo: StacksRepo;
let srv: GitHttpServer;
let base: string;
let root: string;
let seenAuth: string[];

beforeAll(async () => {
  repo = createStacksRepo({ tag: "clone" });
  root = makeTempDir("clone");
  srv = await startGitHttpServer(path.dirname(repo.origin), TOKEN);
  base = srv.url;
  seenAuth = srv.seenAuth;
  // these tests clone over plain http:// from loopback: allowed only with GIT_ALLOW_HTTP
  process.env.GIT_ALLOW_HTTP = "1";
  reloadConfig();
});
afterAll(async () => {
  delete process.env.GIT_ALLOW_HTTP;
  reloadConfig();
  await srv.close();
  repo.cleanup();
  fs.rmSync(root, { recursive: true, force: true });
});

function useStacksDir(dir: string, token?: string) {
  process.env.STACKS_DIR = dir;
  if (token) process.env.GIT_HTTPS_TOKEN = token;
  else delete process.env.GIT_HTTPS_TOKEN;
  reloadConfig();
}

describe("first run: clone", () => {
  it("validates the URL before git sees it", () => {
    for (const bad of ["--upload-pack=touch /tmp/x", "ext::sh -c id", "file:///etc", "https://user:pw@host/x.git", "http://h/a b", "git@host:../../etc"]) {
      expect(() => cloneUrl(bad)).toThrow();
    }
    expect(() => cloneUrl("https://user:pw@host/x.git")).toThrow(/Do not put credentials/);
    expect(cloneUrl("git@github.com:me/stacks.git")).toBe("git@github.com:me/stacks.git");
    expect(cloneUrl("https://github.com/me/stacks.git")).toBe("https://github.com/me/stacks.git");
  });

  it("clones over HTTPS-style smart HTTP with the token from the configuration, into place", async () => {
    const dir = path.join(root, "stacks-a");
    useStacksDir(dir, TOKEN);
    const { job, wait } = startClone(`${base}/origin.git`);
    expect(job.state).toBe("running");
    const done = await wait;
    expect(done).toMatchObject({ state: "done", error: null });
    expect(isGitRepo(dir)).toBe(true);
    expect(fs.existsSync(path.join(dir, repo.stack("web"), ".env"))).toBe(true);
    expect((await listReleases()).releases.map((r) => r.tag)).toEqual(["v1.1.0", "v1.0.0"]);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".oresi-clone-"))).toEqual([]);
    expect(JSON.stringify(done)).not.toContain(TOKEN);
  });

  it("clones into an existing empty folder (a mount point) without leaving a temp folder", async () => {
    const dir = path.join(root, "stacks-b");
    fs.mkdirSync(dir);
    useStacksDir(dir, TOKEN);
    expect((await startClone(`${base}/origin.git`).wait).state).toBe("done");
    expect(fs.readdirSync(dir).sort()).toEqual([".git", "CHANGELOG.md", "README.md", repo.stack("api"), repo.stack("cache"), repo.stack("web")].sort());
  });

  it("fails clearly with a wrong token and leaves nothing behind; the token never shows", async () => {
    const dir = path.join(root, "stacks-c");
    useStacksDir(dir, "wrong-token-secret");
    const done = await startClone(`${base}/origin.git`).wait;
    expect(done.state).toBe("failed");
    expect(done.error).toMatch(/^Cloning http:\/\/127\.0\.0\.1:\d+\/origin\.git failed: /);
    expect(done.error).not.toContain("wrong-token-secret");
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".oresi-clone-"))).toEqual([]);
    expect(seenAuth.some((a) => a.includes(Buffer.from("x-access-token:wrong-token-secret").toString("base64")))).toBe(true);
  });

  it("refuses a folder that is already a repository or not empty", () => {
    useStacksDir(repo.dir);
    expect(() => startClone(`${base}/origin.git`)).toThrow(/already a git repository/);
    const dir = path.join(root, "stacks-d");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "keep.txt"), "x");
    useStacksDir(dir);
    expect(() => startClone(`${base}/origin.git`)).toThrow(/is not empty/);
    expect(fs.readdirSync(dir)).toEqual(["keep.txt"]);
  });

  it("refuses a plain http:// remote unless GIT_ALLOW_HTTP is set, with a 400 saying so", () => {
    delete process.env.GIT_ALLOW_HTTP;
    reloadConfig();
    try {
      let err: unknown;
      try {
        cloneUrl("http://git.example.com/me/stacks.git");
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: "bad_request", status: 400 });
      expect((err as Error).message).toMatch(/plain http:\/\/.*GIT_ALLOW_HTTP=1/);
      const dir = path.join(root, "stacks-http");
      useStacksDir(dir, TOKEN);
      expect(() => startClone(`${base}/origin.git`)).toThrow(/GIT_ALLOW_HTTP/);
      expect(fs.existsSync(dir)).toBe(false);
      expect(cloneUrl("https://git.example.com/me/stacks.git")).toBe("https://git.example.com/me/stacks.git");
    } finally {
      process.env.GIT_ALLOW_HTTP = "1";
      reloadConfig();
    }
  });

  it("sends the token only to the configured remote's host: not to another server, not after a redirect", async () => {
    const other = await startGitHttpServer(path.dirname(repo.origin), TOKEN);
    const tokenSeen = (list: string[]) => list.some((a) => a.includes(Buffer.from(`x-access-token:${TOKEN}`).toString("base64")));
    // a redirect server on another host name: /x.git/... -> the other server
    const http = await import("node:http");
    const redirector = http.createServer((req, res) => {
      res.writeHead(302, { Location: `${other.url.replace("127.0.0.1", "localhost")}${req.url!.replace("/x.git", "/origin.git")}` }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", () => r()));
    const rport = (redirector.address() as { port: number }).port;
    try {
      const dir = path.join(root, "stacks-scope");
      useStacksDir(dir, TOKEN);
      expect((await startClone(`${base}/origin.git`).wait).state).toBe("done");
      expect(tokenSeen(seenAuth)).toBe(true);
      // STACKS_DIR's remote is on srv: a git command talking to another server sends no token
      const r = await runGit(["ls-remote", `${other.url}/origin.git`], { cwd: dir });
      expect(r.code).not.toBe(0);
      expect(tokenSeen(other.seenAuth)).toBe(false);
      // the configured remote still gets it (fetch from origin works)
      expect((await runGit(["fetch", "origin"], { cwd: dir })).code).toBe(0);
      // a clone from a host that redirects elsewhere: the redirect target gets no token
      const dir2 = path.join(root, "stacks-redirect");
      useStacksDir(dir2, TOKEN);
      const before = other.seenAuth.length;
      const done = await startClone(`http://127.0.0.1:${rport}/x.git`).wait;
      expect(done.state).toBe("failed");
      expect(other.seenAuth.length).toBeGreaterThan(before); // it did follow the redirect
      expect(tokenSeen(other.seenAuth)).toBe(false);
      expect(fs.existsSync(path.join(dir, ".git", "config")) && fs.readFileSync(path.join(dir, ".git", "config"), "utf8")).not.toContain(TOKEN);
    } finally {
      await new Promise<void>((r) => redirector.close(() => r()));
      await other.close();
    }
  });
});
