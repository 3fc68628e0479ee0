import "server-only";
import { containersByHost, listContainersOn, type HostContainers } from "../docker/containers";
import { hostName, LOCAL_HOST } from "../docker/hosts";
import type { ContainerInfo } from "../docker/types";
import { AppError } from "../errors";
import { desiredStacks } from "./desired";

// Stacks and their Docker hosts, for the endpoints that degrade per host: a stack on a host
// that is down answers 503 saying so; everything else keeps working.

/** The host a stack of the deployed release runs on (x-oresi.host); null when the release has no such stack or the repo cannot be read. */
export async function stackHost(name: string): Promise<string | null> {
  try {
    const { stacks } = await desiredStacks();
    return stacks.find((s) => s.stack === name)?.host ?? null;
  } catch {
    return null;
  }
}

/** The 503 of a stack whose host does not answer. */
export function hostDownError(stack: string, host: string, cause: AppError): AppError {
  return new AppError("dependency_down", `Stack ${stack}: host ${host} unreachable (${cause.message})`, undefined, { cause });
}

export interface ContainersAnswer {
  containers: ContainerInfo[];
  count: number;
  /** Hosts that did not answer (their containers are left out); only when some did. */
  hostsDown?: { host: string; message: string }[];
}

/**
 * GET /api/containers: one host's containers (?host=), a stack's containers (?project= of a
 * stack: from its host, 503 when that host is down), or every reachable host's (503 only when none answers).
 */
export async function containersQuery(q: { project?: string; state?: string; host?: string }): Promise<ContainersAnswer> {
  let list: ContainerInfo[];
  let down: HostContainers[] = [];
  const stackOn = q.project && !q.host ? await stackHost(q.project) : null;
  if (q.host || stackOn) {
    const host = q.host ? hostName(q.host) : stackOn!;
    try {
      list = await listContainersOn(host);
    } catch (e) {
      if (stackOn && (e as AppError).code === "dependency_down") throw hostDownError(q.project!, host, e as AppError);
      throw e;
    }
  } else {
    const all = await containersByHost();
    down = all.filter((h) => h.error);
    if (down.length === all.length) throw down.find((h) => h.host === LOCAL_HOST)?.error ?? down[0].error!;
    list = all.flatMap((h) => h.containers);
  }
  if (q.project) list = list.filter((c) => c.project === q.project);
  if (q.state) list = list.filter((c) => c.state === q.state);
  return { containers: list, count: list.length, ...(down.length ? { hostsDown: down.map((h) => ({ host: h.host, message: h.error!.message })) } : {}) };
}
