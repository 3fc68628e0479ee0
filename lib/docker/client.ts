import "server-only";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { config } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";
import { redact } from "../redact";

/** Read one file named by configuration; the error names the variable and the file, never its content. */
function readConfigured(file: string, variable: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new AppError("dependency_down", `Docker engine: cannot read ${what} from ${variable} (${code}); fix ${variable} or the file's permissions.`, undefined, {
      cause: e,
    });
  }
}

/**
 * Build dockerode options from DOCKER_HOST: unix socket, tcp:// (TLS with DOCKER_CERT_PATH) or ssh://
 * (the key in sshKeyFile and/or the agent at SSH_AUTH_SOCK; the remote runs `docker system dial-stdio`).
 */
export function dockerOptions(host: string, tlsVerify?: boolean, certPath?: string, sshKeyFile?: string): Docker.DockerOptions {
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
          throw new AppError("dependency_down", "Docker engine: the DOCKER_CERT_PATH folder does not exist; point it at the folder with ca.pem, cert.pem and key.pem.");
        // All three files are needed: docker-modem itself reads them from DOCKER_CERT_PATH when the client is
        // created and would fail with a bare ENOENT on a missing one.
        const missing = ["ca.pem", "cert.pem", "key.pem"].filter((f) => !fs.existsSync(path.join(certPath, f)));
        if (missing.length)
          throw new AppError(
            "dependency_down",
            `Docker engine: DOCKER_CERT_PATH has no ${missing.join(", ")}; it needs ca.pem (the engine's CA) and the client certificate cert.pem with its key.pem.`,
          );
        opts.ca = readConfigured(path.join(certPath, "ca.pem"), "DOCKER_CERT_PATH", "ca.pem");
        opts.cert = readConfigured(path.join(certPath, "cert.pem"), "DOCKER_CERT_PATH", "cert.pem");
        opts.key = readConfigured(path.join(certPath, "key.pem"), "DOCKER_CERT_PATH", "key.pem");
      }
      return opts;
    }
    case "ssh:": {
      // readyTimeout and keepalives bound a dead connection: the request timeout cannot apply over ssh (see docker()).
      const sshOptions: Record<string, unknown> = { agent: process.env.SSH_AUTH_SOCK, readyTimeout: 15_000, keepaliveInterval: 5_000, keepaliveCountMax: 3 };
      if (sshKeyFile) sshOptions.privateKey = readConfigured(sshKeyFile, "DOCKER_SSH_KEY_FILE", "the SSH private key");
      return {
        protocol: "ssh",
        host: u.hostname,
        port: Number(u.port || 22),
        username: decodeURIComponent(u.username) || undefined,
        sshOptions,
      } as Docker.DockerOptions;
    }
    default:
      throw new AppError("bad_request", `DOCKER_HOST ${redact(host)} uses an unsupported scheme`);
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
export function dockerError(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e; // already says what to do (e.g. an unreadable DOCKER_CERT_PATH file)
  const err = e as { statusCode?: number; code?: string; level?: string; message?: string; json?: { message?: string } };
  const msg = err.json?.message ?? err.message ?? String(e);
  const host = redact(config().DOCKER_HOST);
  if (err.statusCode === 404) return new AppError("not_found", `${what}: not found (${msg})`, undefined, { cause: e });
  if (err.statusCode === 409) return new AppError("conflict", `${what}: ${msg}`, undefined, { cause: e });
  if (err.code === "EACCES")
    return new AppError(
      "dependency_down",
      `Docker engine: permission denied on ${host}; run Oresi as a user in the docker group.`,
      undefined,
      { cause: e },
    );
  const code = err.code ?? "";
  if (SERVER_CERT_CODES.has(code))
    return new AppError(
      "dependency_down",
      `Docker engine at ${host}: its TLS certificate is not trusted (${code}); put the CA that signed it in DOCKER_CERT_PATH/ca.pem.`,
      undefined,
      { cause: e },
    );
  if (/^ERR_SSL_|^ERR_TLS_|^EPROTO$/.test(code))
    return new AppError(
      "dependency_down",
      `Docker engine at ${host} refused the TLS connection (${code}); check the client certificate in DOCKER_CERT_PATH (cert.pem and key.pem signed by the engine's CA) and DOCKER_TLS_VERIFY.`,
      undefined,
      { cause: e },
    );
  const tlsOn = /^tcp:/.test(host) && (config().DOCKER_TLS_VERIFY || !!config().DOCKER_CERT_PATH);
  if (tlsOn && (["ECONNRESET", "EPIPE"].includes(code) || /socket hang up/i.test(msg)))
    return new AppError(
      "dependency_down",
      `Docker engine at ${host} closed the TLS connection (${code || msg}); if it keeps doing so while the engine is up, it refuses the client certificate: check DOCKER_CERT_PATH (cert.pem and key.pem signed by the engine's CA) and DOCKER_TLS_VERIFY.`,
      undefined,
      { cause: e },
    );
  if (err.level === "client-authentication")
    return new AppError(
      "dependency_down",
      `Docker engine at ${host}: the SSH server refused the key (${msg}); authorize the key in DOCKER_SSH_KEY_FILE (or the ssh agent's) for that user.`,
      undefined,
      { cause: e },
    );
  if (/^Cannot parse privateKey|private .*key.*passphrase|no passphrase given/i.test(msg))
    return new AppError("dependency_down", `Docker engine at ${host}: the key in DOCKER_SSH_KEY_FILE cannot be used (${msg}); use an unencrypted OpenSSH or PEM private key.`, undefined, {
      cause: e,
    });
  if (["ENOENT", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ECONNRESET", "EHOSTUNREACH", "ENOTCONN", "ENOTFOUND", "EAI_AGAIN"].includes(code) || /timeout|timed out|socket hang up/i.test(msg))
    return new AppError("dependency_down", `Docker engine is not reachable at ${host} (${err.code ?? msg}).`, undefined, {
      cause: e,
    });
  return new AppError("upstream_error", `${what}: ${msg}`, undefined, { cause: e });
}
