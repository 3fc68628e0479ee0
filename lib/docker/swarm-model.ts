// Docker Swarm stacks, the pure part (tested without Docker): which stacks are Swarm stacks,
// the interpolated file `docker stack deploy` gets, and what a service and its tasks say
// (replicas running/desired, update status, failed tasks of the current spec).
import YAML from "yaml";

// ---------------------------------------------------------------------------------------------
// Mode: Compose or Swarm
// ---------------------------------------------------------------------------------------------

export type StackKind = "compose" | "swarm";

export interface ModeInput {
  /** x-oresi.mode as written (unset: not said). */
  declared?: StackKind;
  /** The stack's host is a Swarm manager (null: unknown, e.g. the host is down). */
  manager: boolean | null;
  /** The host already runs services of a Swarm stack of this name (label com.docker.stack.namespace). */
  swarmStackRuns: boolean;
  /** The host runs Compose containers of this project (label com.docker.compose.project). */
  composeContainers: boolean;
}

export interface ModeDecision {
  mode: StackKind;
  /** How it was decided, in a few words (for the log and the stacks page). */
  reason: string;
  /** x-oresi.mode: swarm on a host that is no Swarm manager (a pre-flight error). */
  error?: string;
}

/**
 * A stack is a Swarm stack when its compose file says `x-oresi.mode: swarm`. When it says
 * nothing, it is detected as one only when its host is a Swarm manager AND already runs a Swarm
 * stack of that name (deployed by hand with `docker stack deploy` before Oresi) AND runs no
 * Compose containers of that project: detection never turns a Compose stack into a Swarm stack,
 * and a new stack without `mode` stays a Compose stack even on a manager (`deploy:` keys alone
 * decide nothing: Compose reads them too). `mode: compose` is always Compose.
 */
export function decideMode(i: ModeInput, host = "local"): ModeDecision {
  if (i.declared === "compose") return { mode: "compose", reason: "x-oresi.mode: compose" };
  if (i.declared === "swarm") {
    if (i.manager === false)
      return {
        mode: "swarm",
        reason: "x-oresi.mode: swarm",
        error: `x-oresi.mode is swarm, but Docker host ${host} is not a Swarm manager: run \`docker swarm init\` there (or join it to a swarm as a manager), or remove x-oresi.mode.`,
      };
    return { mode: "swarm", reason: "x-oresi.mode: swarm" };
  }
  if (i.manager && i.swarmStackRuns && !i.composeContainers)
    return { mode: "swarm", reason: `detected: host ${host} is a Swarm manager and already runs this Swarm stack` };
  return {
    mode: "compose",
    reason: i.manager && i.swarmStackRuns ? "Compose: its Compose containers run (set x-oresi.mode: swarm to switch)" : "Compose (default)",
  };
}

// ---------------------------------------------------------------------------------------------
// The file for `docker stack deploy`
// ---------------------------------------------------------------------------------------------

/** The newest file format Docker 20.10's `docker stack deploy` reads. */
export const STACK_FILE_VERSION = "3.9";

export interface StackFile {
  /** The YAML to deploy (Compose's own output when nothing had to change). */
  text: string;
  /** Services and their images as deployed. */
  services: { name: string; image: string | null }[];
  /** What was adapted (v2 output → stack deploy), for the log. */
  notes: string[];
  /** Why `docker stack deploy` would refuse it; empty when none. */
  problems: string[];
}

/**
 * Make Compose's interpolated output (`config`) a file `docker stack deploy` accepts, changing
 * as little as possible: v1 prints `version` ('3.9' when the file names none) and numbers;
 * v2 prints no `version`, a top-level `name` and published ports as strings, which older
 * engines refuse. A 2.x file cannot be deployed to a swarm; nor can a service built from source.
 */
