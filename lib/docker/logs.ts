import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { dockerError } from "./client";
import { dockerFor, LOCAL_HOST } from "./hosts";
import { inspectContainer } from "./containers";
import { config } from "../config";
import { AppError } from "../errors";
import { errorMatcher, LogDemuxer, type LogLine } from "./log-parse";

export type { LogLine } from "./log-parse";

/** A container id (hex prefix) or name, as Docker accepts it. */
const CONTAINER_REF_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function containerRef(v: string): string {
  if (!CONTAINER_REF_RE.test(v)) throw new AppError("bad_request", `"${v.slice(0, 80)}" is not a container id or name.`);
  return v;
}

/** The id of the container this process runs in, if any (Docker sets the hostname to its first 12 hex digits). */
function ownContainerIds(): string[] {
  const ids: string[] = [];
  const host = os.hostname();
  if (/^[0-9a-f]{12,64}$/.test(host)) ids.push(host);
  try {
    // cgroup v1 names the full id (/docker/<id>); the mount table names the id of the /etc/hostname
    // file Docker binds into its container (the host's own table has no such mount)
    for (const m of fs.readFileSync("/proc/self/cgroup", "utf8").matchAll(/docker[/-]([0-9a-f]{64})/g)) ids.push(m[1]);
    for (const m of fs.readFileSync("/proc/self/mountinfo", "utf8").matchAll(/containers\/([0-9a-f]{64})\/hostname /g)) ids.push(m[1]);
  } catch {
    /* not Linux or no /proc: the hostname alone */
  }
  return ids;
}

const LOGS_RULE =
  "Logs are shown only for containers of stacks in the stacks repository (Compose project = a folder in STACKS_DIR), for every role; never for Oresi's own container (its log can hold the first-run admin password) or other containers on the host.";

/**
 * Who may read a container's log through the API (every role, admins too): only a container of a
 * stack, i.e. whose com.docker.compose.project label is a folder directly in STACKS_DIR, and never
 * Oresi's own container. Anything else is a 403 saying so (and naming the project it found).
 */
export async function assertLogsReadable(ref: string, host: string = LOCAL_HOST): Promise<string> {
  containerRef(ref);
  let info: { Id: string; Config?: { Labels?: Record<string, string> | null } };
  try {
    info = await dockerFor(host).getContainer(ref).inspect();
  } catch (e) {
    throw dockerError(e, `Container ${ref.slice(0, 12)}`, host);
  }
  const id = info.Id;
  if (ownContainerIds().some((own) => id.startsWith(own))) throw new AppError("forbidden", `${LOGS_RULE} ${ref.slice(0, 64)} is Oresi's own container.`);
  // A Swarm stack's task containers carry the stack's name in com.docker.stack.namespace instead.
  const project = info.Config?.Labels?.["com.docker.compose.project"] ?? info.Config?.Labels?.["com.docker.stack.namespace"] ?? "";
  if (!project) throw new AppError("forbidden", `${LOGS_RULE} ${ref.slice(0, 64)} was not started by Compose (no project label).`);
  const dir = config().stacksDir;
  let isStack = false;
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(project) && !project.includes("..")) {
    try {
      isStack = fs.statSync(path.join(dir, project)).isDirectory();
    } catch {
      isStack = false;
    }
  }
  if (!isStack)
    throw new AppError("forbidden", `${LOGS_RULE} ${ref.slice(0, 64)} belongs to Compose project "${project.slice(0, 80)}", which is no folder in STACKS_DIR.`);
  return id;
}

export const MAX_TAIL = 5000;
/** The most of a log one tail request reads. */
export const MAX_TAIL_BYTES = 8 * 1024 * 1024;

export interface LogQuery {
  tail?: number;
  /** Only lines after this time (Date, ISO string or unix seconds). */
  since?: Date | string | number;
  signal?: AbortSignal;
  /** The Docker host the container runs on (default local). */
  host?: string;
}

