import "server-only";
import fs from "node:fs";
import path from "node:path";
import { config } from "../config";
import { stackName } from "../domain";
import { AppError } from "../errors";
import { MAIN_FILES } from "../docker/compose-files";
import { hostOfStack, knownHostOfStack } from "../docker/hosts";
import type { LogQuery } from "../docker/logs";
import { followServiceLogs, serviceLogs, stackKind, stackServices, swarmNode, swarmServices, type ServiceLogTail, type SwarmService } from "../docker/swarm";
import { parseXOresi, type XOresi } from "../docker/x-oresi";
import type { DesiredStack } from "./desired";
import type { DriftInput } from "./drift";
import { logEventsResponse } from "./log-stream";
import { swarmStackView } from "./swarm-view";
import type { ContainerView, ProjectGroup, StackView } from "./types";

// The Swarm stacks of the stacks report: each stack that is a Swarm stack on its host
// (lib/docker/swarm-model.ts decideMode) gets the view of its services (swarm-view.ts) in place
// of the Compose view, and its task containers leave the "other containers". Reads are shared:
// one swarm state and one service list per host (cached for a few seconds).

/** Replace the views of Swarm stacks in a built report (in place). A host that cannot be read keeps the Compose view. */
export async function applySwarmStacks(
  desired: DesiredStack[],
  built: { stacks: StackView[]; others: ProjectGroup[] },
  monitors?: DriftInput["monitors"],
): Promise<void> {
  const found: { d: DesiredStack; host: string; services: SwarmService[] | Error }[] = [];
  await Promise.all(
    desired.map(async (d) => {
      const host = knownHostOfStack(d.xOresi);
      if (!host || d.xOresi.mode === "compose") return;
      const kind = await stackKind(d.stack, d.xOresi.mode, host).catch(() => null);
      if (kind?.mode !== "swarm") return;
      const services = await swarmServices(host).then(
        (all) => all.filter((s) => s.stack === d.stack),
        (e: Error) => e,
      );
      found.push({ d, host, services });
    }),
  );
  if (!found.length) return;
  const attached = new Set<string>();
  const all: ContainerView[] = built.others.flatMap((g) => g.containers);
  for (const { d, host, services } of found) {
    const i = built.stacks.findIndex((s) => s.name === d.stack);
    if (i < 0) continue;
    const before = built.stacks[i];
    if (services instanceof Error) {
      const reason = `Swarm services unreadable on host ${host}: ${services.message}`;
      built.stacks[i] = { ...before, kind: "swarm", sync: { status: "unknown", reason, differs: [] }, health: { status: "unknown", reason } };
      continue;
    }
    const view = swarmStackView(
      d,
      services,
      all.filter((c) => c.host === host),
      monitors?.get(d.stack),
    );
    // Every task's container, those of shut-down tasks Swarm keeps for history too, leaves "other containers".
    for (const svc of services) for (const t of svc.tasks) if (t.containerId) attached.add(t.containerId);
    // Fields the Compose view set beside the model (the host) stay.
    built.stacks[i] = { ...before, ...view };
  }
  if (!attached.size) return;
  const others = built.others.map((g) => ({ ...g, containers: g.containers.filter((c) => !attached.has(c.id)) })).filter((g) => g.containers.length);
  built.others.splice(0, built.others.length, ...others);
}

// ---------------------------------------------------------------------------------------------
// Service logs of a Swarm stack (GET /api/stacks/{name}/services/{svc}/logs)
// ---------------------------------------------------------------------------------------------

/** A service name as a compose file may write it. */
const SERVICE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const COMPOSE_NAMES = [...new Set([...MAIN_FILES[2], ...MAIN_FILES[1]])];

/** A stack of the stacks repository: a folder directly in STACKS_DIR holding a compose file; its x-oresi settings from that file. */
function stackInRepo(stack: string): XOresi {
  const dir = path.join(config().stacksDir, stack);
  const main = COMPOSE_NAMES.find((f) => fs.existsSync(path.join(dir, f)));
  if (!main || !fs.statSync(dir).isDirectory())
    throw new AppError("not_found", `There is no stack ${stack} in the stacks repository (no folder ${stack} with a compose file in STACKS_DIR).`);
  return parseXOresi(fs.readFileSync(path.join(dir, main), "utf8")).settings;
}

/**
 * The Swarm service `svc` of stack `stack`, on the stack's host: the stack is a folder of the
 * stacks repository, a Swarm stack there (x-oresi.mode or detected, as the stacks page decides),
 * and the service is one of its services (label com.docker.stack.namespace=<stack>, named
 * <stack>_<svc>). Nothing else is ever read: a service outside a stack of STACKS_DIR is a 404.
 */
export async function stackSwarmService(stack: string, svc: string): Promise<{ host: string; service: SwarmService }> {
  stackName(stack);
  if (!SERVICE_NAME_RE.test(svc))
    throw new AppError("bad_request", `"${svc.slice(0, 64)}" is not a service name (letters, digits, ".", "_" and "-", as in a compose file).`);
  const settings = stackInRepo(stack);
  const host = hostOfStack(settings, stack);
  await swarmNode(host); // an unreachable host is a 503 naming it, not "a Compose stack"
  const kind = await stackKind(stack, settings.mode, host);
  if (kind.mode !== "swarm")
    throw new AppError(
      "conflict",
      `${stack} runs as a Compose stack on host ${host}, not as a Swarm stack (${kind.reason}): read its logs per container, with GET /api/containers/{id}/logs or the Logs card of the stack page.`,
    );
  if (kind.error) throw new AppError("conflict", `${stack}: ${kind.error}`);
  const find = (list: SwarmService[]) => list.find((s) => s.stack === stack && s.fullName === `${stack}_${svc}`);
  let services = await stackServices(stack, host);
  let found = find(services);
  if (!found) {
    services = await stackServices(stack, host, true); // deployed a moment ago?
    found = find(services);
  }
  if (!found)
    throw new AppError(
      "not_found",
      `The Swarm stack ${stack} on host ${host} has no service ${svc} (${services.length ? `its services: ${services.map((s) => s.name).join(", ")}` : "none of its services runs"}).`,
    );
  return { host, service: found };
}

export type ServiceLogQuery = Pick<LogQuery, "tail" | "since" | "signal">;

/** The last lines of a Swarm stack's service, every task on every node, each line with its task (slot) and node. */
export async function stackServiceLogs(stack: string, svc: string, q: ServiceLogQuery = {}): Promise<ServiceLogTail> {
  const { host, service } = await stackSwarmService(stack, svc);
  return serviceLogs(service.id, { host, tail: q.tail, since: q.since, signal: q.signal });
}

/** The same, followed: server-sent events as for a container's log (lib/stacks/log-stream.ts). */
export async function followStackServiceLogs(stack: string, svc: string, q: ServiceLogQuery = {}): Promise<Response> {
  const { host, service } = await stackSwarmService(stack, svc);
  return logEventsResponse(
    async (onLine, o) => {
      const f = await followServiceLogs(service.id, onLine, { host, tail: q.tail ?? 100, since: q.since, signal: o.signal, onEnd: o.onEnd });
      return { ...f, ready: { serviceId: f.serviceId, service: f.service, host } };
    },
    { ended: `the log of service ${service.fullName} ended (the service was removed?)`, signal: q.signal },
  );
}