export function stackFileFrom(configText: string): StackFile {
  let doc: Record<string, unknown>;
  try {
    const d = YAML.parse(configText) as unknown;
    if (!d || typeof d !== "object" || Array.isArray(d)) return { text: configText, services: [], notes: [], problems: ["compose config printed no mapping"] };
    doc = d as Record<string, unknown>;
  } catch (e) {
    return { text: configText, services: [], notes: [], problems: [`compose config printed unreadable YAML: ${(e as Error).message.split("\n")[0]}`] };
  }
  const notes: string[] = [];
  const problems: string[] = [];
  let changed = false;
  let portsChanged = false;
  const version = doc.version;
  if (version === undefined) {
    // v2 names no version: put it first, as v1 prints it last (the position does not matter to Docker).
    doc = { version: STACK_FILE_VERSION, ...doc };
    notes.push(`added version: "${STACK_FILE_VERSION}" (Compose v2 prints none)`);
    changed = true;
  } else if (!/^3(\.\d+)?$/.test(String(version))) {
    problems.push(
      `the file format is version ${String(version)}; docker stack deploy reads version 3 files only (set version: "3.9" or remove the version key)`,
    );
  }
  if ("name" in doc) {
    delete doc.name;
    notes.push("removed the top-level name (the stack name is the folder's)");
    changed = true;
  }
  const services = doc.services && typeof doc.services === "object" ? (doc.services as Record<string, Record<string, unknown> | null>) : {};
  const list: StackFile["services"] = [];
  for (const [name, s] of Object.entries(services)) {
    const svc = s ?? {};
    const image = typeof svc.image === "string" ? svc.image : null;
    if (!image) problems.push(`${name} ${svc.build !== undefined ? "is built from source (build:)" : "names no image"}; a swarm runs images only: name one`);
    if (Array.isArray(svc.ports)) {
      for (const p of svc.ports) {
        if (p && typeof p === "object") {
          const port = p as Record<string, unknown>;
          for (const k of ["published", "target"])
            if (typeof port[k] === "string" && /^\d+$/.test(port[k] as string)) {
              port[k] = Number(port[k]);
              portsChanged = changed = true;
            }
        }
      }
    }
    list.push({ name, image });
  }
  if (!Object.keys(services).length) problems.push("the file has no services");
  if (portsChanged) notes.push("ports as numbers (Compose v2 prints them as strings)");
  list.sort((a, b) => a.name.localeCompare(b.name));
  return { text: changed ? YAML.stringify(doc) : configText, services: list, notes, problems };
}

// ---------------------------------------------------------------------------------------------
// Services and tasks
// ---------------------------------------------------------------------------------------------

/** The subset of Docker's service object read here (dockerode's Service). */
export interface RawService {
  ID: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ContainerSpec?: { Image?: string; Env?: string[]; Healthcheck?: { Test?: string[] } } & Record<string, unknown>; ForceUpdate?: number };
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
  };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string; CompletedAt?: string };
  Endpoint?: { Ports?: { TargetPort?: number; PublishedPort?: number; Protocol?: string }[] };
}

