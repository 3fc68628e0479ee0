// Remote Docker engines against the real engine: DOCKER_HOST=tcp:// with mutual TLS (a node:tls
// server that requires a client certificate from our CA, piped to /var/run/docker.sock), plain
// tcp:// (a node:net proxy), and ssh:// (a real sshd on loopback; dockerode runs
// `docker system dial-stdio` over it with the key in DOCKER_SSH_KEY_FILE).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertTemporary, makeTempDir } from "@/e2e/fixtures/sandbox";
import { setEnv } from "@/test/fixtures/env";
import { keygen, startSshd, type Sshd } from "@/test/fixtures/sshd";
import { ConfigError, parseConfig } from "../config";
import { resetSingleton } from "../singleton";
import { checkDocker } from "../status";
import { docker } from "./client";
import { invalidateContainers, listContainers } from "./containers";
import { composeDown, composeUp } from "./compose";
import { composeFile } from "@/e2e/fixtures/stacks-repo";

const ENGINE = "/var/run/docker.sock";
const user = os.userInfo().username;
const VARS = ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_SSH_KEY_FILE", "SSH_AUTH_SOCK"] as const;
const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));

const TLS_REFUSED =
  /^Docker engine at tcp:\/\/127\.0\.0\.1:\d+ (refused the TLS connection \(ERR_SSL_\w+\)|closed the TLS connection \((ECONNRESET|EPIPE|socket hang up)\)); .*check (the client certificate in )?DOCKER_CERT_PATH \(cert\.pem and key\.pem signed by the engine's CA\)/;

let root: string;
const servers: net.Server[] = [];
const conns = new Set<net.Socket>();
let tlsPort: number;
let tcpPort: number;
let sshPort: number;
let tlsAuthorized = 0;
let tlsRefused = 0;
let sshd: Sshd | undefined;

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** An EC key and a certificate for it: self-signed (a CA) or signed by ca (in the same folder). */
function cert(dir: string, name: string, subject: string, ext: string[], ca?: string): void {
  if (!ca) {
    openssl(
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        `${name}-key.pem`,
        "-out",
        `${name}.pem`,
        "-days",
        "2",
        "-subj",
        subject,
        ...ext.flatMap((e) => ["-addext", e]),
      ],
      dir,
    );
    return;
  }
  openssl(
    ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", subject],
    dir,
  );
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext.join("\n") + "\n");
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}-key.pem`,
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.pem`,
    ],
    dir,
  );
}

/** A DOCKER_CERT_PATH folder holding the given files (ca.pem, cert.pem, key.pem) copied from the PKI folder. */
function certPath(name: string, files: Partial<Record<"ca.pem" | "cert.pem" | "key.pem", string>>): string {
  const dir = path.join(root, "certs", name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [to, from] of Object.entries(files)) fs.copyFileSync(path.join(root, "pki", from), path.join(dir, to));
  return dir;
}

function pipeToEngine(c: net.Socket): void {
  const up = net.connect(ENGINE);
  conns.add(c);
  conns.add(up);
  c.pipe(up).pipe(c);
  c.on("close", () => (up.destroy(), conns.delete(c)));
  up.on("close", () => (c.destroy(), conns.delete(up)));
  up.on("error", () => c.destroy());
  c.on("error", () => up.destroy());
}

function listen(server: net.Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Point the app at another engine: set the DOCKER_* variables (others unset), re-read them, drop the client and the cache. */
function useEngine(env: Partial<Record<(typeof VARS)[number], string>>): void {
  setEnv(Object.fromEntries(VARS.map((k) => [k, env[k]])));
  resetSingleton("docker");
  invalidateContainers();
}

async function failure(p: Promise<unknown>): Promise<{ code?: string; status?: number; message: string }> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: { code?: string; status?: number; message: string }) => e,
  );
}

