import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, reloadConfig } from "../config";
import { dockerError } from "./client";
import { composeEnv } from "./compose";
import { AppError } from "../errors";
import { composeEnvFor, dockerFor, hostOfStack, listHosts, multiHost, noteHost, recentFailure } from "./hosts";
import { parseXOresi } from "./x-oresi";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-hosts-"));
const saved = { DOCKER_HOSTS_FILE: process.env.DOCKER_HOSTS_FILE, DOCKER_HOST: process.env.DOCKER_HOST };

function hostsFile(text: string): string {
  const f = path.join(dir, `hosts-${Math.random().toString(36).slice(2)}.yml`);
  fs.writeFileSync(f, text);
  return f;
}

function problem(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error("the configuration was accepted");
}

afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  reloadConfig();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("DOCKER_HOSTS_FILE", () => {
  it("is only `local` (today's DOCKER_HOST settings) without the file", () => {
    const c = parseConfig({ DOCKER_HOST: "tcp://10.0.0.9:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs" });
    expect(c.dockerHosts).toEqual([{ name: "local", url: "tcp://10.0.0.9:2376", tlsVerify: true, certPath: "/certs", sshKeyFile: undefined, source: "env" }]);
  });

  it("adds the file's hosts in the given order, the rest by name", () => {
    const f = hostsFile(
      "hosts:\n  nas: { url: ssh://oresi@nas, sshKeyFile: /keys/nas }\n  edge: { url: tcp://10.0.0.5:2376, tlsVerify: true, certPath: /certs/edge }\n  attic: { url: unix:///run/attic.sock }\norder: [nas, edge]\n",
    );
    const c = parseConfig({ DOCKER_HOSTS_FILE: f });
    expect(c.dockerHosts.map((h) => h.name)).toEqual(["nas", "edge", "attic", "local"]);
    expect(c.dockerHosts[1]).toEqual({ name: "edge", url: "tcp://10.0.0.5:2376", tlsVerify: true, certPath: "/certs/edge", source: "file" });
    expect(
      parseConfig({ DOCKER_HOSTS_FILE: hostsFile("hosts:\n  nas: { url: ssh://nas }\n  edge: { url: tcp://e:2375 }\n") }).dockerHosts.map((h) => h.name),
    ).toEqual(["edge", "local", "nas"]);
  });

  it("names the file and the field of a bad setting", () => {
    expect(problem({ DOCKER_HOSTS_FILE: "relative.yml" })).toMatch(/DOCKER_HOSTS_FILE: an absolute path/);
    expect(problem({ DOCKER_HOSTS_FILE: path.join(dir, "missing.yml") })).toMatch(/DOCKER_HOSTS_FILE: cannot read .*missing\.yml \(ENOENT\)/);
    const bad = (t: string) => problem({ DOCKER_HOSTS_FILE: hostsFile(t) });
    expect(bad("hosts:\n  NAS: { url: ssh://nas }\n")).toMatch(/DOCKER_HOSTS_FILE: \/.*\.yml: hosts\.NAS: a host name of lower-case letters/);
    expect(bad("hosts:\n  local: { url: ssh://nas }\n")).toMatch(/hosts\.local: `local` is the engine of DOCKER_HOST/);
    expect(bad("hosts:\n  nas: { url: http://nas }\n")).toMatch(/hosts\.nas\.url: unix:\/\/\/var\/run\/docker\.sock, tcp:\/\/host:2376 or ssh:\/\/user@host/);
    expect(bad("hosts:\n  nas: { url: tcp://nas:2376, sshKeyFile: /k }\n")).toMatch(/hosts\.nas\.sshKeyFile: only used with an ssh:\/\/ url/);
    expect(bad("hosts:\n  nas: { url: ssh://nas, certPath: certs }\n")).toMatch(/hosts\.nas\.certPath: an absolute path/);
    expect(bad("hosts:\n  nas: { url: ssh://nas, colour: red }\n")).toMatch(/hosts\.nas: Unrecognized key.*colour/);
    expect(bad("hosts:\n  nas: { url: ssh://nas }\norder: [nas, edge]\n")).toMatch(/order\.1: "edge" is no host \(known: local, nas\)/);
    expect(bad("hosts:\n  nas: { url: ssh://nas }\norder: [nas, nas]\n")).toMatch(/order\.1: nas is named twice/);
    expect(bad("hosts: [unclosed")).toMatch(/is not valid YAML/);
  });
});

