import "server-only";
import { sharedValue } from "../cache";
import { containerDetails, containersByHost, listImages, peekDetails } from "../docker/containers";
import { LOCAL_HOST } from "../docker/hosts";
import type { ContainerInfo, ImageInfo } from "../docker/types";
import { repoState } from "../git/state";
import { AppError } from "../errors";
import { maskText, maskYaml } from "../secrets/mask";
import { desiredStacks, type DesiredStack } from "./desired";
import { buildStacks, type DriftInput } from "./drift";
import { HEALTH_STATUSES, SYNC_STATUSES } from "./status-model";
import type { HealthStatus, ProjectGroup, StacksReport, StackView, SyncStatus } from "./types";
import { applySwarmStacks } from "./swarm";
import { lastChecks } from "./updates";

// The Stacks model: desired state (cached per commit) + one container list + one image list
// (each shared by every viewer for a couple of seconds) + cached inspects → drift per service.

async function monitorMap(): Promise<DriftInput["monitors"]> {
  try {
    const { monitorsByStack } = await import("./monitors");
    const list = await Promise.race([monitorsByStack(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error("kuma slow")), 1500).unref())]);
    return new Map(
      list.map((s) => [
        s.stack,
        { state: s.state, total: s.monitors.length, down: s.monitors.filter((m) => m.state === "down").length, states: s.monitors.map((m) => m.state) },
      ]),
    );
  } catch {
    return undefined; // Kuma down or unconfigured: containers alone decide the health
  }
}

const reportCache = sharedValue<StacksReport>("stacks.report");

interface HostRead {
  host: string;
  containers: ContainerInfo[];
  images: ImageInfo[];
  error?: AppError;
}

/**
 * Each Docker host's containers and images. A host that does not answer has an error and no
 * containers: only its stacks are affected. When no host answers, the report fails as it did
 * with one host (503 with the reason).
 */
async function hostReads(): Promise<HostRead[]> {
  const lists = await containersByHost();
  const reads = await Promise.all(
    lists.map(async (h): Promise<HostRead> => {
      if (h.error) return { host: h.host, containers: [], images: [], error: h.error };
      try {
        return { host: h.host, containers: h.containers, images: await listImages(h.host) };
      } catch (e) {
        return { host: h.host, containers: [], images: [], error: e as AppError };
      }
    }),
  );
  if (reads.every((r) => r.error)) throw (reads.find((r) => r.host === LOCAL_HOST) ?? reads[0]).error;
  return reads;
}

/** A stack whose host is down (or not configured): its services as the release has them, nothing known about what runs. */
function unreachableStack(d: DesiredStack, why: string): StackView {
  const reason = why;
  return {
    name: d.stack,
    host: d.host,
    hostDown: reason,
    sync: { status: "unknown", reason, differs: [] },
    health: { status: "unknown", reason },
    drifted: false,
    services: d.services.map((s) => ({
      name: s.name,
      desired: { image: s.image, configHash: s.configHash, version: null },
      containers: [],
      drift: [],
      sync: "unknown",
      health: { status: "unknown", reason },
      healthcheck: null,
    })),
    ...(d.error ? { desiredError: d.error } : {}),
    monitors: null,
  };
}

/** buildStacks once per host (its stacks, containers and images), merged in the release's order. */
function buildPerHost(
  desired: DesiredStack[],
  reads: HostRead[],
  rest: Pick<DriftInput, "details" | "remote" | "monitors">,
): { stacks: StackView[]; others: ProjectGroup[] } {
  const views = new Map<string, StackView>();
  const others: ProjectGroup[] = [];
  for (const r of reads) {
    const mine = desired.filter((d) => d.host === r.host && !d.hostError);
    if (r.error) {
      for (const d of mine) views.set(d.stack, unreachableStack(d, `host ${r.host} unreachable`));
      continue;
    }
    const built = buildStacks({ desired: mine, containers: r.containers, images: r.images, ...rest });
    for (const v of built.stacks) views.set(v.name, { ...v, host: r.host });
    others.push(...built.others.map((g) => ({ ...g, host: r.host })));
  }
  for (const d of desired) if (d.hostError) views.set(d.stack, unreachableStack(d, `host ${d.host} not configured`));
  return { stacks: desired.map((d) => views.get(d.stack)!), others };
}

/** The 503 of a stack whose host is down: "Stack x: host nas unreachable (…)". */
function assertHostUp(stack: StackView, report: StacksReport): void {
  if (!stack.hostDown) return;
  const h = report.hosts.find((x) => x.name === stack.host);
  const code = h ? "dependency_down" : "preflight_failed";
  throw new AppError(code, `Stack ${stack.name}: ${stack.hostDown}${h?.message ? ` (${h.message})` : ""}.`);
}

