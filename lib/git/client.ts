import "server-only";
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { config } from "../config";
import { AppError } from "../errors";
import { redact } from "../redact";

/** scheme://host[:port] of an http(s) URL (lower case), else null. */
export function httpOrigin(url: string): string | null {
  const m = /^(https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?)(?:\/|$)/i.exec(url.trim());
  return m ? m[1].toLowerCase() : null;
}

/** The URL of GIT_REMOTE in STACKS_DIR's .git/config, read from the file (no git process). */
function configuredRemoteUrl(): string | null {
  const c = config();
  try {
    const text = fs.readFileSync(path.join(c.stacksDir, ".git", "config"), "utf8");
    let inRemote = false;
    for (const line of text.split(/\r?\n/)) {
      const sec = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
      if (sec) inRemote = sec[1] === `remote "${c.GIT_REMOTE}"`;
      else if (inRemote) {
        const m = /^\s*url\s*=\s*(.+?)\s*$/i.exec(line);
        if (m) return m[1].replace(/^"(.*)"$/, "$1");
      }
    }
  } catch {
    /* no repository yet */
  }
  return null;
}

/**
 * Environment for every git process: never prompt, never read the system config's helpers.
 * `remoteUrl`: the remote the token is for (clone); default GIT_REMOTE's URL in STACKS_DIR.
 */
export function gitEnv(remoteUrl?: string): Record<string, string> {
  const c = config();
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    LC_ALL: "C",
  };
  for (const k of ["PATH", "HOME", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "SSH_AUTH_SOCK"]) {
    if (process.env[k]) env[k] = process.env[k]!;
  }
  const origin = c.GIT_HTTPS_TOKEN ? httpOrigin(remoteUrl ?? configuredRemoteUrl() ?? "") : null;
  if (c.GIT_HTTPS_TOKEN && origin) {
    // The token goes to git through a credential helper scoped to the remote's scheme, host and
    // port (never argv, never a URL that could be logged or stored in .git/config). git asks the
    // helper only after that host answers 401, and after a redirect the credential is looked up
    // for the new host, which does not match: another host, a redirect target or a submodule
    // elsewhere never receives it. The empty helper first drops any system or global helper
    // (which could store the token on disk).
    env.ORESI_GIT_HTTPS_TOKEN = c.GIT_HTTPS_TOKEN;
    env.GIT_CONFIG_COUNT = "2";
    env.GIT_CONFIG_KEY_0 = "credential.helper";
    env.GIT_CONFIG_VALUE_0 = "";
    env.GIT_CONFIG_KEY_1 = `credential.${origin}.helper`;
    env.GIT_CONFIG_VALUE_1 = `!f() { test "$1" = get && printf 'username=x-access-token\\npassword=%s\\n' "$ORESI_GIT_HTTPS_TOKEN"; }; f`;
  }
  if (c.GIT_SSH_KEY_FILE) {
    // git runs GIT_SSH_COMMAND through sh -c: every path is single-quoted for the shell, and
    // double-quoted inside -o for ssh's own option parser (spaces).
    const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const args = ["ssh", "-i", sh(c.GIT_SSH_KEY_FILE), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new"];
    if (env.HOME && !/["%$]/.test(env.HOME)) {
      // ssh takes ~ from the password database, not HOME: accepted host keys go to HOME's known_hosts.
      const dir = path.join(env.HOME, ".ssh");
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        args.push("-o", sh(`UserKnownHostsFile="${path.join(dir, "known_hosts")}"`));
      } catch {
        /* an unwritable HOME: ssh's default (~/.ssh of the password database) */
      }
    }
    env.GIT_SSH_COMMAND = args.join(" ");
  }
  return env;
}