/** `since` as Docker takes it (unix seconds); a value that is no time is a bad_request saying what to send. */
export function sinceSeconds(s: LogQuery["since"]): number | undefined {
  if (s === undefined || s === "") return undefined;
  const t = s instanceof Date ? s.getTime() / 1000 : typeof s === "number" ? s : new Date(s).getTime() / 1000;
  if (!Number.isFinite(t)) throw new AppError("bad_request", `since=${String(s).slice(0, 40)} is not a time: use an ISO time such as 2026-01-31T12:00:00Z.`);
  return Math.floor(t);
}

async function openLogStream(id: string, opts: { follow: boolean; tail?: number | "all"; since?: number; signal?: AbortSignal; host?: string }) {
  containerRef(id);
  const host = opts.host ?? LOCAL_HOST;
  const info = await inspectContainer(id, host);
  const options: Record<string, unknown> = { follow: opts.follow, stdout: true, stderr: true, timestamps: true, tail: opts.tail ?? "all" };
  if (opts.since !== undefined) options.since = opts.since;
  try {
    // isStream always: dockerode would buffer a non-follow response whole, and a log can be huge.
    const stream = await new Promise<Readable>((resolve, reject) =>
      dockerFor(host).modem.dial(
        {
          path: `/containers/${info.id}/logs?`,
          method: "GET",
          isStream: true,
          abortSignal: opts.signal,
          statusCodes: { 200: true, 404: "no such container", 500: "server error" },
          options,
        },
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as Readable)),
      ),
    );
    return { stream, tty: info.tty, id: info.id };
  } catch (e) {
    throw dockerError(e, `Logs of ${id.slice(0, 12)}`, host);
  }
}

/**
 * Read a (non-follow) log stream to its end, each line to onLine (stdout and stderr told apart
 * unless `tty`, error lines flagged by LOG_ERROR_PATTERNS). Past `maxBytes` the stream is closed
 * and the result is true (truncated). An error after `signal` aborted ends the read quietly;
 * any other rejects as it came (the caller words it with dockerError).
 */
export async function readLog(stream: Readable, tty: boolean, onLine: (l: LogLine) => void, maxBytes: number, signal?: AbortSignal): Promise<boolean> {
  const demux = new LogDemuxer(!tty, errorMatcher(config().LOG_ERROR_PATTERNS), onLine);
  let bytes = 0;
  let truncated = false;
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (d: Buffer) => {
      bytes += d.length;
      if (bytes > maxBytes) {
        truncated = true;
        stream.destroy();
        return resolve();
      }
      demux.push(d);
    });
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", (e) => (signal?.aborted ? resolve() : reject(e)));
  });
  demux.end();
  return truncated;
}

/** The order of Docker's timestamps (RFC 3339 in UTC, nanoseconds with trailing zeros cut): the fraction padded to 9 digits. */
function timeKey(ts: string | null): string {
  if (!ts) return "";
  return ts.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?/, (_, sec: string, frac = "") => `${sec}.${frac.padEnd(9, "0").slice(0, 9)}`);
}

