import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { cloneUrl, startClone } from "./clone";
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
});
afterAll(async () => {
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
});
