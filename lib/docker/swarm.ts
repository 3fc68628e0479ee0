import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { config } from "../config";
import { AppError } from "../errors";
import { stackName } from "../domain";
import { singleton } from "../singleton";
import { runError, runProcess } from "./cli-run";
import { dockerError } from "./client";
import { composeConfig, composeEnv, type ComposeOptions } from "./compose";
import { listContainers } from "./containers";
import { dockerFor, LOCAL_HOST } from "./hosts";
import { errorMatcher, type LogLine } from "./log-parse";
import { followStream, MAX_TAIL, MAX_TAIL_BYTES, readLog, readTail, sinceSeconds, type LogFollower, type LogQuery } from "./logs";
import {
  decideMode,
  stackFileFrom,
  summarizeService,
  type ModeDecision,
  type RawService,
  type RawTask,
  type StackFile,
  type StackKind,
  type SwarmService,
} from "./swarm-model";

export * from "./swarm-model";

// Docker Swarm stacks on a host (lib/docker/hosts.ts): `docker stack deploy` / `docker stack rm`
// through the docker CLI (argument arrays, the host's environment from composeEnvFor), reads
// (services of a stack by the label com.docker.stack.namespace, their tasks, the node's swarm
// state) and service logs through dockerode. `docker stack deploy` reads no .env: the file it
// gets is Compose's own interpolated output (`config`) of the stack's files, by the same file
// rules as `up` (lib/docker/compose-files.ts), made acceptable to stack deploy (swarm-model.ts).

export const STACK_LABEL = "com.docker.stack.namespace";

export interface SwarmNode {
  /** inactive, pending, active, error, locked. */
  state: string;
  /** This node manages the swarm (stack deploy works here). */
  manager: boolean;
  nodeId: string | null;
  nodes: number;
  managers: number;
}

const NODE_TTL_MS = 5000;
const nodeCache = singleton("swarm.node", () => new Map<string, { at: number; value: Promise<SwarmNode> }>());

/** The host's Swarm state (`docker info`), cached for a few seconds per host; a down host throws dependency_down. */
export function swarmNode(host: string = LOCAL_HOST): Promise<SwarmNode> {
  const hit = nodeCache.get(host);
  if (hit && Date.now() - hit.at < NODE_TTL_MS) return hit.value;
  const value = (async () => {
    try {
      const info = (await dockerFor(host).info()) as {
        Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string; Nodes?: number; Managers?: number };
      };
      const s = info.Swarm ?? {};
      return {
        state: s.LocalNodeState || "inactive",
        manager: s.LocalNodeState === "active" && !!s.ControlAvailable,
        nodeId: s.NodeID || null,
        nodes: s.Nodes ?? 0,
        managers: s.Managers ?? 0,
      };
    } catch (e) {
      throw dockerError(e, "Swarm state", host);
    }
  })();
  nodeCache.set(host, { at: Date.now(), value });
  value.catch(() => nodeCache.delete(host));
  return value;
}

const LIST_TTL_MS = 2000;
const listCache = singleton("swarm.services", () => new Map<string, { at: number; value: Promise<SwarmService[]> }>());

/**
 * Every service of every Swarm stack on the host with its tasks: two Docker calls (services by
 * the stack label, their tasks), shared by every caller for ~2 s. Not a manager: none.
 */
export function swarmServices(host: string = LOCAL_HOST): Promise<SwarmService[]> {
  const hit = listCache.get(host);
  if (hit && Date.now() - hit.at < LIST_TTL_MS) return hit.value;
  const value = (async () => {
    const node = await swarmNode(host);
    if (!node.manager) return [];
    const d = dockerFor(host);
    try {
      const services = (await d.listServices({ filters: { label: [STACK_LABEL] } })) as unknown as RawService[];
      if (!services.length) return [];
      const tasks = (await d.listTasks({ filters: { service: services.map((s) => s.ID) } })) as unknown as RawTask[];
      return services.map((s) => summarizeService(s, tasks)).sort((a, b) => a.fullName.localeCompare(b.fullName));
    } catch (e) {
      throw dockerError(e, "Listing Swarm services", host);
    }
  })();
  listCache.set(host, { at: Date.now(), value });
  value.catch(() => listCache.delete(host));
  return value;
}

/** Forget the cached service lists (after a deploy, so the next read is fresh). */
export function invalidateSwarm(host?: string): void {
  if (host) {
    listCache.delete(host);
    nodeCache.delete(host);
  } else {
    listCache.clear();
    nodeCache.clear();
  }
}

