import "server-only";
import { spawn } from "node:child_process";
import { AppError } from "../errors";

// The one process runner of the CLI adapters (Compose in compose.ts, `docker stack …` in
// swarm.ts): an argument array (never a shell), stdout and stderr captured within a bound and
// streamed line by line, a hard time limit and an abort signal (SIGTERM, then SIGKILL after 5 s).
// Each caller words its own errors from the result with runError().

export type OnLine = (line: string, stream: "stdout" | "stderr") => void;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Hard limit; the process is killed after it. Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each non-blank output line as it arrives (stdout and stderr). */
  onLine?: OnLine;
  /** How much of each stream is kept: the first `max` characters (default) or, with `keep: "last"`, the last. */
  capture?: { max: number; keep: "first" | "last" };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: "timeout" | "abort" | null;
  spawnError?: Error;
}

export const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_CAPTURE = { max: 4 * 1024 * 1024, keep: "first" } as const;

/** Run argv[0] with argv[1…]; resolves when the process has closed (never rejects: see RunResult). */
export function runProcess(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const cap = opts.capture ?? DEFAULT_CAPTURE;
  const keep = (held: string, s: string) => (cap.keep === "last" ? (held + s).slice(-cap.max) : held.length < cap.max ? held + s : held);
  return new Promise((resolve) => {
    const out = { stdout: "", stderr: "" };
    let killed: RunResult["killed"] = null;
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    const partial = { stdout: "", stderr: "" };
    const feed = (stream: "stdout" | "stderr", d: Buffer) => {
      const s = d.toString("utf8");
      out[stream] = keep(out[stream], s);
      if (!opts.onLine) return;
      const lines = (partial[stream] + s).split(/\r?\n|\r/);
      partial[stream] = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) opts.onLine(l, stream);
    };
    child.stdout.on("data", (d: Buffer) => feed("stdout", d));
    child.stderr.on("data", (d: Buffer) => feed("stderr", d));
    const kill = (why: "timeout" | "abort") => {
      killed = why;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    };
    const timer = setTimeout(() => kill("timeout"), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const onAbort = () => kill("abort");
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    let spawnError: Error | undefined;
    child.on("error", (e) => (spawnError = e));
    child.on("close", (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      for (const s of ["stdout", "stderr"] as const) if (partial[s].trim() && opts.onLine) opts.onLine(partial[s], s);
      resolve({ code, stdout: out.stdout, stderr: out.stderr, killed, spawnError });
    });
  });
}

/**
 * The error of a finished run, or null when it exited 0: `what` names the command for a person
 * ("docker stack deploy on host nas"). A spawn failure is dependency_down (`spawnHint` after the
 * cause), the time limit `timeout`, an abort or a non-zero exit upstream_error with the last
 * stderr lines (and `exitHint` after them).
 */
export function runError(r: RunResult, what: string, opts: { timeoutMs?: number; spawnHint?: string; exitHint?: string } = {}): AppError | null {
  if (r.spawnError) return new AppError("dependency_down", `${what}: ${r.spawnError.message}${opts.spawnHint ?? ""}`, undefined, { cause: r.spawnError });
  if (r.killed === "timeout")
    return new AppError("timeout", `${what} did not finish in ${Math.round((opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s and was stopped.`);
  if (r.killed === "abort") return new AppError("upstream_error", `${what} was cancelled.`);
  if (r.code !== 0) {
    const tail = r.stderr
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-3)
      .join(" / ");
    return new AppError("upstream_error", `${what} failed (exit ${r.code}): ${tail || "no output"}${opts.exitHint ?? ""}`, { exitCode: r.code });
  }
  return null;
}
