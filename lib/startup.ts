import "server-only";
import http from "node:http";
import { config, ConfigError } from "./config";
import { db, DatabaseStartupError } from "./db";
import { logger } from "./logger";
import { singleton } from "./singleton";
import { PEER_HEADER } from "./access/authorize";
import { startIdleGc } from "./runtime/idle-gc";

type Hook = { name: string; run: () => Promise<void> | void };
const hooks = singleton("startup.hooks", () => [] as Hook[]);

/** Parts that need to run at start-up (recovery of interrupted deployments, the scheduler) register here. */
export function onStartup(name: string, run: Hook["run"]): void {
  if (!hooks.some((h) => h.name === name)) hooks.push({ name, run });
}

/**
 * Stamp every request with the socket's peer address in a header a client cannot
 * set (any incoming value is overwritten). Next.js keeps a client-sent
 * X-Forwarded-For, so the access layer reads this header instead.
 */
function stampPeerAddress() {
  const proto = http.Server.prototype as unknown as { emit: (...a: unknown[]) => boolean; __oresiPeer?: boolean };
  if (proto.__oresiPeer) return;
  const orig = proto.emit;
  proto.emit = function (this: http.Server, event: unknown, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "unknown";
    }
    return orig.call(this, event, ...args);
  };
  proto.__oresiPeer = true;
}

export async function startup(): Promise<void> {
  try {
    const c = config();
    db();
    stampPeerAddress();
    startIdleGc();
    logger.info("Oresi Releases starting", {
      version: process.env.ORESI_VERSION,
      stacksDir: c.stacksDir,
      dataDir: c.dataDir,
      dockerHost: c.DOCKER_HOST,
    });
    const { registerStartupParts } = await import("./startup-parts");
    registerStartupParts();
    for (const h of hooks) {
      try {
        await h.run();
      } catch (e) {
        logger.error(`start-up step ${h.name} failed`, { err: e as Error });
      }
    }
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DatabaseStartupError || (e as Error).name === "ConfigError") {
      process.stderr.write(`\nOresi Releases cannot start.\n${(e as Error).message}\n\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}
