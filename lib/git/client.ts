import "server-only";
import { spawn } from "node:child_process";
import { simpleGit, type SimpleGit } from "simple-git";
import { config } from "../config";
import { AppError } from "../errors";
import { redact } from "../redact";

/** Environment for every git process: never prompt, never read the system config's helpers. */
export function gitEnv(): Record<string, string> {
  const c = config();
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    LC_ALL: "C",
  };
  for (const k of ["PATH", "HOME", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "SSH_AUTH_SOCK"]) {
    if (process.env[k]) env[k] = process.env[k]!;
  }
  if (c.GIT_SSH_KEY_FILE) {
    // The key path is validated by existing config; ssh options are passed as arguments, not a shell.
    env.GIT_SSH_COMMAND = `ssh -i '${c.GIT_SSH_KEY_FILE.replace(/'/g, "")}' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new`;
  }
  return env;
}

/** simple-git on STACKS_DIR (or another folder) with a block timeout; argument arrays only. */
export function git(dir = config().stacksDir, timeoutMs = config().GIT_TIMEOUT): SimpleGit {
  return simpleGit({ baseDir: dir, binary: "git", maxConcurrentProcesses: 4, timeout: { block: timeoutMs } }).env(gitEnv());
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

/**
 * Run git with an argument array and collect stdout as a Buffer (for binary-safe reads
 * such as `cat-file --batch`), with an optional stdin and a hard timeout.
 */
export function gitRaw(args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: opts.cwd ?? config().stacksDir, env: gitEnv() as unknown as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    const t = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? config().GIT_TIMEOUT);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(t);
      if (signal === "SIGKILL") reject(new Error(`git ${args[0]} timed out`));
      else if (code !== 0) reject(new Error(err || `git ${args[0]} exited with ${code}`));
      else resolve(Buffer.concat(out));
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
