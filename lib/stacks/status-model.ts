// The status model of a stack, on two axes as Argo CD has them (README: "Status: sync and health").
// Pure functions and exhaustive tables only (no server imports): the API, the pages, the
// notifications, the widget and the metrics all read the same answers.
//
// sync:   does what runs match what the deployed release says?    synced | out_of_sync | unknown
// health: does what runs work?                                     healthy | progressing | degraded | missing | suspended | unknown
import type { ContainerInfo } from "../docker/types";
import type { MonitorState } from "../kuma/types";
import { DRIFT_LABEL, type DriftKind, type HealthState, type HealthStatus, type ServiceDrift, type StackSync, type SyncStatus } from "./types";

export const SYNC_STATUSES = ["synced", "out_of_sync", "unknown"] as const satisfies readonly SyncStatus[];
export const HEALTH_STATUSES = ["healthy", "progressing", "degraded", "missing", "suspended", "unknown"] as const satisfies readonly HealthStatus[];

/**
 * Which drift kinds make a service (and so its stack) out of sync. The others are informational:
 * shown as drift, but what runs is still what the release says.
 */
export const OUT_OF_SYNC: Record<DriftKind, boolean> = {
  image_differs: true, // runs another image than the release names
  config_differs: true, // Compose's config hash differs: changed by hand, or not brought up since
  missing: true, // the release has the service, nothing runs it
  extra: true, // runs, the release has no such service
  stale_image: true, // the tag now points to another local image: `up` would recreate it
  update_available: false, // the registry has another digest for the tag: the release is still what runs
};

export function isOutOfSync(kind: DriftKind): boolean {
  return OUT_OF_SYNC[kind];
}

/** A service is out of sync when any of its drifts is; else synced (informational drift only, or none). */
export function serviceSync(drift: Pick<ServiceDrift, "kind">[]): SyncStatus {
  return drift.some((d) => isOutOfSync(d.kind)) ? "out_of_sync" : "synced";
}

/**
 * Worst-of order. Argo CD ranks Unknown worst of all; here a known failure is never hidden behind
 * an unknown part (a monitor Kuma cannot tell), so unknown ranks below progressing.
 */
export const HEALTH_RANK: Record<HealthStatus, number> = { healthy: 0, suspended: 1, unknown: 2, progressing: 3, missing: 4, degraded: 5 };

export function worseHealth(a: HealthStatus, b: HealthStatus): HealthStatus {
  return HEALTH_RANK[b] > HEALTH_RANK[a] ? b : a;
}

/** "Exited (137) 2 minutes ago" → 137; null when the status text carries no exit code. */
export function exitCodeOf(status: string): number | null {
  const m = /^Exited \((-?\d+)\)/.exec(status.trim());
  return m ? Number(m[1]) : null;
}

/** One container: Docker's state and its health check. `reason` is a few words for the badge. */
export function containerHealth(c: Pick<ContainerInfo, "state" | "health" | "status">): HealthState {
  switch (c.state) {
    case "running":
      if (c.health === "unhealthy") return { status: "degraded", reason: "unhealthy" };
      if (c.health === "starting") return { status: "progressing", reason: "health check starting" };
      return { status: "healthy", reason: c.health === "healthy" ? null : "no health check" };
    case "created":
      return { status: "progressing", reason: "created, not started" };
    case "removing":
      return { status: "progressing", reason: "being removed" };
    case "restarting":
      return { status: "degraded", reason: "restarting" };
    case "paused":
      return { status: "suspended", reason: "paused" };
    case "exited": {
      const code = exitCodeOf(c.status);
      // Exit 0 is a clean stop (stopped on purpose, or a one-shot task that finished).
      if (code === 0) return { status: "suspended", reason: "exited (0)" };
      return { status: "degraded", reason: code === null ? "exited" : `exited (${code})` };
    }
    case "dead":
      return { status: "degraded", reason: "dead" };
    default:
      return { status: "unknown", reason: `state ${c.state || "unknown"}` };
  }
}

