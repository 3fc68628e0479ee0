import "server-only";
import Docker from "dockerode";
import { config, HOST_NAME_RE, LOCAL_HOST, type DockerHostConfig } from "../config";
import { AppError } from "../errors";
import { redact } from "../redact";
import { singleton } from "../singleton";
import { docker, dockerError, dockerOptions, settingNames } from "./client";
import { sshCliEnv } from "./ssh-cli";

// Several Docker hosts. `local` is always the engine of DOCKER_HOST (DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH, DOCKER_SSH_KEY_FILE), exactly as with one host; DOCKER_HOSTS_FILE adds
// more (lib/config.ts validates it). A stack picks its host with `x-oresi.host` in its
// compose file; every Docker read and Compose call for that stack goes to that host.

export { LOCAL_HOST, HOST_NAME_RE };
export type { DockerHostConfig };

/** Every host in rollout order (DOCKER_HOSTS_FILE `order`, then by name; just `local` without the file). */
export function listHosts(): DockerHostConfig[] {
  return config().dockerHosts;
}

export function hostNames(): string[] {
  return listHosts().map((h) => h.name);
}

/** More than one host is configured (the UI shows host chips only then). */
export function multiHost(): boolean {
  return listHosts().length > 1;
}

/** Validate a host name given by a caller (query parameter, x-oresi): the strict pattern, then a configured host. */
export function hostName(v: string): string {
  if (!HOST_NAME_RE.test(v)) throw new AppError("bad_request", `"${v.slice(0, 40)}" is not a host name (lower-case letters, digits and dashes, such as nas).`);
  if (!hostNames().includes(v)) throw new AppError("not_found", `There is no Docker host ${v} (configured: ${hostNames().join(", ")}).`);
  return v;
}

/** One host's settings; not_found for a name that is not configured. */
export function hostConfig(name: string): DockerHostConfig {
  const h = listHosts().find((x) => x.name === name);
  if (!h) throw new AppError("not_found", `There is no Docker host ${name.slice(0, 40)} (configured: ${hostNames().join(", ")}).`);
  return h;
}

/** The host's URL with any credentials masked, for messages and /api/status. */
export function hostUrl(name: string): string {
  return redact(hostConfig(name).url);
}

const clients = singleton("docker.hosts.clients", () => new Map<string, Docker>());

/** The dockerode client of a host, cached per host (and per its settings, so a config reload gets a new one). `local` is docker(). */
export function dockerFor(host: string = LOCAL_HOST): Docker {
  if (host === LOCAL_HOST) return docker();
  const h = hostConfig(host);
  const key = JSON.stringify([h.name, h.url, h.tlsVerify ?? null, h.certPath ?? null, h.sshKeyFile ?? null]);
  let c = clients.get(key);
  if (!c) {
    const opts = dockerOptions(h.url, h.tlsVerify, h.certPath, h.sshKeyFile, settingNames(h.name));
    // No request timeout over ssh (see docker() in client.ts).
    c = new Docker(opts.protocol === "ssh" ? opts : { ...opts, timeout: 15_000 });
    for (const k of [...clients.keys()]) if (JSON.parse(k)[0] === h.name) clients.delete(k);
    clients.set(key, c);
  }
  return c;
}

/**
 * The Docker part of the environment of a CLI process (Compose, the docker CLI) talking to a host:
 * DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, SSH_AUTH_SOCK, and for an ssh:// host with a
 * key file, a PATH whose `ssh` uses that key (./ssh-cli.ts: the CLIs reach ssh:// through ssh).
 */
export function composeEnvFor(host: string = LOCAL_HOST): Record<string, string> {
  const h = hostConfig(host);
  const env: Record<string, string> = { DOCKER_HOST: h.url };
  if (h.tlsVerify) env.DOCKER_TLS_VERIFY = "1";
  if (h.certPath) env.DOCKER_CERT_PATH = h.certPath;
  if (process.env.SSH_AUTH_SOCK) env.SSH_AUTH_SOCK = process.env.SSH_AUTH_SOCK;
  if (h.sshKeyFile && h.url.startsWith("ssh://")) Object.assign(env, sshCliEnv(h.sshKeyFile));
  return env;
}

/**
 * The host a stack runs on, from its x-oresi settings (default `local`). An unknown host is a
 * pre-flight error naming the stack, the host and the configured ones.
 */
export function hostOfStack(settings: { host?: string }, stack?: string): string {
  const h = settings.host ?? LOCAL_HOST;
  if (!hostNames().includes(h))
    throw new AppError(
      "preflight_failed",
      `${stack ? `${stack}: ` : ""}x-oresi.host names Docker host ${h}, which is not configured (configured: ${hostNames().join(", ")}); add it to DOCKER_HOSTS_FILE or fix the compose file.`,
    );
  return h;
}

/** Like hostOfStack, for display: null instead of an error when the host is unknown. */
export function knownHostOfStack(settings: { host?: string }): string | null {
  const h = settings.host ?? LOCAL_HOST;
  return hostNames().includes(h) ? h : null;
}

export interface HostHealth {
  name: string;
  /** The URL, credentials masked. */
  url: string;
  status: "ok" | "down";
  reason: string;
  latencyMs: number;
  /** The engine's version when it answered. */
  version?: string;
}

// A failed network host (tcp://, ssh://) is remembered for a few seconds, so that a dead one (15 s
// timeout) does not make every page view wait; a host that answers is asked again on the next
// refresh. A unix socket fails at once, so nothing is remembered for it: the pages recover the
// moment the engine is back. The memory is per URL, so a changed configuration starts afresh.
const DOWN_TTL_MS = 5000;
const down = singleton("docker.hosts.down", () => new Map<string, { at: number; url: string; error: AppError }>());

function currentUrl(host: string): string | null {
  try {
    return hostConfig(host).url;
  } catch {
    return null;
  }
}

/** The error a host failed with in the last few seconds, if any. */
export function recentFailure(host: string): AppError | null {
  const d = down.get(host);
  return d && Date.now() - d.at < DOWN_TTL_MS && d.url === currentUrl(host) ? d.error : null;
}

/** Record that a call to a host failed for want of the engine (dependency_down), or that it answered. */
export function noteHost(host: string, error: AppError | null): void {
  const url = currentUrl(host);
  if (error && error.code === "dependency_down" && url && !url.startsWith("unix:")) down.set(host, { at: Date.now(), url, error });
  else down.delete(host);
}

/** Ping one host (bounded by timeoutMs). */
export async function pingHost(host: string, timeoutMs = 3000): Promise<HostHealth> {
  const t0 = performance.now();
  const url = hostUrl(host);
  let timer: NodeJS.Timeout | undefined;
  try {
    const d = dockerFor(host);
    const v = (await Promise.race([
      d.version(),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(Object.assign(new Error(`did not answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })), timeoutMs);
      }),
    ])) as { Version?: string };
    noteHost(host, null);
    return {
      name: host,
      url,
      status: "ok",
      reason: `engine ${v.Version ?? "?"} answers at ${url}`,
      latencyMs: Math.round(performance.now() - t0),
      version: v.Version,
    };
  } catch (e) {
    const err = dockerError(e, "Docker engine", host);
    noteHost(host, err.code === "dependency_down" ? err : null);
    return { name: host, url, status: "down", reason: err.message, latencyMs: Math.round(performance.now() - t0) };
  } finally {
    clearTimeout(timer);
  }
}

/** Every host's health, pinged at once. */
export function hostsHealth(timeoutMs = 3000): Promise<HostHealth[]> {
  return Promise.all(hostNames().map((h) => pingHost(h, timeoutMs)));
}