beforeAll(async () => {
  root = makeTempDir("remote-engine");
  assertTemporary(root);
  const pki = path.join(root, "pki");
  fs.mkdirSync(pki);
  const caExt = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"];
  cert(pki, "ca", "/CN=oresi-test-ca", caExt);
  cert(pki, "server", "/CN=127.0.0.1", ["basicConstraints=CA:FALSE", "subjectAltName=IP:127.0.0.1", "extendedKeyUsage=serverAuth"], "ca");
  cert(pki, "client", "/CN=oresi-client", ["basicConstraints=CA:FALSE", "extendedKeyUsage=clientAuth"], "ca");
  cert(pki, "other-ca", "/CN=oresi-other-ca", caExt);
  cert(pki, "other-client", "/CN=oresi-intruder", ["basicConstraints=CA:FALSE", "extendedKeyUsage=clientAuth"], "other-ca");
  const read = (f: string) => fs.readFileSync(path.join(pki, f));

  // As dockerd --tlsverify: only clients with a certificate signed by our CA get through.
  const tlsServer = tls.createServer(
    { key: read("server-key.pem"), cert: read("server.pem"), ca: read("ca.pem"), requestCert: true, rejectUnauthorized: true },
    (c) => {
      tlsAuthorized++;
      pipeToEngine(c);
    },
  );
  tlsServer.on("tlsClientError", (_e, s) => (tlsRefused++, s.destroy()));
  tlsPort = await listen(tlsServer);
  tcpPort = await listen(net.createServer(pipeToEngine));

  // sshd on loopback with its own config, host key and authorized_keys (never the system's service).
  const sshDir = path.join(root, "sshd");
  for (const k of ["id_ed25519", "wrong_ed25519"]) keygen(path.join(sshDir, k));
  sshd = await startSshd(sshDir, [path.join(sshDir, "id_ed25519.pub")]);
  sshPort = sshd.port;
});