describe("host layer", () => {
  it("resolves a stack's host, and refuses an unknown one before anything changes", () => {
    process.env.DOCKER_HOSTS_FILE = hostsFile(
      "hosts:\n  nas: { url: 'ssh://oresi:secret@nas' }\n  edge: { url: tcp://127.0.0.1:1, tlsVerify: true, certPath: /certs/edge }\n",
    );
    reloadConfig();
    expect(multiHost()).toBe(true);
    expect(listHosts().map((h) => h.name)).toEqual(["edge", "local", "nas"]);
    expect(hostOfStack({})).toBe("local");
    expect(hostOfStack(parseXOresi("x-oresi:\n  host: nas\n").settings)).toBe("nas");
    expect(() => hostOfStack({ host: "attic" }, "web")).toThrow(
      /^web: x-oresi\.host names Docker host attic, which is not configured \(configured: edge, local, nas\)/,
    );
    try {
      hostOfStack({ host: "attic" });
    } catch (e) {
      expect((e as { code: string }).code).toBe("preflight_failed");
    }
    expect(composeEnvFor("edge")).toMatchObject({ DOCKER_HOST: "tcp://127.0.0.1:1", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs/edge" });
    expect(composeEnv({}, "nas").DOCKER_HOST).toBe("ssh://oresi:secret@nas");
    expect(composeEnv({}, "nas").DOCKER_CERT_PATH).toBeUndefined();
    // the certificate folder is checked when the client is made, naming the hosts file's field
    expect(() => dockerFor("edge")).toThrow("Docker host edge: the hosts.edge.certPath in DOCKER_HOSTS_FILE folder does not exist");
  });

  it("remembers a failed network host for a few seconds, a unix socket never, and forgets when the URL changes", () => {
    const down = new AppError("dependency_down", "Docker host edge unreachable");
    process.env.DOCKER_HOST = "unix:///nowhere/docker.sock";
    process.env.DOCKER_HOSTS_FILE = hostsFile("hosts:\n  edge: { url: tcp://127.0.0.1:1 }\n  box: { url: unix:///nowhere/box.sock }\n");
    reloadConfig();
    noteHost("edge", down);
    noteHost("box", down);
    noteHost("local", down);
    expect(recentFailure("edge")).toBe(down);
    // a unix socket fails at once: the pages recover the moment the engine is back
    expect(recentFailure("box")).toBeNull();
    expect(recentFailure("local")).toBeNull();
    // an error that is not "engine unreachable" means the engine answered
    noteHost("edge", new AppError("not_found", "no such container"));
    expect(recentFailure("edge")).toBeNull();
    noteHost("edge", down);
    process.env.DOCKER_HOSTS_FILE = hostsFile("hosts:\n  edge: { url: tcp://127.0.0.1:2 }\n");
    reloadConfig();
    expect(recentFailure("edge")).toBeNull();
  });

  it("names the host in Docker errors (local keeps today's wording)", () => {
    process.env.DOCKER_HOST = "unix:///run/none.sock";
    process.env.DOCKER_HOSTS_FILE = hostsFile("hosts:\n  nas: { url: 'ssh://oresi:secret@nas' }\n");
    reloadConfig();
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(dockerError(refused, "Listing containers").message).toBe("Docker engine is not reachable at unix:///run/none.sock (ECONNREFUSED).");
    const m = dockerError(refused, "Listing containers", "nas").message;
    expect(m).toBe("Docker host nas unreachable at ssh://***@nas (ECONNREFUSED).");
    expect(m).not.toContain("secret");
    expect(dockerError({ statusCode: 404, message: "no such container" }, "Container abc", "nas").message).toBe(
      "Container abc on host nas: not found (no such container)",
    );
  });
});

describe("x-oresi host and mode", () => {
  it("reads both, and refuses a bad host name or mode", () => {
    expect(parseXOresi("x-oresi:\n  host: nas\n  mode: swarm\n").settings).toMatchObject({ host: "nas", mode: "swarm" });
    expect(parseXOresi("services: {}\n").settings.host).toBeUndefined();
    expect(parseXOresi("x-oresi:\n  host: NAS\n").error).toMatch(/^x-oresi: host: a host name/);
    expect(parseXOresi("x-oresi:\n  mode: kubernetes\n").error).toMatch(/mode: compose or swarm/);
  });
});
