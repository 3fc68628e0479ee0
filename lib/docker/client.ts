import "server-only";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { config } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";

/** Build dockerode options from DOCKER_HOST: unix socket, tcp:// (TLS with DOCKER_CERT_PATH) or ssh://. */
export function dockerOptions(host: string, tlsVerify?: boolean, certPath?: string): Docker.DockerOptions {
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
        opts.ca = fs.readFileSync(path.join(certPath, "ca.pem"));
        opts.cert = fs.readFileSync(path.join(certPath, "cert.pem"));
        opts.key = fs.readFileSync(path.join(certPath, "key.pem"));
      }
      return opts;
    }
    case "ssh:":
      return {
        protocol: "ssh",
        host: u.hostname,
        port: Number(u.port || 22),
        username: decodeURIComponent(u.username) || undefined,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      } as Docker.DockerOptions;
    default:
      throw new AppError("bad_request", `DOCKER_HOST ${host} uses an unsupported scheme`);
  }
}

export function docker(): Docker {
  return singleton("docker", () => {
    const c = config();
    return new Docker({ ...dockerOptions(c.DOCKER_HOST, c.DOCKER_TLS_VERIFY, c.DOCKER_CERT_PATH), timeout: 15_000 });
  });
}

/** Translate dockerode / socket errors into the app's error codes. */
export function dockerError(e: unknown, what: string): AppError {
  const err = e as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const msg = err.json?.message ?? err.message ?? String(e);
  if (err.statusCode === 404) return new AppError("not_found", `${what}: not found (${msg})`, undefined, { cause: e });
  if (err.statusCode === 409) return new AppError("conflict", `${what}: ${msg}`, undefined, { cause: e });
  if (err.code === "EACCES")
    return new AppError(
      "dependency_down",
      `Docker engine: permission denied on ${config().DOCKER_HOST}; run Oresi as a user in the docker group.`,
      undefined,
      { cause: e },
    );
  if (["ENOENT", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ECONNRESET", "EHOSTUNREACH", "ENOTCONN"].includes(err.code ?? "") || /timeout|socket hang up/i.test(msg))
    return new AppError("dependency_down", `Docker engine is not reachable at ${config().DOCKER_HOST} (${err.code ?? msg}).`, undefined, {
      cause: e,
    });
  return new AppError("upstream_error", `${what}: ${msg}`, undefined, { cause: e });
}
