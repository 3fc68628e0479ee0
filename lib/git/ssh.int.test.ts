import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, GIT_ENV, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { assertTemporary, makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { startClone } from "./clone";
import { isGitRepo } from "./gitdir";
import { fetchOrigin, lsRemoteTags, pushRefs } from "./remote";
import { listReleases } from "./tags";

// SSH remotes end to end: a real sshd on 127.0.0.1 (its own config, host key and
// authorized_keys in a temp folder; the system's ssh service is never used), reached
// through gitEnv()'s GIT_SSH_COMMAND with the key in GIT_SSH_KEY_FILE.
const SSHD = "/usr/sbin/sshd";
const PRIVSEP = "/run/sshd";
const user = os.userInfo().username;
const saved = { HOME: process.env.HOME, GIT_SSH_KEY_FILE: process.env.GIT_SSH_KEY_FILE, STACKS_DIR: process.env.STACKS_DIR };

let repo: StacksRepo;
let root: string;
let home: string;
let key: string;
let wrongKey: string;
let url: string;
let port: number;
let sshd: ChildProcess | null = null;
let sshdLog = "";

function keygen(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "oresi-test", "-f", file], { stdio: "ignore" });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForBanner(port: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (sshd?.exitCode !== null) throw new Error(`sshd exited (${sshd?.exitCode}): ${sshdLog}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1");
      c.setTimeout(1000);
      c.once("data", (d) => {
        c.destroy();
        resolve(d.toString().startsWith("SSH-2.0-"));
      });
      c.once("error", () => resolve(false));
      c.once("timeout", () => {
        c.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not answer on 127.0.0.1:${port}: ${sshdLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function useStacksDir(dir: string, keyFile = key) {
  process.env.STACKS_DIR = dir;
  process.env.GIT_SSH_KEY_FILE = keyFile;
  reloadConfig();
}

beforeAll(async () => {
  if (!fs.existsSync(SSHD)) throw new Error(`${SSHD} is missing: run \`bash scripts/test-env.sh\` (it installs openssh-server).`);
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
  keygen(path.join(root, "sshd", "host_key"));
  fs.writeFileSync(path.join(root, "sshd", "authorized_keys"), fs.readFileSync(`${key}.pub`));

  // sshd's privilege separation folder (what the openssh-server package's tmpfiles makes). It is
  // left in place afterwards: another test file may run its own sshd at the same time.
  fs.mkdirSync(PRIVSEP, { recursive: true, mode: 0o755 });
  port = await freePort();
  const conf = path.join(root, "sshd", "sshd_config");
  fs.writeFileSync(
    conf,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${path.join(root, "sshd", "host_key")}`,
      `AuthorizedKeysFile ${path.join(root, "sshd", "authorized_keys")}`,
      `PidFile ${path.join(root, "sshd", "sshd.pid")}`,
      `AllowUsers ${user}`,
      "StrictModes no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "UsePAM no",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  sshd = spawn(SSHD, ["-D", "-e", "-f", conf], { stdio: ["ignore", "ignore", "pipe"] });
  sshd.stderr!.on("data", (d: Buffer) => {
    if (sshdLog.length < 64 * 1024) sshdLog += d.toString();
  });
  await waitForBanner(port);

  // known_hosts (StrictHostKeyChecking=accept-new) must land in this temp HOME, not the real one.
  process.env.HOME = home;
  url = `ssh://${user}@127.0.0.1:${port}${repo.origin}`;
});

/** The pids of a process's children (empty once sshd's per-connection processes have ended). */
function children(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

afterAll(async () => {
  if (sshd?.pid && sshd.exitCode === null) {
    // Let the last connections end first: orphaned ones would be left for PID 1 to reap.
    for (let i = 0; i < 30 && children(sshd.pid).length; i++) await new Promise((r) => setTimeout(r, 100));
    const gone = new Promise((r) => sshd!.once("exit", r));
    sshd.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
    if (sshd.exitCode === null) sshd.kill("SIGKILL");
  }
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadConfig();
  repo?.cleanup();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("SSH remote against a real sshd", () => {
  it("clones on first run over ssh:// with the key from GIT_SSH_KEY_FILE, host key remembered in HOME", async () => {
    const dir = path.join(root, "stacks");
    useStacksDir(dir);
    const done = await startClone(url).wait;
    expect(done, sshdLog).toMatchObject({ state: "done", error: null });
    expect(done.url).toBe(url.replace(`${user}@`, "***@"));
    expect(isGitRepo(dir)).toBe(true);
    expect(fs.existsSync(path.join(dir, repo.stack("web"), ".env"))).toBe(true);
    expect(fs.existsSync(path.join(dir, repo.stack("api"), "compose.yaml"))).toBe(true);
    expect((await listReleases()).releases.map((r) => r.tag)).toEqual(["v1.1.0", "v1.0.0"]);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".oresi-clone-"))).toEqual([]);
    const knownHosts = path.join(home, ".ssh", "known_hosts");
    expect(execFileSync("ssh-keygen", ["-F", `[127.0.0.1]:${port}`, "-f", knownHosts], { encoding: "utf8" })).toMatch(/ssh-ed25519 /);
    expect(sshdLog).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1/);
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
    const accepted = (sshdLog.match(/Accepted publickey/g) ?? []).length;
    const done = await startClone(url).wait;
    expect(done.state).toBe("failed");
    const redactedUrl = url.replace(`${user}@`, "***@").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(done.error).toMatch(new RegExp(`^Cloning ${redactedUrl} failed: the server refused the SSH key in GIT_SSH_KEY_FILE \\(Permission denied \\(publickey\\)\\)\\.$`));
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
    expect(err?.message).toMatch(/^Listing tags on origin \(ssh:\/\/\*\*\*@127\.0\.0\.1:\d+\/.+\/origin\.git\) failed: the server refused the SSH key in GIT_SSH_KEY_FILE/);
    expect(err?.message).not.toContain(wrongKey);
    expect((sshdLog.match(/Accepted publickey/g) ?? []).length).toBe(accepted);
  });
});