/** The services of one Swarm stack on its host (empty when none runs). */
export async function stackServices(stack: string, host: string = LOCAL_HOST, fresh = false): Promise<SwarmService[]> {
  stackName(stack);
  if (fresh) listCache.delete(host);
  return (await swarmServices(host)).filter((s) => s.stack === stack);
}

// ---------------------------------------------------------------------------------------------
// The file and the CLI
// ---------------------------------------------------------------------------------------------

type FileOpts = Pick<ComposeOptions, "files" | "profiles" | "envFile" | "projectDirectory" | "signal" | "env"> & { host?: string };

/**
 * The stack's files as `docker stack deploy` gets them: Compose's `config` in the stack folder
 * (with .env interpolation, the folder's file rules, or the explicit files/profiles given),
 * adapted for stack deploy, written to `outFile` (0600: interpolated values may be secrets).
 * A file stack deploy would refuse is a preflight_failed error naming the stack and why.
 */
export async function writeStackFile(dir: string, stack: string, outFile: string, opts: FileOpts = {}): Promise<StackFile & { file: string }> {
  stackName(stack);
  if (!path.isAbsolute(outFile)) throw new AppError("bad_request", `The stack file ${outFile} must be an absolute path.`);
  let cfg;
  try {
    cfg = await composeConfig(dir, stack, { ...opts, host: opts.host ?? LOCAL_HOST });
  } catch (e) {
    const err = e as AppError;
    if (err.code === "upstream_error") throw new AppError("preflight_failed", `${stack}: compose config failed: ${err.message}`, undefined, { cause: e });
    throw e;
  }
  const f = stackFileFrom(cfg.text);
  if (f.problems.length)
    throw new AppError("preflight_failed", `${stack}: docker stack deploy would refuse the file: ${f.problems.join("; ")}.`, { problems: f.problems });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, f.text, { mode: 0o600 });
  return { ...f, file: outFile };
}

export interface CliOptions {
  host?: string;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  signal?: AbortSignal;
  /** Hard limit; the process is killed after it. Default 10 minutes. */
  timeoutMs?: number;
  cwd?: string;
}

/** Run `docker <args>` against the host (never a shell); a non-zero exit throws upstream_error with the last stderr lines. */
export async function dockerCli(args: string[], opts: CliOptions = {}): Promise<{ stdout: string; stderr: string }> {
  const host = opts.host ?? LOCAL_HOST;
  const what = `docker ${args
    .filter((a) => !a.startsWith("-"))
    .slice(0, 2)
    .join(" ")}${host === LOCAL_HOST ? "" : ` on host ${host}`}`;
  const r = await runProcess(["docker", ...args], {
    cwd: opts.cwd,
    env: composeEnv({}, host),
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onLine: opts.onLine,
    capture: { max: 1_000_000, keep: "last" },
  });
  const err = runError(r, what, { timeoutMs: opts.timeoutMs, spawnHint: " (is the docker CLI installed?)" });
  if (err) throw err;
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * `docker stack deploy --prune --with-registry-auth -c <file> <stack>`: services no longer in the
 * file are removed (as `up --remove-orphans` does for Compose), registry credentials of the
 * server's docker config go to the nodes. Returns when the manager accepted the specs; the tasks
 * converge afterwards (see judgeService).
 */
export async function stackDeploy(stack: string, file: string, opts: CliOptions = {}): Promise<void> {
  stackName(stack);
  if (!path.isAbsolute(file) || !fs.existsSync(file)) throw new AppError("bad_request", `The stack file ${file} must be an existing absolute path.`);
  await dockerCli(["stack", "deploy", "--prune", "--with-registry-auth", "-c", file, stack], { cwd: path.dirname(file), ...opts });
  invalidateSwarm(opts.host ?? LOCAL_HOST);
}

/** `docker stack rm <stack>` (volumes are kept, as with compose down). */
export async function stackRemove(stack: string, opts: CliOptions = {}): Promise<void> {
  stackName(stack);
  await dockerCli(["stack", "rm", stack], opts);
  invalidateSwarm(opts.host ?? LOCAL_HOST);
}

// ---------------------------------------------------------------------------------------------
// Service logs
// ---------------------------------------------------------------------------------------------

const SERVICE_REF_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** A line of a service's log, with the task that printed it (from the engine's log details). */
export interface ServiceLogLine extends LogLine {
  /** The task's id; null when the engine named none. */
  taskId: string | null;
  /** The task's slot, its replica number (null for a global service, or a task Swarm no longer lists). */
  slot: number | null;
  /** The node the task ran on: its hostname, or its id when the node list cannot be read; null when the engine named none. */
  node: string | null;
}

