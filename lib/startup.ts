import "server-only";
import http from "node:http";
import { config, ConfigError } from "./config";
import { db, DatabaseStartupError } from "./db";
import { logger } from "./logger";
import { PEER_HEADER } from "./access/authorize";
import { startIdleGc } from "./runtime/idle-gc";

interface Part {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * The start-up work of each part of the product, in the order it runs. Loaded after the
 * configuration and the database are known good (a bad configuration stops the process
 * before any part's module is evaluated).
 */
async function parts(): Promise<Part[]> {
  const [deploy, access, intents, sync, stacks] = await Promise.all([
    import("./deploy/startup"),
    import("./access/startup"),
    import("./intents/startup"),
    import("./sync/startup"),
    import("./stacks/startup"),
  ]);
  return [
    { name: "deploy.recover", run: deploy.recoverDeployments }, // first: recover interrupted deployments before anything schedules one
    { name: "access", run: access.startAccess }, // session secret; first-run admin password printed once
    { name: "intents", run: intents.loadIntents },
    { name: "sync", run: sync.startSync }, // deployment notifications, then the sync schedule
    { name: "stacks.update-check", run: stacks.startUpdateChecks }, // image update checks on a slow schedule
  ];
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
    // Each part runs after the one before it; a part that fails is logged and the next one runs.
    for (const p of await parts()) {
      try {
        await p.run();
      } catch (e) {
        logger.error(`start-up step ${p.name} failed`, { err: e as Error });
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
