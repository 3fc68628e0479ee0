import "server-only";
import fs from "node:fs";
import path from "node:path";
import { config } from "./config";
import { db } from "./db";
import { docker, dockerError } from "./docker/client";
import { hostsHealth, multiHost, type HostHealth } from "./docker/hosts";
import { sharedValue } from "./cache";
import type { DependencyStatus, Health } from "./domain";
import { deploymentsStatus } from "./deploy/startup";
import { intentsStatus } from "./intents/startup";
import { kumaDependency } from "./kuma/status";
import { syncStatus } from "./sync/scheduler";

export type { DependencyStatus, Health } from "./domain";

export interface StatusReport {
  status: Health;
  version: string;
  commit: string;
  dependencies: DependencyStatus[];
  /** What other parts report (deployments, intents, sync, …), one key each. */
  sections: Record<string, unknown>;
  checkedAt: string;
}

/** The sections of /api/status, in order; one that throws shows `{ error }` instead. Add a part's section here. */
const SECTIONS: Record<string, () => Promise<unknown> | unknown> = {
  hosts: hostsSection,
  deployments: deploymentsStatus,
  intents: intentsStatus,
  sync: syncStatus,
};

async function timed(name: DependencyStatus["name"], fn: () => Promise<Omit<DependencyStatus, "name" | "latencyMs">>) {
  const t0 = performance.now();
  try {
    const r = await fn();
    return { name, ...r, latencyMs: Math.round(performance.now() - t0) };
  } catch (e) {
    return { name, status: "down" as Health, reason: (e as Error).message, latencyMs: Math.round(performance.now() - t0) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, rej) => {
      t = setTimeout(() => rej(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

export async function checkStacks(): Promise<DependencyStatus> {
  return timed("stacks", async () => {
    const dir = config().stacksDir;
    if (!fs.existsSync(dir))
      return {
        status: "down",
        reason: `STACKS_DIR ${dir} does not exist`,
        hint: "Set STACKS_DIR to your Dockge stacks folder, or clone your stacks repository into it.",
      };
    if (!fs.existsSync(path.join(dir, ".git")))
      return {
        status: "down",
        reason: `STACKS_DIR ${dir} is not a git repository`,
        hint: "Clone your stacks repository into STACKS_DIR (the Overview offers to), or point STACKS_DIR at a clone.",
      };
    return { status: "ok", reason: `git work tree at ${dir}` };
  });
}

const hostsCache = sharedValue<HostHealth[]>("status.hosts");

/** Every Docker host's health (one ping each, at once), shared by the docker check and the hosts section. */
export function dockerHostsHealth(): Promise<HostHealth[]> {
  return hostsCache.get(() => hostsHealth(3000), 1500);
}

/**
 * The Docker dependency. With one host, as always: ok or down. With several: ok when all answer,
 * degraded when some do (only their stacks are affected), down when none does; each host is in the
 * `hosts` section.
 */
export async function checkDocker(): Promise<DependencyStatus> {
  if (!multiHost())
    return timed("docker", async () => {
      try {
        await withTimeout(docker().ping(), 3000, "Docker engine");
        return { status: "ok", reason: `engine answers at ${config().DOCKER_HOST}` };
      } catch (e) {
        const err = dockerError(e, "Docker engine");
        return { status: "down", reason: err.message, hint: "Start the Docker engine or fix DOCKER_HOST; the dashboard recovers by itself." };
      }
    });
  return timed("docker", async () => {
    const hosts = await dockerHostsHealth();
    const down = hosts.filter((h) => h.status === "down");
    if (!down.length) return { status: "ok", reason: `${hosts.length} Docker hosts answer (${hosts.map((h) => h.name).join(", ")})` };
    const names = down.map((h) => h.name).join(", ");
    return {
      status: down.length === hosts.length ? "down" : "degraded",
      reason: `${down.length === 1 ? `host ${names}` : `hosts ${names}`} unreachable (${down.length} of ${hosts.length}): ${down.map((h) => h.reason).join("; ")}`,
      hint: `Only the stacks on ${names} are affected (they say "host … unreachable"); start that engine or fix its entry in DOCKER_HOSTS_FILE. The dashboard recovers by itself.`,
    };
  });
}

/** The hosts section of /api/status: one entry per Docker host, in rollout order. */
async function hostsSection(): Promise<Record<string, Omit<HostHealth, "name">>> {
  return Object.fromEntries((await dockerHostsHealth()).map(({ name, ...h }) => [name, h]));
}

export async function checkDatabase(): Promise<DependencyStatus> {
  return timed("database", async () => {
    db().prepare("SELECT 1").get();
    return { status: "ok", reason: `SQLite at ${path.join(config().dataDir, "oresi.db")}` };
  });
}

/** The dependency checks, in the order /api/status lists them. Kuma's is its adapter's (status page and /metrics, with a deadline). */
const CHECKS: Record<DependencyStatus["name"], () => Promise<DependencyStatus>> = {
  stacks: checkStacks,
  docker: checkDocker,
  kuma: () => kumaDependency(),
  database: checkDatabase,
};

const cache = sharedValue<StatusReport>("status");

async function compute(): Promise<StatusReport> {
  const dependencies = await Promise.all(Object.values(CHECKS).map((check) => check()));
  const extra: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(SECTIONS)) {
    try {
      extra[name] = await fn();
    } catch (e) {
      extra[name] = { error: (e as Error).message };
    }
  }
  const worst = dependencies.some((d) => d.status === "down") ? "down" : dependencies.some((d) => d.status === "degraded") ? "degraded" : "ok";
  return {
    status: worst,
    version: process.env.ORESI_VERSION ?? "dev",
    commit: process.env.ORESI_COMMIT ?? "unknown",
    dependencies,
    sections: extra,
    checkedAt: new Date().toISOString(),
  };
}

/** Dependency health, shared by every viewer for two seconds (one probe per refresh). */
/** Forget the shared report (after something that changes a dependency's state, such as a clone). */
export function invalidateStatus(): void {
  cache.invalidate();
  hostsCache.invalidate();
}

export function status(maxAgeMs = 2000): Promise<StatusReport> {
  return cache.get(compute, maxAgeMs);
}
