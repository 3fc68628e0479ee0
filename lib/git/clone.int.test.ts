import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { cloneUrl, startClone } from "./clone";
import { isGitRepo } from "./gitdir";
import { listReleases } from "./tags";

// A real smart-HTTP git server (git http-backend as CGI) that demands a token, like GitHub does.
const TOKEN = "ghp_test-token-0123456789";
let repo: StacksRepo;
let server: http.Server;
let base: string;
let root: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  repo = createStacksRepo({ tag: "clone" });
  root = makeTempDir("clone");
  const backend = path.join((await new Promise<string>((r) => spawn("git", ["--exec-path"]).stdout.on("data", (d) => r(String(d).trim())))), "git-http-backend");
  server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    seenAuth.push(auth);
    if (auth !== "Basic " + Buffer.from(`x-access-token:${TOKEN}`).toString("base64")) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end("no");
      return;
    }
    const url = new URL(req.url!, "http://x");
    const cgi = spawn(backend, [], {
      env: {
        GIT_PROJECT_ROOT: path.dirname(repo.origin),
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method!,
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        PATH: process.env.PATH!,
      } as unknown as NodeJS.ProcessEnv,
    });
    req.pipe(cgi.stdin);
    let buf = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (d: Buffer) => {
      if (headersDone) return void res.write(d);
      buf = Buffer.concat([buf, d]);
      const i = buf.indexOf("\r\n\r\n");
      if (i < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of buf.subarray(0, i).toString().split("\r\n")) {
        const [k, ...v] = line.split(":");
        if (k.toLowerCase() === "status") status = parseInt(v.join(":"), 10);
        else res.setHeader(k, v.join(":").trim());
      }
      res.writeHead(status);
      res.write(buf.subarray(i + 4));
    });
    cgi.on("close", () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.close();
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