async function compute(): Promise<StacksReport> {
  const [desired, lists, repo, monitors] = await Promise.all([
    desiredStacks(),
    hostReads(),
    repoState(2000).catch((e: Error) => ({ error: e.message }) as const),
    monitorMap(),
  ]);
  const containers = lists.flatMap((h) => h.containers);
  const names = new Set(desired.stacks.map((s) => `${s.host}/${s.stack}`));
  const inStacks = containers.filter((c) => c.project && names.has(`${c.host}/${c.project}`));
  // Inspects (restart count, start time) fill a cache in the background; a cold view waits for
  // them at most 400 ms. Containers whose tag moved on (the list shows a bare image ID) are
  // always inspected, since drift needs the reference they were created with.
  const inspecting = containerDetails(inStacks).catch(() => new Map());
  await Promise.race([inspecting, new Promise((r) => setTimeout(r, 400).unref())]);
  const must = inStacks.filter((c) => c.image.startsWith("sha256:"));
  if (must.length) await containerDetails(must);
  const details = peekDetails(inStacks.map((c) => c.id));
  const remote = lastChecks();
  const built = buildPerHost(desired.stacks, lists, { details, remote, monitors });
  // Swarm stacks: their services (replicas, tasks) instead of Compose containers.
  await applySwarmStacks(desired.stacks, built, monitors);
  // Compose's refusal can quote values from the files: masked before any viewer sees it.
  const stacks = built.stacks.map((s) => (s.desiredError ? { ...s, desiredError: maskText(s.desiredError) } : s));
  const others = built.others;

  const repoInfo =
    "error" in repo
      ? { head: null, headAtTarget: false, dirtyFiles: [], error: repo.error }
      : { head: repo.head, headAtTarget: repo.head === desired.target.commit, dirtyFiles: repo.dirtyFiles };
  const repoDrift: string[] = [];
  if (repoInfo.dirtyFiles.length)
    repoDrift.push(
      `${repoInfo.dirtyFiles.length} file${repoInfo.dirtyFiles.length === 1 ? "" : "s"} edited in place (live edits: ${repoInfo.dirtyFiles.slice(0, 3).join(", ")}${repoInfo.dirtyFiles.length > 3 ? ", …" : ""}); commit or discard them.`,
    );
  if (!("error" in repo) && repo.head && !repoInfo.headAtTarget && desired.target.source === "deployed")
    repoDrift.push(`The work tree is at ${repo.headRelease ?? repo.head.slice(0, 12)}, not at the deployed release ${desired.target.ref}.`);

  const problems: StacksReport["problems"] = repoDrift.map((text) => ({ stack: "", service: null, kind: "repo" as const, text }));
  for (const s of stacks) {
    for (const svc of s.services) {
      if (svc.healthcheck === "unhealthy") problems.push({ stack: s.name, service: svc.name, kind: "unhealthy", text: `${s.name}: ${svc.name} is unhealthy.` });
      for (const d of svc.drift) problems.push({ stack: s.name, service: svc.name, kind: d.kind, text: `${s.name}: ${svc.name} ${d.text}.` });
    }
    if (s.desiredError)
      problems.push({ stack: s.name, service: null, kind: "repo", text: `${s.name}: Compose refuses the stack's files at ${desired.target.ref}.` });
  }
  const all = [...stacks.flatMap((s) => s.services.flatMap((x) => x.containers)), ...others.flatMap((o) => o.containers)];
  const checkedAt =
    [...remote.values()]
      .map((r) => r.checkedAt)
      .sort()
      .pop() ?? null;
  return {
    target: desired.target,
    repo: repoInfo,
    repoDrift,
    stacks,
    others,
    counts: {
      containers: all.length,
      running: all.filter((c) => c.state === "running").length,
      healthy: all.filter((c) => c.health === "healthy").length,
      unhealthy: all.filter((c) => c.health === "unhealthy").length,
      drifted: stacks.reduce((n, s) => n + s.services.filter((x) => x.drift.length).reduce((m, x) => m + Math.max(1, x.containers.length), 0), 0),
      stacks: stacks.length,
      driftedStacks: stacks.filter((s) => s.drifted).length + (repoDrift.length ? 0 : 0),
      sync: Object.fromEntries(SYNC_STATUSES.map((k) => [k, stacks.filter((s) => s.sync.status === k).length])) as Record<SyncStatus, number>,
      health: Object.fromEntries(HEALTH_STATUSES.map((k) => [k, stacks.filter((s) => s.health.status === k).length])) as Record<HealthStatus, number>,
    },
    problems,
    hosts: lists.map((h) => ({
      name: h.host,
      status: h.error ? ("down" as const) : ("ok" as const),
      ...(h.error ? { message: h.error.message } : {}),
      stacks: stacks.filter((s) => s.host === h.host).length,
    })),
    updatesCheckedAt: checkedAt,
    generatedAt: new Date().toISOString(),
  };
}

/** Every stack with its containers and drift; computed at most once per second for all viewers. */
export function stacksReport(maxAgeMs = 1000): Promise<StacksReport> {
  return reportCache.get(compute, maxAgeMs);
}

export function invalidateStacksReport(): void {
  reportCache.invalidate();
}

export interface StackDetail {
  stack: StackView;
  target: StacksReport["target"];
  composeFile: string;
  composeText: string;
  repoDrift: string[];
  updatesCheckedAt: string | null;
}

/**
 * One stack: its view and the compose file at the deployed release (404 when the release has no
 * such stack). The compose text leaves the server masked: inline secrets, credentials, keys, tokens.
 */
export async function stackDetail(name: string): Promise<StackDetail> {
  const report = await stacksReport();
  const stack = report.stacks.find((s) => s.name === name);
  if (!stack) throw new AppError("not_found", `There is no stack ${name} in ${report.target.ref}.`);
  assertHostUp(stack, report);
  const { stacks } = await desiredStacks(report.target as Parameters<typeof desiredStacks>[0]);
  const d = stacks.find((s) => s.stack === name) as DesiredStack;
  return {
    stack,
    target: report.target,
    composeFile: d.composeFile,
    composeText: maskYaml(d.composeText),
    repoDrift: report.repoDrift,
    updatesCheckedAt: report.updatesCheckedAt,
  };
}