/** A service's recent log: LogTail's fields, with the service in place of the container. */
export interface ServiceLogTail {
  serviceId: string;
  /** Docker's name of the service (<stack>_<service>). */
  service: string;
  lines: ServiceLogLine[];
  errorCount: number;
  /** True when the byte cap stopped the read early. */
  truncated: boolean;
}

const DETAILS_RE = /^((?:[^\s=,]+=[^\s,]*,)*[^\s=,]+=[^\s,]*) /;
const TASK_KEY = "com.docker.swarm.task.id";
const NODE_KEY = "com.docker.swarm.node.id";

function unescape(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, " "));
  } catch {
    return v;
  }
}

/**
 * A service log line asked for with `details=1` starts with the engine's context, as URL-escaped
 * `key=value` pairs joined by commas, then a space: com.docker.swarm.node.id, …service.id and
 * …task.id (Docker 17.06 and later). Splits it off; a line without a task id is left as it is.
 */
export function splitLogDetails(text: string): { details: Record<string, string>; text: string } {
  const m = DETAILS_RE.exec(text);
  if (!m) return { details: {}, text };
  const details: Record<string, string> = {};
  for (const kv of m[1].split(",")) {
    const i = kv.indexOf("=");
    details[unescape(kv.slice(0, i))] = unescape(kv.slice(i + 1));
  }
  if (!details[TASK_KEY]) return { details: {}, text };
  return { details, text: text.slice(m[0].length) };
}

/** Each line's task, slot and node: the service's tasks and the swarm's nodes, read once per request (ids alone when unreadable). */
async function taskOfLine(d: Docker, serviceId: string): Promise<(l: LogLine) => ServiceLogLine> {
  const [tasks, nodes] = await Promise.all([
    (d.listTasks({ filters: { service: [serviceId] } }) as Promise<RawTask[]>).catch(() => [] as RawTask[]),
    (d.listNodes() as Promise<{ ID: string; Description?: { Hostname?: string } }[]>).catch(() => []),
  ]);
  const slots = new Map(tasks.map((t) => [t.ID, t.Slot ?? null]));
  const hostnames = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname || n.ID]));
  const isError = errorMatcher(config().LOG_ERROR_PATTERNS);
  return (l) => {
    const { details, text } = splitLogDetails(l.text);
    const taskId = details[TASK_KEY] ?? null;
    const nodeId = details[NODE_KEY] ?? null;
    return {
      ...l,
      text,
      error: taskId ? isError(text) : l.error,
      taskId,
      slot: taskId ? (slots.get(taskId) ?? null) : null,
      node: nodeId ? (hostnames.get(nodeId) ?? nodeId) : null,
    };
  };
}

const noTask = (l: LogLine): ServiceLogLine => ({ ...l, taskId: null, slot: null, node: null });

async function openServiceLogs(
  service: string,
  host: string,
  opts: { tail?: number | "all"; since?: number; signal?: AbortSignal; follow?: boolean; details?: boolean },
) {
  if (!SERVICE_REF_RE.test(service)) throw new AppError("bad_request", `"${service.slice(0, 80)}" is not a service id or name.`);
  const d = dockerFor(host);
  let tty = false;
  let id: string;
  let name: string;
  try {
    const info = (await d.getService(service).inspect()) as { ID: string; Spec?: { Name?: string; TaskTemplate?: { ContainerSpec?: { TTY?: boolean } } } };
    id = info.ID;
    name = info.Spec?.Name ?? service;
    tty = !!info.Spec?.TaskTemplate?.ContainerSpec?.TTY;
  } catch (e) {
    throw dockerError(e, `Service ${service}`, host);
  }
  const options: Record<string, unknown> = { follow: !!opts.follow, stdout: true, stderr: true, timestamps: true, tail: opts.tail ?? "all" };
  if (opts.since !== undefined) options.since = opts.since;
  if (opts.details) options.details = true;
  try {
    const [stream, withTask] = await Promise.all([
      new Promise<Readable>((resolve, reject) =>
        d.modem.dial(
          {
            path: `/services/${id}/logs?`,
            method: "GET",
            isStream: true,
            abortSignal: opts.signal,
            statusCodes: { 200: true, 404: "no such service", 500: "server error", 503: "node is not part of a swarm" },
            options,
          },
          (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as Readable)),
        ),
      ),
      // Tasks and nodes only for the readers that show them (not the verification's error count).
      opts.details ? taskOfLine(d, id) : noTask,
    ]);
    return { stream, tty, id, name, withTask };
  } catch (e) {
    throw dockerError(e, `Logs of service ${service}`, host);
  }
}