/** Lines in time order (stable: lines of one time keep the order they came in). */
export function byTime<L extends LogLine>(lines: L[]): L[] {
  return lines
    .map((l, i) => ({ l, i, k: timeKey(l.ts) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.l);
}

/**
 * readLog keeping only the last `tail` lines (memory stays bounded by the tail, not the log).
 * `map` turns each line into the caller's kind; `ordered` keeps the last by time rather than by
 * arrival (a service's log comes task after task, each task's lines in order).
 */
export async function readTail<L extends LogLine = LogLine>(
  stream: Readable,
  tty: boolean,
  tail: number,
  maxBytes: number,
  signal?: AbortSignal,
  opts: { map?: (l: LogLine) => L; ordered?: boolean } = {},
): Promise<{ lines: L[]; truncated: boolean }> {
  let lines: L[] = [];
  const cut = () => {
    if (opts.ordered) lines = byTime(lines);
    if (lines.length > tail) lines.splice(0, lines.length - tail);
  };
  const truncated = await readLog(
    stream,
    tty,
    (l) => {
      lines.push(opts.map ? opts.map(l) : (l as L));
      if (lines.length > tail * 2) cut();
    },
    maxBytes,
    signal,
  );
  cut();
  return { lines, truncated };
}

/** What follows a log: stop it, and pause/resume it so that a slow reader applies back-pressure to Docker. */
export interface LogFollower {
  stop(): void;
  pause(): void;
  resume(): void;
}

/** Follow an open (follow=1) log stream: each line to onLine until it ends, fails, is stopped or `signal` aborts; then onEnd once. */
export function followStream(
  stream: Readable,
  tty: boolean,
  onLine: (l: LogLine) => void,
  opts: { signal?: AbortSignal; onEnd?: (err?: Error) => void } = {},
): LogFollower {
  const demux = new LogDemuxer(!tty, errorMatcher(config().LOG_ERROR_PATTERNS), onLine);
  let ended = false;
  const end = (err?: Error) => {
    if (ended) return;
    ended = true;
    demux.end();
    stream.destroy();
    opts.onEnd?.(err);
  };
  stream.on("data", (d: Buffer) => demux.push(d));
  stream.on("end", () => end());
  stream.on("error", (e) => end(opts.signal?.aborted ? undefined : e));
  opts.signal?.addEventListener("abort", () => end(), { once: true });
  return { stop: () => end(), pause: () => stream.pause(), resume: () => stream.resume() };
}

export interface LogTail {
  containerId: string;
  lines: LogLine[];
  errorCount: number;
  /** True when the byte cap stopped the read early. */
  truncated: boolean;
}

/** The last N lines (≤ 5000), stdout and stderr told apart, ANSI stripped, error lines flagged. Bounded in bytes too. */
export async function containerLogs(id: string, q: LogQuery = {}): Promise<LogTail> {
  const tail = Math.max(1, Math.min(MAX_TAIL, Math.floor(q.tail ?? 200)));
  const since = sinceSeconds(q.since);
  const { stream, tty, id: full } = await openLogStream(id, { follow: false, tail, since, signal: q.signal, host: q.host });
  const { lines, truncated } = await readTail(stream, tty, tail, MAX_TAIL_BYTES, q.signal).catch((e) => {
    throw dockerError(e, `Logs of ${id.slice(0, 12)}`, q.host);
  });
  return { containerId: full, lines, errorCount: lines.filter((l) => l.error).length, truncated };
}

/**
 * Follow a container's logs: the last `tail` lines, then each new line. Returns a stop
 * function. `pause`/`resume` let a slow reader apply back-pressure to Docker.
 */
export async function followLogs(
  id: string,
  onLine: (l: LogLine) => void,
  opts: { tail?: number; since?: LogQuery["since"]; signal?: AbortSignal; onEnd?: (err?: Error) => void; host?: string } = {},
): Promise<LogFollower & { containerId: string }> {
  const tail = Math.max(0, Math.min(MAX_TAIL, Math.floor(opts.tail ?? 100)));
  const { stream, tty, id: full } = await openLogStream(id, { follow: true, tail, since: sinceSeconds(opts.since), signal: opts.signal, host: opts.host });
  return { ...followStream(stream, tty, onLine, opts), containerId: full };
}

export interface ErrorCount {
  lines: number;
  errors: number;
  /** Up to 20 error lines, for a verification report. */
  samples: LogLine[];
}

/** Count a container's error lines (LOG_ERROR_PATTERNS) since a time, without keeping the log in memory. */
export async function countErrorLines(
  id: string,
  since: Date | string | number,
  opts: { signal?: AbortSignal; maxBytes?: number; host?: string } = {},
): Promise<ErrorCount> {
  const { stream, tty } = await openLogStream(id, { follow: false, tail: "all", since: sinceSeconds(since), signal: opts.signal, host: opts.host });
  const out: ErrorCount = { lines: 0, errors: 0, samples: [] };
  const demux = new LogDemuxer(!tty, errorMatcher(config().LOG_ERROR_PATTERNS), (l) => {
    out.lines++;
    if (l.error) {
      out.errors++;
      if (out.samples.length < 20) out.samples.push(l);
    }
  });
  const max = opts.maxBytes ?? 64 * 1024 * 1024;
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (d: Buffer) => {
      bytes += d.length;
      demux.push(d);
      if (bytes > max) {
        stream.destroy();
        resolve();
      }
    });
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", (e) => (opts.signal?.aborted ? resolve() : reject(dockerError(e, `Logs of ${id.slice(0, 12)}`, opts.host))));
  });
  demux.end();
  return out;
}
