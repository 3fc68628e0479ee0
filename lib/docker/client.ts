import "server-only";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { config, LOCAL_HOST } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";
import { redact } from "../redact";

/** Read one file named by configuration; the error names the variable and the file, never its content. */
function readConfigured(file: string, variable: string, what: string, engine = "Docker engine"): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new AppError("dependency_down", `${engine}: cannot read ${what} from ${variable} (${code}); fix ${variable} or the file's permissions.`, undefined, {
      cause: e,
    });
  }
}

/** How messages name a host's settings: the environment variables for `local`, the hosts file's fields for the others. */
export interface SettingNames {
  /** "Docker engine" (local) or "Docker host nas". */
  engine: string;
  certPath: string;
  tlsVerify: string;
  sshKeyFile: string;
  url: string;
}

export const LOCAL_NAMES: SettingNames = {
  engine: "Docker engine",
  certPath: "DOCKER_CERT_PATH",
  tlsVerify: "DOCKER_TLS_VERIFY",
  sshKeyFile: "DOCKER_SSH_KEY_FILE",
  url: "DOCKER_HOST",
};

/** The names for one host (of config().dockerHosts). */
export function settingNames(host: string): SettingNames {
  if (host === LOCAL_HOST) return LOCAL_NAMES;
  const f = `in DOCKER_HOSTS_FILE`;
  return {
    engine: `Docker host ${host}`,
    certPath: `hosts.${host}.certPath ${f}`,
    tlsVerify: `hosts.${host}.tlsVerify ${f}`,
    sshKeyFile: `hosts.${host}.sshKeyFile ${f}`,
    url: `hosts.${host}.url ${f}`,
  };
}

/**
 * Build dockerode options from DOCKER_HOST: unix socket, tcp:// (TLS with DOCKER_CERT_PATH) or ssh://
 * (the key in sshKeyFile and/or the agent at SSH_AUTH_SOCK; the remote runs `docker system dial-stdio`).
 */