afterAll(async () => {
  await sshd?.stop();
  for (const c of conns) c.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  setEnv(saved);
  resetSingleton("docker");
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("tcp:// with mutual TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)", () => {
  it("lists containers, pings and reports the engine healthy with the client certificate from our CA", async () => {
    const host = `tcp://127.0.0.1:${tlsPort}`;
    useEngine({
      DOCKER_HOST: host,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certPath("good", { "ca.pem": "ca.pem", "cert.pem": "client.pem", "key.pem": "client-key.pem" }),
    });
    const before = tlsAuthorized;
    const list = await listContainers();
    expect(Array.isArray(list)).toBe(true);
    expect(String(await docker().ping())).toBe("OK");
    expect(await checkDocker()).toMatchObject({ name: "docker", status: "ok", reason: `engine answers at ${host}` });
    expect(tlsAuthorized).toBeGreaterThan(before); // one kept-alive connection may carry all three
  });

  it("without a client certificate in DOCKER_CERT_PATH: 503 naming the missing files, and checkDocker says down", async () => {
    useEngine({ DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certPath("no-client", { "ca.pem": "ca.pem" }) });
    const before = tlsAuthorized;
    const err = await failure(listContainers());
    expect(err).toMatchObject({
      code: "dependency_down",
      status: 503,
      message:
        "Docker engine: DOCKER_CERT_PATH has no cert.pem, key.pem; it needs ca.pem (the engine's CA) and the client certificate cert.pem with its key.pem.",
    });
    const st = await checkDocker();
    expect(st).toMatchObject({ status: "down", reason: err.message, hint: expect.stringMatching(/DOCKER_HOST/) });
    expect(tlsAuthorized).toBe(before);

    useEngine({ DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: path.join(root, "certs", "nowhere") });
    expect(await failure(listContainers())).toMatchObject({
      code: "dependency_down",
      message: expect.stringMatching(/the DOCKER_CERT_PATH folder does not exist/),
    });
  });

  it("a client certificate from another CA is refused by the engine: 503 naming DOCKER_CERT_PATH, and checkDocker says down", async () => {
    useEngine({
      DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certPath("other-ca", { "ca.pem": "ca.pem", "cert.pem": "other-client.pem", "key.pem": "other-client-key.pem" }),
    });
    const before = { ok: tlsAuthorized, refused: tlsRefused };
    const err = await failure(listContainers());
    expect(err).toMatchObject({ code: "dependency_down", status: 503 });
    // A node:tls server drops the connection (ECONNRESET); dockerd sends a TLS alert (ERR_SSL_…): both name DOCKER_CERT_PATH.
    expect(err.message).toMatch(TLS_REFUSED);
    const st = await checkDocker();
    expect(st.status).toBe("down");
    expect(st.reason).toMatch(TLS_REFUSED);
    expect(tlsAuthorized).toBe(before.ok);
    expect(tlsRefused).toBeGreaterThan(before.refused);
  });

  it("an engine whose certificate ca.pem did not sign is not trusted; a certificate without its key is a clear error", async () => {
    useEngine({
      DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certPath("wrong-ca", { "ca.pem": "other-ca.pem", "cert.pem": "client.pem", "key.pem": "client-key.pem" }),
    });
    const err = await failure(listContainers());
    expect(err).toMatchObject({ code: "dependency_down", status: 503 });
    expect(err.message).toMatch(/its TLS certificate is not trusted \(\w+\); put the CA that signed it in DOCKER_CERT_PATH\/ca\.pem/);

    useEngine({
      DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certPath("no-key", { "ca.pem": "ca.pem", "cert.pem": "client.pem" }),
    });
    const half = await failure(listContainers());
    expect(half).toMatchObject({ code: "dependency_down", message: expect.stringMatching(/^Docker engine: DOCKER_CERT_PATH has no key\.pem; /) });
    expect((await checkDocker()).reason).toBe(half.message);

    // Key material never reaches an error message.
    const key = fs.readFileSync(path.join(root, "pki", "client-key.pem"), "utf8").split("\n")[1];
    for (const m of [err.message, half.message]) expect(m).not.toContain(key);
  });
});

describe("plain tcp:// (no TLS)", () => {
  it("lists containers and pings through a TCP proxy", async () => {
    useEngine({ DOCKER_HOST: `tcp://127.0.0.1:${tcpPort}` });
    expect(Array.isArray(await listContainers())).toBe(true);
    expect(String(await docker().ping())).toBe("OK");
    expect(await checkDocker()).toMatchObject({ status: "ok" });
  });
});

describe("ssh:// (DOCKER_SSH_KEY_FILE, `docker system dial-stdio` on the remote)", () => {
  it("lists containers, pings and reports healthy over a real sshd with the key file (no agent)", async () => {
    const host = `ssh://${user}@127.0.0.1:${sshPort}`;
    useEngine({ DOCKER_HOST: host, DOCKER_SSH_KEY_FILE: path.join(root, "sshd", "id_ed25519") });
    const accepted = (sshd!.log.match(/Accepted publickey/g) ?? []).length;
    const list = await listContainers();
    expect(Array.isArray(list)).toBe(true);
    // The same engine as the local socket: the same containers.
    useEngine({});
    expect((await listContainers()).map((c) => c.id).sort()).toEqual(list.map((c) => c.id).sort());
    useEngine({ DOCKER_HOST: host, DOCKER_SSH_KEY_FILE: path.join(root, "sshd", "id_ed25519") });
    expect(String(await docker().ping())).toBe("OK");
    expect(await checkDocker()).toMatchObject({ status: "ok", reason: `engine answers at ${host}` });
    expect((sshd!.log.match(/Accepted publickey/g) ?? []).length - accepted, sshd!.log).toBeGreaterThanOrEqual(3);
  });

  it("a key the server does not know fails clearly (503), without the user name, key path or key in the message", async () => {
    const wrong = path.join(root, "sshd", "wrong_ed25519");
    useEngine({ DOCKER_HOST: `ssh://${user}@127.0.0.1:${sshPort}`, DOCKER_SSH_KEY_FILE: wrong });
    const accepted = (sshd!.log.match(/Accepted publickey/g) ?? []).length;
    const err = await failure(listContainers());
    expect(err).toMatchObject({ code: "dependency_down", status: 503 });
    expect(err.message).toMatch(
      /^Docker engine at ssh:\/\/\*\*\*@127\.0\.0\.1:\d+: the SSH server refused the key \(All configured authentication methods failed\); authorize the key in DOCKER_SSH_KEY_FILE/,
    );
    const st = await checkDocker();
    expect(st.status).toBe("down");
    expect(st.reason).toMatch(/refused the key/);
    const secret = fs.readFileSync(wrong, "utf8").split("\n")[1];
    for (const m of [err.message, st.reason]) for (const s of [wrong, secret, `${user}@`]) expect(m).not.toContain(s);
    expect((sshd!.log.match(/Accepted publickey/g) ?? []).length).toBe(accepted);
  });

  it("the Compose CLI reaches the ssh:// engine with the key file too (no agent), host key kept in HOME's known_hosts", async () => {
    const key = path.join(root, "sshd", "id_ed25519");
    const home = path.join(root, "home");
    fs.mkdirSync(home, { recursive: true });
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    const project = "oresi-ssh-cli";
    const dir = path.join(root, project);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), composeFile("oresi-test/web:1.0.0"));
    const onSocket = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", env: { ...process.env, DOCKER_HOST: `unix://${ENGINE}` } }).trim();
    const fingerprint = execFileSync("ssh-keygen", ["-lf", `${key}.pub`], { encoding: "utf8" }).split(" ")[1];
    try {
      useEngine({ DOCKER_HOST: `ssh://${user}@127.0.0.1:${sshPort}`, DOCKER_SSH_KEY_FILE: key });
      const accepted = (sshd!.log.match(/Accepted publickey/g) ?? []).length;
      await composeUp(dir, project);
      expect(onSocket("ps", "--filter", `label=com.docker.compose.project=${project}`, "--format", "{{.Image}}")).toBe("oresi-test/web:1.0.0");
      // Through sshd, with that key: Compose ran `ssh … docker system dial-stdio` with the key file.
      expect(
        (
          sshd!.log.match(
            new RegExp(`Accepted publickey for ${user} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${fingerprint.replace(/[+/]/g, "\\$&")}`, "g"),
          ) ?? []
        ).length - accepted,
        sshd!.log,
      ).toBeGreaterThanOrEqual(1);
      // (Debian's ssh_config hashes known_hosts: ask ssh-keygen, which finds hashed entries.)
      expect(execFileSync("ssh-keygen", ["-F", `[127.0.0.1]:${sshPort}`, "-f", path.join(home, ".ssh", "known_hosts")], { encoding: "utf8" })).toMatch(/found/);
      await composeDown(dir, project);
      expect(onSocket("ps", "-a", "-q", "--filter", `label=com.docker.compose.project=${project}`)).toBe("");
    } finally {
      process.env.HOME = savedHome;
      execFileSync("docker-compose", ["-p", project, "down"], { cwd: dir, env: { ...process.env, DOCKER_HOST: `unix://${ENGINE}` }, stdio: "ignore" });
    }
  }, 120_000);

  it("a key file that cannot be read is a 503 naming DOCKER_SSH_KEY_FILE, not a crash", async () => {
    const missing = path.join(root, "sshd", "nope");
    useEngine({ DOCKER_HOST: `ssh://${user}@127.0.0.1:${sshPort}`, DOCKER_SSH_KEY_FILE: missing });
    const err = await failure(listContainers());
    expect(err).toMatchObject({
      code: "dependency_down",
      message: "Docker engine: cannot read the SSH private key from DOCKER_SSH_KEY_FILE (ENOENT); fix DOCKER_SSH_KEY_FILE or the file's permissions.",
    });
    expect((await checkDocker()).status).toBe("down");
  });

  it("DOCKER_SSH_KEY_FILE is validated: an absolute path, only with an ssh:// DOCKER_HOST", () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
      }
    };
    expect(problems({ DOCKER_HOST: "ssh://deploy@nas", DOCKER_SSH_KEY_FILE: "/run/secrets/k" })).toEqual([]);
    expect(problems({ DOCKER_HOST: "ssh://deploy@nas", DOCKER_SSH_KEY_FILE: "keys/id" })[0]).toMatch(/^DOCKER_SSH_KEY_FILE: an absolute path/);
    expect(problems({ DOCKER_SSH_KEY_FILE: "/run/secrets/k" })[0]).toMatch(/^DOCKER_SSH_KEY_FILE: only used with an ssh:\/\/ DOCKER_HOST/);
  });
});