/** One Uptime Kuma monitor (Kuma's own up/down/pending/maintenance, or unknown when it gave none). */
export const MONITOR_HEALTH: Record<MonitorState, HealthStatus> = {
  up: "healthy",
  down: "degraded",
  pending: "progressing",
  maintenance: "suspended",
  unknown: "unknown",
};

const MONITOR_WORD: Record<HealthStatus, string> = {
  healthy: "up",
  degraded: "down",
  progressing: "pending",
  suspended: "in maintenance",
  unknown: "state unknown",
  missing: "missing",
};

/** Parts at the worst level, named: "app unhealthy, db exited (1)". */
function worstOf(parts: { name: string; health: HealthState }[], none: HealthState): HealthState {
  if (!parts.length) return none;
  const status = parts.map((p) => p.health.status).reduce(worseHealth);
  if (status === "healthy") return { status, reason: null };
  const named = parts.filter((p) => p.health.status === status).map((p) => (p.health.reason ? `${p.name} ${p.health.reason}` : p.name));
  return { status, reason: named.length > 3 ? `${named.slice(0, 3).join(", ")}, …` : named.join(", ") };
}

/**
 * A service: worst of its containers; a service the release has with no container is missing.
 * (A service the release does not have always has containers: they are why it is listed.)
 */
export function serviceHealth(containers: Pick<ContainerInfo, "name" | "state" | "health" | "status">[], desired: boolean): HealthState {
  if (!containers.length) return desired ? { status: "missing", reason: "no container" } : { status: "unknown", reason: "no container" };
  const s = worstOf(
    containers.map((c) => ({ name: c.name, health: containerHealth(c) })),
    { status: "unknown", reason: null },
  );
  // One container: the service's reason is the container's own ("unhealthy"), not "web-app-1 unhealthy".
  return containers.length === 1 ? containerHealth(containers[0]) : s;
}

export interface StackInput {
  services: { name: string; drift: Pick<ServiceDrift, "kind">[]; health: HealthState }[];
  /** Monitor states of the stack; absent when Kuma is unconfigured or not answering (containers alone decide). */
  monitors?: MonitorState[];
  /** Compose refused the stack's files at the release: nothing to compare with. */
  desiredError?: boolean;
}

/** A stack's sync: unknown when the release's files cannot be read, out of sync when any service is. */
export function stackSync(s: StackInput): StackSync {
  const differs = s.services.flatMap((x) => x.drift.filter((d) => isOutOfSync(d.kind)).map((d) => ({ service: x.name, kind: d.kind })));
  if (s.desiredError) return { status: "unknown", reason: "compose file refused", differs };
  const off = s.services.filter((x) => serviceSync(x.drift) === "out_of_sync");
  if (!off.length) return { status: "synced", reason: null, differs };
  const kinds = [...new Set(off.flatMap((x) => x.drift.filter((d) => isOutOfSync(d.kind)).map((d) => d.kind)))];
  return { status: "out_of_sync", reason: `${kinds.map((k) => DRIFT_LABEL[k]).join(", ")}: ${off.map((x) => x.name).join(", ")}`, differs };
}

/** A stack's health: worst of its services and its monitors; unknown when there is nothing to look at. */
export function stackHealth(s: StackInput): HealthState {
  const mons = s.monitors ?? [];
  const counts = new Map<HealthStatus, number>();
  for (const m of mons) counts.set(MONITOR_HEALTH[m], (counts.get(MONITOR_HEALTH[m]) ?? 0) + 1);
  const monitorParts = [...counts.entries()].map(([status, n]) => ({
    name: `${n} monitor${n === 1 ? "" : "s"}`,
    health: { status, reason: MONITOR_WORD[status] } as HealthState,
  }));
  return worstOf([...s.services.map((x) => ({ name: x.name, health: x.health })), ...monitorParts], {
    status: "unknown",
    reason: s.desiredError ? "compose file refused" : "no services",
  });
}