export function dockerOptions(
  host: string,
  tlsVerify?: boolean,
  certPath?: string,
  sshKeyFile?: string,
  names: SettingNames = LOCAL_NAMES,
): Docker.DockerOptions {
  const u = new URL(host);
  switch (u.protocol) {
    case "unix:":
      return { socketPath: u.pathname };
    case "npipe:":
      return { socketPath: host.replace(/^npipe:\/\//, "") };
    case "tcp:": {
      const tls = tlsVerify || !!certPath;
      const opts: Docker.DockerOptions = {
        host: u.hostname,
        port: Number(u.port || (tls ? 2376 : 2375)),
        protocol: tls ? "https" : "http",
      };
      if (tls && certPath) {
        if (!fs.existsSync(certPath))
          throw new AppError(
            "dependency_down",
            `${names.engine}: the ${names.certPath} folder does not exist; point it at the folder with ca.pem, cert.pem and key.pem.`,
          );
        // All three files are needed: docker-modem itself reads them from DOCKER_CERT_PATH when the client is
        // created and would fail with a bare ENOENT on a missing one.
        const missing = ["ca.pem", "cert.pem", "key.pem"].filter((f) => !fs.existsSync(path.join(certPath, f)));
        if (missing.length)
          throw new AppError(
            "dependency_down",
            `${names.engine}: ${names.certPath} has no ${missing.join(", ")}; it needs ca.pem (the engine's CA) and the client certificate cert.pem with its key.pem.`,
          );
        opts.ca = readConfigured(path.join(certPath, "ca.pem"), names.certPath, "ca.pem", names.engine);
        opts.cert = readConfigured(path.join(certPath, "cert.pem"), names.certPath, "cert.pem", names.engine);
        opts.key = readConfigured(path.join(certPath, "key.pem"), names.certPath, "key.pem", names.engine);
      }
      return opts;
    }
    case "ssh:": {
      // readyTimeout and keepalives bound a dead connection: the request timeout cannot apply over ssh (see docker()).
      const sshOptions: Record<string, unknown> = { agent: process.env.SSH_AUTH_SOCK, readyTimeout: 15_000, keepaliveInterval: 5_000, keepaliveCountMax: 3 };
      if (sshKeyFile) sshOptions.privateKey = readConfigured(sshKeyFile, names.sshKeyFile, "the SSH private key", names.engine);
      return {
        protocol: "ssh",
        host: u.hostname,
        port: Number(u.port || 22),
        username: decodeURIComponent(u.username) || undefined,
        sshOptions,
      } as Docker.DockerOptions;
    }
    default:
      throw new AppError("bad_request", `${names.url} ${redact(host)} uses an unsupported scheme`);
  }
}

export function docker(): Docker {
  return singleton("docker", () => {
    const c = config();
    const opts = dockerOptions(c.DOCKER_HOST, c.DOCKER_TLS_VERIFY, c.DOCKER_CERT_PATH, c.DOCKER_SSH_KEY_FILE);
    // docker-modem's ssh:// agent hands http an ssh2 channel, which has no setTimeout(): a request timeout
    // there throws an uncaught TypeError ("sock.setTimeout is not a function") and takes the process down.
    return new Docker(opts.protocol === "ssh" ? opts : { ...opts, timeout: 15_000 });
  });
}

// Node's certificate verification codes: the engine's certificate is not signed by ca.pem (or has expired, or names another host).
const SERVER_CERT_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Translate dockerode / socket / TLS / SSH errors into the app's error codes. */
export function dockerError(e: unknown, what: string, hostName: string = LOCAL_HOST): AppError {
  if (e instanceof AppError) return e; // already says what to do (e.g. an unreadable DOCKER_CERT_PATH file)
  const err = e as { statusCode?: number; code?: string; level?: string; message?: string; json?: { message?: string } };
  const msg = err.json?.message ?? err.message ?? String(e);
  const hc = hostName === LOCAL_HOST ? undefined : config().dockerHosts.find((h) => h.name === hostName);
  const n = settingNames(hostName);
  // `local` keeps today's wording ("Docker engine at <DOCKER_HOST>"); another host is named: "Docker host nas (<url>)".
  const host = redact(hc ? hc.url : config().DOCKER_HOST);
  const at = hc ? `Docker host ${hostName} (${host})` : `Docker engine at ${host}`;
  const on = hc ? `${what} on host ${hostName}` : what;
  if (err.statusCode === 404) return new AppError("not_found", `${on}: not found (${msg})`, undefined, { cause: e });
  if (err.statusCode === 409) return new AppError("conflict", `${on}: ${msg}`, undefined, { cause: e });
  if (err.code === "EACCES")
    return new AppError(
      "dependency_down",
      hc
        ? `${at}: permission denied; the user Oresi connects as must be in the docker group there.`
        : `Docker engine: permission denied on ${host}; run Oresi as a user in the docker group.`,
      undefined,
      { cause: e },
    );
  const code = err.code ?? "";
  if (SERVER_CERT_CODES.has(code))
    return new AppError(
      "dependency_down",
      `${at}: its TLS certificate is not trusted (${code}); put the CA that signed it in ${n.certPath}/ca.pem.`,
      undefined,
      { cause: e },
    );
  if (/^ERR_SSL_|^ERR_TLS_|^EPROTO$/.test(code))
    return new AppError(
      "dependency_down",
      `${at} refused the TLS connection (${code}); check the client certificate in ${n.certPath} (cert.pem and key.pem signed by the engine's CA) and ${n.tlsVerify}.`,
      undefined,
      { cause: e },
    );
  const tlsOn = /^tcp:/.test(host) && (hc ? !!hc.tlsVerify || !!hc.certPath : config().DOCKER_TLS_VERIFY || !!config().DOCKER_CERT_PATH);
  if (tlsOn && (["ECONNRESET", "EPIPE"].includes(code) || /socket hang up/i.test(msg)))
    return new AppError(
      "dependency_down",
      `${at} closed the TLS connection (${code || msg}); if it keeps doing so while the engine is up, it refuses the client certificate: check ${n.certPath} (cert.pem and key.pem signed by the engine's CA) and ${n.tlsVerify}.`,
      undefined,
      { cause: e },
    );
  if (err.level === "client-authentication")
    return new AppError(
      "dependency_down",
      `${at}: the SSH server refused the key (${msg}); authorize the key in ${n.sshKeyFile} (or the ssh agent's) for that user.`,
      undefined,
      { cause: e },
    );
  if (/^Cannot parse privateKey|private .*key.*passphrase|no passphrase given/i.test(msg))
    return new AppError(
      "dependency_down",
      `${at}: the key in ${n.sshKeyFile} cannot be used (${msg}); use an unencrypted OpenSSH or PEM private key.`,
      undefined,
      {
        cause: e,
      },
    );
  if (
    ["ENOENT", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ECONNRESET", "EHOSTUNREACH", "ENOTCONN", "ENOTFOUND", "EAI_AGAIN"].includes(code) ||
    /timeout|timed out|socket hang up/i.test(msg)
  )
    return new AppError(
      "dependency_down",
      hc ? `Docker host ${hostName} unreachable at ${host} (${err.code ?? msg}).` : `Docker engine is not reachable at ${host} (${err.code ?? msg}).`,
      undefined,
      {
        cause: e,
      },
    );
  return new AppError("upstream_error", `${on}: ${msg}`, undefined, { cause: e });
}
