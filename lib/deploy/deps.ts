import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { config } from "../config";
import { logger } from "../logger";
import { composeDown, composeUp } from "../docker/compose";
import { invalidateContainers, listContainers } from "../docker/containers";
import { dockerFor, hostNames } from "../docker/hosts";
import { dockerError } from "../docker/client";
import { imageInspect, pullImage } from "../docker/images";
import { exportStackAt } from "../git/read";
import { fetchOrigin } from "../git/remote";
import { assertSignedRelease } from "../git/signature";
import { checkoutDetached, dirtyFiles, workTreeSnapshot } from "../git/state";
import { listReleases, resolveRelease } from "../git/tags";
import { desiredConfig } from "../stacks/desired";
import { emitFinished } from "./events";
import { putOnHold } from "./holds";
import { newDeploymentId } from "./ids";
import { releaseLock, transferLock } from "./lock";
import { planChanges } from "./plan-changes";
import { captureServices, planPins, writePinOverride } from "./pins";
import { previewPlan } from "./preview";
import { appendLog, getDeploymentRow, historyRows, updateDeployment } from "./store";
import { swarmDeps } from "./steps/swarm-deps";
import type { EngineDeps } from "./steps/types";
import { verifyContainers } from "./verify";
import { verifyExtras } from "./verify-extras";

// The deployment engine's real dependencies: today's adapters (git, Docker and Compose,
// Uptime Kuma through verification, SQLite), as one EngineDeps object. The steps in
// ./steps know only the interface; unit tests pass in-memory fakes instead (./steps/testing.ts).

export function engineDeps(): EngineDeps {
  return {
    config,
    git: {
      fetch: (signal) => fetchOrigin(signal),
      hasLocalRelease: async (tag) => (await listReleases()).byTag.has(tag),
      resolve: (tag) => resolveRelease(tag),
      assertSigned: (tag, sha) => assertSignedRelease(tag, sha),
      dirtyFiles: () => dirtyFiles(),
      snapshot: () => workTreeSnapshot(),
      checkout: (sha, opts) => checkoutDetached(sha, opts),
      exportStack: (sha, files, dest) => exportStackAt(sha, files, dest),
    },
    plan: {
      changes: (sha, from, exactFrom) => planChanges(sha, from, exactFrom),
      preview: (kind, from, to, sha, plan) => previewPlan(kind, from, to, sha, plan),
      composeConfig: (sha, files) => desiredConfig(sha, files),
      pins: (stack, recorded, current, host) => planPins(stack, recorded, current, host),
      writePins: (id, stack, pins) => writePinOverride(id, stack, pins),
    },
    compose: {
      up: (stack, opts) => composeUp(stack.dir, stack.name, { files: opts.files, onLine: (l) => opts.onLine(l), signal: opts.signal, host: stack.host }),
      down: (stack, opts) => composeDown(stack.dir, stack.name, { onLine: (l) => opts.onLine(l), signal: opts.signal, host: stack.host }),
    },
    docker: {
      hosts: () => hostNames(),
      ping: async (host) => {
        try {
          await dockerFor(host).ping();
        } catch (e) {
          throw dockerError(e, "Docker engine", host);
        }
      },
      imageInspect: (ref, host) => imageInspect(ref, host),
      pull: (ref, onProgress, host) => pullImage(ref, onProgress, undefined, host),
      invalidate: () => invalidateContainers(),
      containers: (host) => listContainers(host),
      capture: (stacks, refs, hosts) => captureServices(stacks, refs, hosts),
    },
    verify: {
      containers: (stacks, opts) => verifyContainers(stacks, opts),
      extras: (stacks, opts) => verifyExtras(stacks, opts),
    },
    store: {
      get: getDeploymentRow,
      update: (id, patch) => updateDeployment(id, patch),
      appendLog,
      history: historyRows,
      newId: newDeploymentId,
      putOnHold,
      transferLock,
      releaseLock,
    },
    events: {
      finished: emitFinished,
      // The next "Roll back" should find Compose's config and hashes cached: compute its preview now.
      succeeded: () => {
        setTimeout(() => void import("./preview").then((m) => m.previewDeployment({ kind: "rollback" })).catch(() => {}), 0).unref();
      },
    },
    fs: {
      tempDir: (id) => fs.mkdtempSync(path.join(os.tmpdir(), `oresi-${id}-`)),
      remove: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
    },
    clock: { now: () => Date.now() },
    log: { error: (msg, meta) => logger.error(msg, meta) },
    swarm: swarmDeps(),
  };
}
