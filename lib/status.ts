import "server-only";
import fs from "node:fs";
import path from "node:path";
import { config } from "./config";
import { db } from "./db";
import { docker, dockerError } from "./docker/client";
import { singleton } from "./singleton";
import { sharedValue } from "./cache";

export type Health = "ok" | "degraded" | "down" | "unconfigured";

export interface DependencyStatus {
  name: "stacks" | "docker" | "kuma" | "database";
  status: Health;
  reason: string;
  latencyMs: number;
  /** What a person should do about it, when something is wrong. */
  hint?: string;
}

export interface StatusReport {
  status: Health;
  version: string;
  commit: string;
  dependencies: DependencyStatus[];
  /** Other parts (intents, sync, …) add their sections here. */
  sections: Record<string, unknown>;
  checkedAt: string;
}

type Section = () => Promise<unknown> | unknown;
const sections = singleton("status.sections", () => new Map<string, Section>());

/** Let another part add a section to /api/status (intents, sync, …). */
export function registerStatusSection(name: string, fn: Section): void {
  sections.set(name, fn);
}

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
      return { status: "down", reason: `STACKS_DIR ${dir} does not exist`, hint: "Set STACKS_DIR to your Dockge stacks folder, or clone your stacks repository into it." };
    if (!fs.existsSync(path.join(dir, ".git")))
      return { status: "down", reason: `STACKS_DIR ${dir} is not a git repository`, hint: "Clone your stacks repository into STACKS_DIR (the Overview offers to), or point STACKS_DIR at a clone." };
    return { status: "ok", reason: `git work tree at ${dir}` };
  });
}

export async function checkDocker(): Promise<DependencyStatus> {
  return timed("docker", async () => {
    try {
      await withTimeout(docker().ping(), 3000, "Docker engine");
      return { status: "ok", reason: `engine answers at ${config().DOCKER_HOST}` };
    } catch (e) {
      const err = dockerError(e, "Docker engine");
      return { status: "down", reason: err.message, hint: "Start the Docker engine or fix DOCKER_HOST; the dashboard recovers by itself." };
    }
  });
}

export async function checkKuma(): Promise<DependencyStatus> {
  return timed("kuma", async () => {
    const c = config();
    if (!c.KUMA_URL) return { status: "unconfigured", reason: "KUMA_URL is not set", hint: "Set KUMA_URL and KUMA_STATUS_PAGE or KUMA_API_KEY to see monitors." };
    const ctrl = AbortSignal.timeout(c.KUMA_TIMEOUT);
    const url = c.KUMA_STATUS_PAGE ? `${c.KUMA_URL}/api/status-page/${c.KUMA_STATUS_PAGE}` : `${c.KUMA_URL}/metrics`;
    const headers: Record<string, string> = {};
    if (!c.KUMA_STATUS_PAGE && c.KUMA_API_KEY) headers.authorization = "Basic " + Buffer.from(":" + c.KUMA_API_KEY).toString("base64");
    const res = await fetch(url, { signal: ctrl, headers, redirect: "error" });
    await res.arrayBuffer();
    if (!res.ok) return { status: "degraded", reason: `Uptime Kuma answered ${res.status}` };
    return { status: "ok", reason: `Uptime Kuma answers at ${c.KUMA_URL}` };
  });
}

export async function checkDatabase(): Promise<DependencyStatus> {
  return timed("database", async () => {
    db().prepare("SELECT 1").get();
    return { status: "ok", reason: `SQLite at ${path.join(config().dataDir, "oresi.db")}` };
  });
}

// A singleton: instrumentation (where parts register) and each route are separate bundles.
const checks = singleton("status.checks", (): Record<DependencyStatus["name"], () => Promise<DependencyStatus>> => ({
  stacks: checkStacks,
  docker: checkDocker,
  kuma: checkKuma,
  database: checkDatabase,
}));

/** Replace a dependency check (adapters register richer ones than the defaults above). */
export function registerDependencyCheck(name: DependencyStatus["name"], fn: () => Promise<DependencyStatus>): void {
  checks[name] = fn;
}

const cache = sharedValue<StatusReport>("status");

async function compute(): Promise<StatusReport> {
  const dependencies = await Promise.all((Object.keys(checks) as DependencyStatus["name"][]).map((k) => checks[k]()));
  const extra: Record<string, unknown> = {};
  for (const [name, fn] of sections) {
    try {
      extra[name] = await fn();
    } catch (e) {
      extra[name] = { error: (e as Error).message };
    }
  }
  const worst = dependencies.some((d) => d.status === "down")
    ? "down"
    : dependencies.some((d) => d.status === "degraded")
      ? "degraded"
      : "ok";
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
}

export function status(maxAgeMs = 2000): Promise<StatusReport> {
  return cache.get(compute, maxAgeMs);
}
