// Shapes of the stacks model, shared by lib/stacks, the API and the UI (no server imports).
import type { ContainerInfo, Health } from "../docker/types";
import type { MonitorState } from "../kuma/types";

export type DriftKind = "image_differs" | "config_differs" | "missing" | "extra" | "stale_image" | "update_available";

export const DRIFT_LABEL: Record<DriftKind, string> = {
  image_differs: "image differs",
  config_differs: "config differs",
  missing: "missing",
  extra: "extra",
  stale_image: "stale image",
  update_available: "update available",
};

/** Does what runs match what the deployed release says? (lib/stacks/status-model.ts decides.) */
export type SyncStatus = "synced" | "out_of_sync" | "unknown";
/** Does what runs work? Worst of containers and Kuma monitors (lib/stacks/status-model.ts decides). */
export type HealthStatus = "healthy" | "progressing" | "degraded" | "missing" | "suspended" | "unknown";

export interface HealthState {
  status: HealthStatus;
  /** Which parts are at that level and why, in a few words ("app unhealthy, 1 monitor down"); null when healthy. */
  reason: string | null;
}

export interface StackSync {
  status: SyncStatus;
  /** What differs, in a few words ("config differs: app"); null when synced. */
  reason: string | null;
  /** Each drift that makes the stack out of sync (informational drift such as update_available is not here). */
  differs: { service: string; kind: DriftKind }[];
}

export interface ContainerView extends ContainerInfo {
  /** The reference the container was created with (Config.Image). */
  configuredImage: string;
  restartCount: number | null;
  startedAt: string | null;
  /** Repo digest of the container's image (sha256:…), when it came from a registry. */
  digest: string | null;
}

export interface ServiceDrift {
  kind: DriftKind;
  /** One plain sentence: "runs oresi-test/web:1.0.0, the release says oresi-test/web:1.1.0". */
  text: string;
}

export interface ServiceView {
  name: string;
  desired: { image: string | null; configHash: string | null; version: string | null } | null;
  containers: ContainerView[];
  drift: ServiceDrift[];
  /** out_of_sync when any of its drifts is one that counts (status-model OUT_OF_SYNC). */
  sync: SyncStatus;
  /** Worst of its containers; missing when the release has it and nothing runs it. */
  health: HealthState;
  /** Docker's health check, worst of its containers (starting, healthy, unhealthy; null: none). */
  healthcheck: Health;
  /** A service of a Swarm stack: what its spec and tasks say (containers holds its task containers on the host read). */
  swarm?: SwarmServiceInfo;
}

/** A Swarm service (lib/stacks/swarm-view.ts): the spec's image and digest, replicas, the update, the latest tasks. */
export interface SwarmServiceInfo {
  id: string;
  /** Docker's name: <stack>_<service>. */
  fullName: string;
  mode: "replicated" | "global";
  replicas: { running: number; desired: number };
  image: string;
  /** The digest the spec pins (sha256:…), when Swarm resolved the image on a registry. */
  digest: string | null;
  update: { state: string; message: string } | null;
  /** Newest first. */
  tasks: {
    id: string;
    slot: number | null;
    nodeId: string | null;
    state: string;
    desiredState: string;
    error: string | null;
    message: string;
    createdAt: string;
    current: boolean;
  }[];
  /** In a few words: "2/2 running, update completed". */
  seen: string;
}

export interface StackView {
  name: string;
  /** A Docker Swarm stack (x-oresi.mode: swarm, or detected); absent: a Compose stack. */
  kind?: "compose" | "swarm";
  /** The Docker host it runs on (x-oresi.host; `local` by default). Always set in the stacks report. */
  host?: string;
  /** Its host did not answer ("host nas unreachable") or is not configured: nothing is known of what runs. */
  hostDown?: string;
  sync: StackSync;
  health: HealthState;
  /** Any drift at all, informational included (what the "drifted" filter and counts use). */
  drifted: boolean;
  services: ServiceView[];
  /** Compose refused the stack's files at the release. */
  desiredError?: string;
  /** Worst Kuma monitor state of the stack (null: none, or Kuma not configured). */
  monitors: { state: MonitorState | null; total: number; down: number } | null;
}

export interface ProjectGroup {
  /** The compose project, or null for containers outside Compose. */
  project: string | null;
  /** The Docker host of these containers. Always set in the stacks report. */
  host?: string;
  containers: ContainerView[];
}

export interface StacksReport {
  target: { commit: string; ref: string; source: "deployed" | "head" };
  repo: { head: string | null; headAtTarget: boolean; dirtyFiles: string[]; error?: string };
  /** Repository-level drift in plain sentences (live edits, HEAD not at the deployed release). */
  repoDrift: string[];
  stacks: StackView[];
  /** Containers that belong to no stack of the release. */
  others: ProjectGroup[];
  counts: {
    containers: number;
    running: number;
    healthy: number;
    unhealthy: number;
    drifted: number;
    stacks: number;
    driftedStacks: number;
    /** Stacks per sync status and per health status (every status present, 0 when none). */
    sync: Record<SyncStatus, number>;
    health: Record<HealthStatus, number>;
  };
  /** Every drift, one sentence each, for the Overview. */
  problems: { stack: string; service: string | null; kind: DriftKind | "unhealthy" | "repo"; text: string }[];
  /** Every Docker host in rollout order: ok, or down with the reason (its stacks then say "host … unreachable"). */
  hosts: { name: string; status: "ok" | "down"; message?: string; stacks: number }[];
  updatesCheckedAt: string | null;
  generatedAt: string;
}
