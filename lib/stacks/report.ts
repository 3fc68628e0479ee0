import "server-only";
import { sharedValue } from "../cache";
import { containerDetails, listContainers, listImages, peekDetails } from "../docker/containers";
import { repoState } from "../git/state";
import { AppError } from "../errors";
import { maskText, maskYaml } from "../secrets/mask";
import { desiredStacks, type DesiredStack } from "./desired";
import { buildStacks, type DriftInput } from "./drift";
import { HEALTH_STATUSES, SYNC_STATUSES } from "./status-model";
import type { HealthStatus, StacksReport, StackView, SyncStatus } from "./types";
import { lastChecks } from "./updates";

// The Stacks model: desired state (cached per commit) + one container list + one image list
// (each shared by every viewer for a couple of seconds) + cached inspects → drift per service.

async function monitorMap(): Promise<DriftInput["monitors"]> {
  try {
    const { monitorsByStack } = await import("./monitors");
    const list = await Promise.race([monitorsByStack(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error("kuma slow")), 1500).unref())]);
    return new Map(
      list.map((s) => [s.stack, { state: s.state, total: s.monitors.length, down: s.monitors.filter((m) => m.state === "down").length, states: s.monitors.map((m) => m.state) }]),
    );
  } catch {
    return undefined; // Kuma down or unconfigured: containers alone decide the health
  }
}

const reportCache = sharedValue<StacksReport>("stacks.report");

async function compute(): Promise<StacksReport> {
  const [desired, containers, images, repo, monitors] = await Promise.all([
    desiredStacks(),
    listContainers(),
    listImages(),
    repoState(2000).catch((e: Error) => ({ error: e.message }) as const),
    monitorMap(),
  ]);
  const names = new Set(desired.stacks.map((s) => s.stack));
  const inStacks = containers.filter((c) => c.project && names.has(c.project));
  // Inspects (restart count, start time) fill a cache in the background; a cold view waits for
  // them at most 400 ms. Containers whose tag moved on (the list shows a bare image ID) are
  // always inspected, since drift needs the reference they were created with.
  const inspecting = containerDetails(inStacks).catch(() => new Map());
  await Promise.race([inspecting, new Promise((r) => setTimeout(r, 400).unref())]);
  const must = inStacks.filter((c) => c.image.startsWith("sha256:"));
  if (must.length) await containerDetails(must);
  const details = peekDetails(inStacks.map((c) => c.id));
  const remote = lastChecks();
  const built = buildStacks({ desired: desired.stacks, containers, details, images, remote, monitors });
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
    if (s.desiredError) problems.push({ stack: s.name, service: null, kind: "repo", text: `${s.name}: Compose refuses the stack's files at ${desired.target.ref}.` });
  }
  const all = [...stacks.flatMap((s) => s.services.flatMap((x) => x.containers)), ...others.flatMap((o) => o.containers)];
  const checkedAt = [...remote.values()].map((r) => r.checkedAt).sort().pop() ?? null;
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
  const { stacks } = await desiredStacks(report.target as Parameters<typeof desiredStacks>[0]);
  const d = stacks.find((s) => s.stack === name) as DesiredStack;
  return { stack, target: report.target, composeFile: d.composeFile, composeText: maskYaml(d.composeText), repoDrift: report.repoDrift, updatesCheckedAt: report.updatesCheckedAt };
}