/** The last lines of a service's log (every task, on every node: the manager gathers them), in time order, each with its task. */
export async function serviceLogs(
  service: string,
  opts: { host?: string; tail?: number; since?: LogQuery["since"]; signal?: AbortSignal } = {},
): Promise<ServiceLogTail> {
  const host = opts.host ?? LOCAL_HOST;
  const tail = Math.max(1, Math.min(MAX_TAIL, Math.floor(opts.tail ?? 200)));
  const since = sinceSeconds(opts.since);
  const open = await openServiceLogs(service, host, { tail, since, signal: opts.signal, details: true });
  // Docker sends the tail of each task, task after task: keep the newest `tail` lines by time.
  const { lines, truncated } = await readTail(open.stream, open.tty, tail, MAX_TAIL_BYTES, opts.signal, { map: open.withTask, ordered: true }).catch((e) => {
    throw dockerError(e, `Logs of service ${service}`, host);
  });
  return { serviceId: open.id, service: open.name, lines, errorCount: lines.filter((l) => l.error).length, truncated };
}

/** Follow a service's log (every task): the last `tail` lines of each task, then each new line, each with its task. */
export async function followServiceLogs(
  service: string,
  onLine: (l: ServiceLogLine) => void,
  opts: { host?: string; tail?: number; since?: LogQuery["since"]; signal?: AbortSignal; onEnd?: (err?: Error) => void } = {},
): Promise<LogFollower & { serviceId: string; service: string }> {
  const host = opts.host ?? LOCAL_HOST;
  const tail = Math.max(0, Math.min(MAX_TAIL, Math.floor(opts.tail ?? 100)));
  const open = await openServiceLogs(service, host, { follow: true, tail, since: sinceSeconds(opts.since), signal: opts.signal, details: true });
  const follower = followStream(open.stream, open.tty, (l) => onLine(open.withTask(l)), { signal: opts.signal, onEnd: opts.onEnd });
  return { ...follower, serviceId: open.id, service: open.name };
}

/** Count a service's error lines (LOG_ERROR_PATTERNS) since a time, without keeping the log. */
export async function countServiceErrorLines(
  service: string,
  since: Date,
  opts: { host?: string; signal?: AbortSignal } = {},
): Promise<{ lines: number; errors: number; samples: LogLine[] }> {
  const host = opts.host ?? LOCAL_HOST;
  const { stream, tty } = await openServiceLogs(service, host, { since: Math.floor(since.getTime() / 1000), signal: opts.signal });
  const out = { lines: 0, errors: 0, samples: [] as LogLine[] };
  await readLog(
    stream,
    tty,
    (l) => {
      out.lines++;
      if (l.error) {
        out.errors++;
        if (out.samples.length < 20) out.samples.push(l);
      }
    },
    64 * 1024 * 1024,
    opts.signal,
  ).catch((e) => {
    throw dockerError(e, `Logs of service ${service}`, host);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mode of a stack on its host
// ---------------------------------------------------------------------------------------------

/**
 * Compose or Swarm for one stack (decideMode's rule). Reads the host only when the compose file
 * does not say: its swarm state, its Swarm stacks and its Compose containers (all cached).
 */
export async function stackKind(stack: string, declared: StackKind | undefined, host: string = LOCAL_HOST): Promise<ModeDecision> {
  if (declared === "compose") return decideMode({ declared, manager: null, swarmStackRuns: false, composeContainers: false }, host);
  const node = await swarmNode(host).catch(() => null);
  if (declared === "swarm" || !node?.manager)
    return decideMode({ declared, manager: node ? node.manager : null, swarmStackRuns: false, composeContainers: false }, host);
  const [services, containers] = await Promise.all([swarmServices(host).catch(() => [] as SwarmService[]), listContainers(host).catch(() => [])]);
  return decideMode(
    { declared, manager: true, swarmStackRuns: services.some((s) => s.stack === stack), composeContainers: containers.some((c) => c.project === stack) },
    host,
  );
}
