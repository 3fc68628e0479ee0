import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, GIT_ENV, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { assertTemporary, makeTempDir } from "@/e2e/fixtures/sandbox";
import { setEnv } from "@/test/fixtures/env";
import { keygen, startSshd, type Sshd } from "@/test/fixtures/sshd";
import { startClone } from "./clone";
import { isGitRepo } from "./gitdir";
import { fetchOrigin, lsRemoteTags, pushRefs } from "./remote";
import { listReleases } from "./tags";

// SSH remotes end to end: a real sshd on 127.0.0.1 (its own config, host key and
// authorized_keys in a temp folder; the system's ssh service is never used), reached
// through gitEnv()'s GIT_SSH_COMMAND with the key in GIT_SSH_KEY_FILE.
const saved = { HOME: process.env.HOME, GIT_SSH_KEY_FILE: process.env.GIT_SSH_KEY_FILE, STACKS_DIR: process.env.STACKS_DIR };

let repo: StacksRepo;
let root: string;
let home: string;
let key: string;
let wrongKey: string;
let url: string;
let port: number;
let user: string;
let sshd: Sshd | undefined;

function useStacksDir(dir: string, keyFile = key) {
  setEnv({ STACKS_DIR: dir, GIT_SSH_KEY_FILE: keyFile });
}

beforeAll(async () => {
  repo = createStacksRepo({ tag: "ssh" });
  root = makeTempDir("ssh");
  assertTemporary(root);
  home = path.join(root, "home");
  fs.mkdirSync(home, { mode: 0o700 });
  // A space and a quote in the key's folder: GIT_SSH_COMMAND goes through a shell.
  key = path.join(root, "it's my keys", "id_ed25519");
  wrongKey = path.join(root, "other", "id_ed25519");
  keygen(key);
  keygen(wrongKey);
  sshd = await startSshd(path.join(root, "sshd"), [`${key}.pub`]);
  ({ port, user } = sshd);

  // known_hosts (StrictHostKeyChecking=accept-new) must land in this temp HOME, not the real one.
  process.env.HOME = home;
  url = `ssh://${user}@127.0.0.1:${port}${repo.origin}`;
});

afterAll(async () => {
  await sshd?.stop();
  setEnv(saved);
  repo?.cleanup();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("SSH remote against a real sshd", () => {
  it("clones on first run over ssh:// with the key from GIT_SSH_KEY_FILE, host key remembered in HOME", async () => {
    const dir = path.join(root, "stacks");
    useStacksDir(dir);
    const done = await startClone(url).wait;
    expect(done, sshd!.log).toMatchObject({ state: "done", error: null });
    expect(done.url).toBe(url.replace(`${user}@`, "***@"));
    expect(isGitRepo(dir)).toBe(true);
    expect(fs.existsSync(path.join(dir, repo.stack("web"), ".env"))).toBe(true);
    expect(fs.existsSync(path.join(dir, repo.stack("api"), "compose.yaml"))).toBe(true);
    expect((await listReleases()).releases.map((r) => r.tag)).toEqual(["v1.1.0", "v1.0.0"]);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".oresi-clone-"))).toEqual([]);
    const knownHosts = path.join(home, ".ssh", "known_hosts");
    expect(execFileSync("ssh-keygen", ["-F", `[127.0.0.1]:${port}`, "-f", knownHosts], { encoding: "utf8" })).toMatch(/ssh-ed25519 /);
    expect(sshd!.log).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1/);
  });

  it("sees a tag pushed upstream with ls-remote and fetch over SSH, and pushes a tag", async () => {
    const dir = path.join(root, "stacks");
    useStacksDir(dir);
    repo.commit({ [`${repo.stack("web")}/.env`]: "WEB_TAG=2.0.0-broken\nAPP_MODE=prod\n" }, "web 2.0.0");
    repo.tag("v1.2.0", "Release v1.2.0");
    const remote = await lsRemoteTags();
    expect(remote.map((t) => t.name)).toEqual(["v1.2.0", "v1.1.0", "v1.0.0"]);
    expect(remote[0].sha).toBe(repo.git("rev-parse", "v1.2.0^{commit}"));

    expect((await listReleases()).releases.map((r) => r.tag)).not.toContain("v1.2.0");
    await fetchOrigin();
    expect((await listReleases()).releases.map((r) => r.tag)).toEqual(["v1.2.0", "v1.1.0", "v1.0.0"]);

    execFileSync("git", ["tag", "-a", "v1.3.0-rc.1", "-m", "rc", "v1.2.0^{commit}"], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
    await pushRefs(["refs/tags/v1.3.0-rc.1"]);
    expect(repo.git("--git-dir", repo.origin, "tag", "--list", "v1.3.0-rc.1")).toBe("v1.3.0-rc.1");
  });

  it("a key the server does not know fails clearly, names the remote, leaves nothing behind and leaks no key", async () => {
    const dir = path.join(root, "stacks-wrong");
    useStacksDir(dir, wrongKey);
    const accepted = (sshd!.log.match(/Accepted publickey/g) ?? []).length;
    const done = await startClone(url).wait;
    expect(done.state).toBe("failed");
    const redactedUrl = url.replace(`${user}@`, "***@").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(done.error).toMatch(
      new RegExp(`^Cloning ${redactedUrl} failed: the server refused the SSH key in GIT_SSH_KEY_FILE \\(Permission denied \\(publickey\\)\\)\\.$`),
    );
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".oresi-clone-"))).toEqual([]);
    const privateKey = fs.readFileSync(wrongKey, "utf8").split("\n")[1];
    for (const secret of [wrongKey, path.dirname(wrongKey), privateKey]) expect(JSON.stringify(done)).not.toContain(secret);

    // The same for the remote operations of an existing clone.
    useStacksDir(path.join(root, "stacks"), wrongKey);
    const err = await lsRemoteTags().then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^Listing tags on origin \(ssh:\/\/\*\*\*@127\.0\.0\.1:\d+\/.+\/origin\.git\) failed: the server refused the SSH key in GIT_SSH_KEY_FILE/,
    );
    expect(err?.message).not.toContain(wrongKey);
    expect((sshd!.log.match(/Accepted publickey/g) ?? []).length).toBe(accepted);
  });
});
