// The view of a Swarm stack (pure, no server imports): services of the release against the
// Swarm services of the stack (image and digest of the spec, replicas running/desired, the
// update status, task states), with the same drift kinds and the same two status axes as a
// Compose stack. Task containers on the host the stack is read from are attached to their
// service (containers on other nodes of the swarm are not visible from it; their tasks are).
import type { SwarmService } from "../docker/swarm-model";
import { judgeService } from "../docker/swarm-model";
import type { MonitorState } from "../kuma/types";
import { normalizeRef, type DesiredInput } from "./drift";
import { serviceSync, stackHealth, stackSync } from "./status-model";
import type { ContainerView, HealthState, ServiceDrift, ServiceView, StackView, SwarmServiceInfo } from "./types";

/** A Swarm service's health on the model's axis: running replicas, the update, failed tasks. */
export function swarmServiceHealth(s: SwarmService): HealthState {
  const v = judgeService(s);
  const counts = `${s.replicas.running}/${s.replicas.desired} running`;
  if (v.final) return { status: "degraded", reason: v.seen };
  if (s.replicas.desired === 0) return { status: "suspended", reason: "scaled to 0" };
  if (v.ok) return { status: "healthy", reason: null };
  if (s.replicas.running === 0 && !s.tasks.some((t) => t.current && t.desiredState === "running")) return { status: "missing", reason: `${counts}, no task` };
  return { status: "progressing", reason: v.seen || counts };
}

function info(s: SwarmService): SwarmServiceInfo {
  return {
    id: s.id,
    fullName: s.fullName,
    mode: s.mode,
    replicas: s.replicas,
    image: s.image,
    digest: s.digest,
    update: s.update ? { state: s.update.state, message: s.update.message } : null,
    tasks: s.tasks.map((t) => ({
      id: t.id,
      slot: t.slot,
      nodeId: t.nodeId,
      state: t.state,
      desiredState: t.desiredState,
      error: t.error,
      message: t.message,
      createdAt: t.createdAt,
      current: t.current,
    })),
    seen: judgeService(s).seen,
  };
}

function tagOf(ref: string): string {
  const r = normalizeRef(ref);
  return r.slice(r.lastIndexOf(":") + 1);
}

/** The containers of a service's tasks that should run (not those of shut-down tasks Swarm keeps for history), among those listed on the host. */
export function taskContainers(s: SwarmService, containers: ContainerView[]): ContainerView[] {
  const ids = new Set(
    s.tasks
      .filter((t) => t.desiredState === "running")
      .map((t) => t.containerId)
      .filter(Boolean),
  );
  return containers.filter((c) => ids.has(c.id));
}

/** A Swarm stack: the release's services against the stack's Swarm services. */
export function swarmStackView(
  d: DesiredInput,
  services: SwarmService[],
  containers: ContainerView[],
  monitors?: { state: MonitorState | null; total: number; down: number; states: MonitorState[] },
): StackView & { kind: "swarm" } {
  const views: ServiceView[] = [];
  for (const want of d.services) {
    const s = services.find((x) => x.name === want.name);
    const drift: ServiceDrift[] = [];
    if (!s) {
      drift.push({ kind: "missing", text: `no Swarm service runs; the release has it (${want.image ?? "built image"})` });
      views.push({
        name: want.name,
        desired: { image: want.image, configHash: null, version: want.image ? tagOf(want.image) : null },
        containers: [],
        drift,
        sync: serviceSync(drift),
        health: { status: "missing", reason: "no Swarm service" },
        healthcheck: null,
      });
      continue;
    }
    if (want.image && normalizeRef(s.image) !== normalizeRef(want.image))
      drift.push({ kind: "image_differs", text: `runs ${s.image}, the release says ${want.image}` });
    const cs = taskContainers(s, containers);
    views.push({
      name: want.name,
      desired: { image: want.image, configHash: null, version: want.image ? tagOf(want.image) : null },
      containers: cs,
      drift,
      sync: serviceSync(drift),
      health: swarmServiceHealth(s),
      healthcheck: cs.some((c) => c.health === "unhealthy")
        ? "unhealthy"
        : cs.some((c) => c.health === "starting")
          ? "starting"
          : cs.some((c) => c.health === "healthy")
            ? "healthy"
            : null,
      swarm: info(s),
    });
  }
  const known = new Set(d.services.map((s) => s.name));
  for (const s of services.filter((x) => !known.has(x.name))) {
    const drift: ServiceDrift[] = [{ kind: "extra", text: "runs as a Swarm service, but the release has no such service" }];
    views.push({
      name: s.name,
      desired: null,
      containers: taskContainers(s, containers),
      drift,
      sync: serviceSync(drift),
      health: swarmServiceHealth(s),
      healthcheck: null,
      swarm: info(s),
    });
  }
  const model = { services: views, monitors: monitors?.states, desiredError: !!d.error };
  return {
    name: d.stack,
    kind: "swarm",
    sync: stackSync(model),
    health: stackHealth(model),
    drifted: views.some((v) => v.drift.length > 0),
    services: views,
    ...(d.error ? { desiredError: d.error } : {}),
    monitors: monitors ? { state: monitors.state, total: monitors.total, down: monitors.down } : null,
  };
}