/** The subset of Docker's task object read here. */
export interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  DesiredState?: string;
  Spec?: { ContainerSpec?: Record<string, unknown>; ForceUpdate?: number };
  Status?: { Timestamp?: string; State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

export interface SwarmTask {
  id: string;
  slot: number | null;
  nodeId: string | null;
  /** Docker's task state: new, pending, assigned, accepted, preparing, starting, running, complete, failed, shutdown, rejected, orphaned, remove. */
  state: string;
  desiredState: string;
  message: string;
  error: string | null;
  containerId: string | null;
  exitCode: number | null;
  createdAt: string;
  /** The task runs the service's current spec (not a task of the spec before an update). */
  current: boolean;
  image: string | null;
}

export interface SwarmUpdate {
  /** updating, paused, completed, rollback_started, rollback_paused, rollback_completed. */
  state: string;
  message: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface SwarmService {
  id: string;
  /** Docker's name: <stack>_<service>. */
  fullName: string;
  /** The service name in the compose file. */
  name: string;
  stack: string;
  /** The image of the spec as Docker holds it (may end in @sha256:… when it was resolved on a registry). */
  imageRef: string;
  /** The spec's image without the digest Swarm may have appended (as the compose file names it after a stack deploy). */
  image: string;
  /** The digest the spec pins (sha256:…), when it has one. */
  digest: string | null;
  mode: "replicated" | "global";
  replicas: { running: number; desired: number };
  update: SwarmUpdate | null;
  createdAt: string | null;
  updatedAt: string | null;
  env: string[];
  /** A healthcheck in the spec (images may have their own, which Swarm honours too). */
  specHealthcheck: boolean;
  ports: string[];
  /** Newest first, at most TASKS_KEPT per service. */
  tasks: SwarmTask[];
}

export const TASKS_KEPT = 10;

/** Split ref@sha256:… into the reference and the digest. */
export function splitDigest(ref: string): { ref: string; digest: string | null } {
  const m = /^(.*)@(sha256:[0-9a-f]{64})$/.exec(ref);
  return m ? { ref: m[1], digest: m[2] } : { ref, digest: null };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** One service with its tasks, as the stacks page and the verification read it. */
export function summarizeService(s: RawService, tasks: RawTask[]): SwarmService {
  const labels = s.Spec?.Labels ?? {};
  const stack = labels["com.docker.stack.namespace"] ?? "";
  const fullName = s.Spec?.Name ?? s.ID;
  const cs = s.Spec?.TaskTemplate?.ContainerSpec ?? {};
  const imageRef = cs.Image ?? "";
  const { ref, digest } = splitDigest(imageRef);
  const mine = tasks.filter((t) => t.ServiceID === s.ID);
  const view: SwarmTask[] = mine
    .map((t) => ({
      id: t.ID,
      slot: t.Slot ?? null,
      nodeId: t.NodeID ?? null,
      state: t.Status?.State ?? "unknown",
      desiredState: t.DesiredState ?? "unknown",
      message: t.Status?.Message ?? "",
      error: t.Status?.Err || null,
      containerId: t.Status?.ContainerStatus?.ContainerID || null,
      exitCode: t.Status?.ContainerStatus?.ExitCode ?? null,
      createdAt: t.CreatedAt ?? "",
      current: same(t.Spec?.ContainerSpec, cs) && (t.Spec?.ForceUpdate ?? 0) === (s.Spec?.TaskTemplate?.ForceUpdate ?? 0),
      image: typeof t.Spec?.ContainerSpec?.Image === "string" ? (t.Spec.ContainerSpec.Image as string) : null,
    }))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const global = !!s.Spec?.Mode?.Global;
  const running = view.filter((t) => t.current && t.state === "running" && t.desiredState === "running").length;
  const desired = global ? view.filter((t) => t.desiredState === "running").length : (s.Spec?.Mode?.Replicated?.Replicas ?? 1);
  const u = s.UpdateStatus;
  return {
    id: s.ID,
    fullName,
    name: stack && fullName.startsWith(`${stack}_`) ? fullName.slice(stack.length + 1) : fullName,
    stack,
    imageRef,
    // The spec, not the label com.docker.stack.image: `docker service update --image` leaves the label.
    image: ref,
    digest,
    mode: global ? "global" : "replicated",
    replicas: { running, desired },
    update: u?.State ? { state: u.State, message: u.Message ?? "", startedAt: u.StartedAt ?? null, completedAt: u.CompletedAt ?? null } : null,
    createdAt: s.CreatedAt ?? null,
    updatedAt: s.UpdatedAt ?? null,
    env: Array.isArray(cs.Env) ? cs.Env : [],
    specHealthcheck: !!cs.Healthcheck?.Test?.length && cs.Healthcheck.Test[0] !== "NONE",
    ports: (s.Endpoint?.Ports ?? []).map((p) => `${p.PublishedPort ?? ""}:${p.TargetPort ?? ""}/${p.Protocol ?? "tcp"}`),
    tasks: view.slice(0, TASKS_KEPT),
  };
}

/** Task states that end a task of a long-running service badly. */
export const FAILED_TASK_STATES = new Set(["failed", "rejected", "complete", "orphaned"]);
/** Update states after which Swarm stopped rolling out the current spec. */
export const STOPPED_UPDATE_STATES = new Set(["paused", "rollback_started", "rollback_paused", "rollback_completed"]);

export interface ServiceVerdict {
  ok: boolean;
  /** A definite failure (the update paused or rolled back, a task of the current spec failed): no point waiting. */
  final: boolean;
  seen: string;
}

/**
 * Has one service converged since the deploy? Desired replicas running (Swarm holds a task in
 * `starting` until its healthcheck passes, so `running` means healthy where there is one), the
 * update completed (or none: a new service), and no task of the current spec created since
 * `since` (engine time; default: when the current spec began, specSince) ended badly.
 */
/**
 * When the service's current spec began (engine time): its update's start, or its creation. The
 * service's UpdatedAt is no such time: Swarm also moves it when an update completes or pauses.
 */
export function specSince(s: SwarmService): string | null {
  return s.update?.startedAt ?? s.createdAt;
}

export function judgeService(s: SwarmService, since: string | null = specSince(s)): ServiceVerdict {
  const u = s.update;
  const counts = `${s.replicas.running}/${s.replicas.desired} running`;
  if (u && STOPPED_UPDATE_STATES.has(u.state))
    return { ok: false, final: true, seen: `${counts}, update ${u.state.replace("_", " ")}: ${u.message || "no message"}` };
  const failed = s.tasks.filter((t) => t.current && FAILED_TASK_STATES.has(t.state) && (!since || t.createdAt >= since));
  if (failed.length) {
    const f = failed[0];
    return {
      ok: false,
      final: true,
      seen: `${counts}, task ${f.slot ?? f.id.slice(0, 12)} ${f.state}: ${f.error ?? f.message}${f.exitCode ? ` (exit ${f.exitCode})` : ""}`,
    };
  }
  const starting = s.tasks.filter((t) => t.current && t.desiredState === "running" && t.state !== "running").length;
  const updating = u && u.state !== "completed";
  const ok = s.replicas.running >= s.replicas.desired && !updating;
  const parts = [counts];
  if (starting) parts.push(`${starting} starting`);
  if (updating) parts.push(`update ${u!.state}`);
  else if (u?.state === "completed") parts.push("update completed");
  if (s.replicas.desired === 0) parts.push("scaled to 0");
  return { ok, final: false, seen: parts.join(", ") };
}