/** Translate a git failure into an AppError; stderr is redacted, never echoed raw. */
export function gitError(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e;
  const msg = redact((e as Error)?.message ?? String(e)).trim();
  if (/block timeout|timed out/i.test(msg)) return new AppError("timeout", `${what}: git did not finish in time.`, undefined, { cause: e });
  if (/not a git repository/i.test(msg))
    return new AppError("dependency_down", `${what}: ${config().stacksDir} is not a git repository.`, undefined, { cause: e });
  const first = msg.split("\n").find((l) => /fatal|error/i.test(l)) ?? msg.split("\n")[0];
  return new AppError("upstream_error", `${what}: ${first.replace(/^(fatal|error):\s*/i, "")}`, undefined, { cause: e });
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra environment (on top of gitEnv()). */
  env?: Record<string, string>;
  /** Called with each chunk of stderr (progress of clone/fetch). */
  onStderr?: (chunk: string) => void;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/**
 * Run git with an argument array; resolves with the exit code instead of rejecting on a
 * non-zero exit (callers that test a condition, such as merge-base --is-ancestor, need it).
 * Rejects on a timeout, an abort, or a failure to start git.
 *
 * Our own runner rather than simple-git: GIT_TIMEOUT is a hard deadline per call (simple-git's
 * block timeout restarts on every chunk of output, so a clone printing progress never times
 * out), the abort signal and stdin are per call (simple-git takes them per instance), a non-zero
 * exit is an answer, not an error, and the environment is exactly gitEnv() (simple-git's
 * environment guard refuses GIT_* variables such as GIT_SSH_COMMAND, GIT_CONFIG_* and
 * GIT_INDEX_FILE unless each is allowed).
 */
export function runGit(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new Error(`git ${args[0]} aborted`));
    const child = spawn("git", args, {
      cwd: opts.cwd ?? config().stacksDir,
      env: { ...gitEnv(), ...(opts.env ?? {}) } as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    let why: "timeout" | "abort" | null = null;
    const kill = (w: "timeout" | "abort") => {
      why = w;
      child.kill("SIGKILL");
    };
    const t = setTimeout(() => kill("timeout"), opts.timeoutMs ?? config().GIT_TIMEOUT);
    const onAbort = () => kill("abort");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(t);
      opts.signal?.removeEventListener("abort", onAbort);
    };
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      const s = d.toString();
      if (err.length < 256 * 1024) err += s;
      opts.onStderr?.(s);
    });
    child.stdin.on("error", () => {
      /* git may exit before reading all input; the exit code tells */
    });
    child.on("error", (e) => {
      done();
      reject(e);
    });
    child.on("close", (code) => {
      done();
      if (why === "timeout") reject(new Error(`git ${args[0]} timed out`));
      else if (why === "abort") reject(new Error(`git ${args[0]} aborted`));
      else resolve({ stdout: Buffer.concat(out), stderr: err, code: code ?? 1 });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/**
 * Run git with an argument array and collect stdout as a Buffer (for binary-safe reads
 * such as `cat-file --batch`), with an optional stdin and a hard timeout.
 */
export async function gitRaw(args: string[], opts: RunOptions = {}): Promise<Buffer> {
  const r = await runGit(args, opts);
  if (r.code !== 0) throw new Error(r.stderr || `git ${args[0]} exited with ${r.code}`);
  return r.stdout;
}

/** gitRaw as UTF-8 text. */
export async function gitText(args: string[], opts: RunOptions = {}): Promise<string> {
  return (await gitRaw(args, opts)).toString("utf8");
}

/**
 * The line of git's (redacted) stderr that says why a network operation failed. ssh's own
 * refusal says why; git's summary ("Could not read from remote repository") does not.
 */
export function failureLine(stderr: string): string | null {
  const lines = redact(stderr)
    .split("\n")
    .map((l) => l.trim());
  if (lines.some((l) => /Permission denied \(publickey/.test(l))) return "the server refused the SSH key in GIT_SSH_KEY_FILE (Permission denied (publickey)).";
  const line = lines.find((l) => /^Host key verification failed/.test(l)) ?? lines.find((l) => /^(fatal|error|remote: error|! \[)/i.test(l));
  return line ? line.replace(/^(fatal|error):\s*/i, "") : null;
}
