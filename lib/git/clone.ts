import "server-only";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { config } from "../config";
import { AppError } from "../errors";
import { logger } from "../logger";
import { redact } from "../redact";
import { singleton } from "../singleton";
import { failureLine, gitEnv, runGit } from "./client";
import { isGitRepo } from "./gitdir";
import { invalidateRepoState } from "./state";
import { invalidateReleases } from "./tags";

export interface CloneJob {
  state: "idle" | "running" | "done" | "failed";
  /** The URL with any credentials removed. */
  url: string | null;
  phase: string | null;
  percent: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

const HTTPS_RE = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/[A-Za-z0-9._~%/+-]*$/;
const SSH_RE = /^ssh:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:\d{1,5})?\/[A-Za-z0-9._~%/+-]+$/;
const SCP_RE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/+-]+$/;

/** Accept https://host/path, ssh://[user@]host/path or user@host:path; nothing else reaches git. */
export function cloneUrl(v: unknown): string {
  const s = typeof v === "string" ? v.trim() : "";
  if (/^https?:\/\/[^/]*@/.test(s))
    throw new AppError("bad_request", "Do not put credentials in the URL: set GIT_HTTPS_TOKEN (HTTPS) or GIT_SSH_KEY_FILE (SSH) in the configuration.");
  if (s.length > 500 || !(HTTPS_RE.test(s) || SSH_RE.test(s) || SCP_RE.test(s)) || s.includes(".."))
    throw new AppError("bad_request", `"${redact(s).slice(0, 80)}" is not a repository URL: use https://host/owner/stacks.git or git@host:owner/stacks.git.`);
  if (/^http:\/\//i.test(s) && !config().GIT_ALLOW_HTTP)
    throw new AppError(
      "bad_request",
      `"${redact(s).slice(0, 80)}" is plain http:// (no TLS: the token and the code would travel in clear): use https://, or set GIT_ALLOW_HTTP=1 to allow it.`,
    );
  return s;
}

const job = singleton("git.clone.job", () => ({
  value: { state: "idle", url: null, phase: null, percent: null, error: null, startedAt: null, finishedAt: null } as CloneJob,
  promise: null as Promise<CloneJob> | null,
}));

export function cloneStatus(): CloneJob {
  return { ...job.value };
}

function checkTarget(dir: string): void {
  if (isGitRepo(dir)) throw new AppError("conflict", `${dir} is already a git repository.`);
  if (fs.existsSync(dir)) {
    const entries = fs.readdirSync(dir).filter((e) => !e.startsWith(".oresi-clone-"));
    if (entries.length)
      throw new AppError(
        "conflict",
        `${dir} is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}): move its contents away or point STACKS_DIR at an empty folder.`,
      );
  } else if (!fs.existsSync(path.dirname(dir))) {
    throw new AppError("preflight_failed", `The parent folder of STACKS_DIR (${path.dirname(dir)}) does not exist.`);
  }
}

/**
 * Clone the stacks repository into STACKS_DIR: into a temporary folder first, then moved
 * into place, so a failure leaves nothing half-cloned. Returns at once with the running job;
 * `wait` resolves when it ends (after `onFinish`). Credentials (token, key) never appear in errors or logs.
 */
export function startClone(urlInput: string, opts: { onFinish?: (j: CloneJob) => void } = {}): { job: CloneJob; wait: Promise<CloneJob> } {
  const url = cloneUrl(urlInput);
  if (job.value.state === "running") throw new AppError("conflict", "A clone is already running.");
  const dir = config().stacksDir;
  checkTarget(dir);
  const now = new Date().toISOString();
  job.value = { state: "running", url: redact(url), phase: "Starting", percent: null, error: null, startedAt: now, finishedAt: null };
  const wait = runClone(url, dir).then(
    () => {
      job.value = { ...job.value, state: "done", phase: "Done", percent: 100, finishedAt: new Date().toISOString() };
      invalidateReleases();
      invalidateRepoState();
      return cloneStatus();
    },
    (e) => {
      const msg = redact((e as Error).message);
      job.value = { ...job.value, state: "failed", error: msg, finishedAt: new Date().toISOString() };
      logger.warn("clone failed", { url: job.value.url, err: msg });
      return cloneStatus();
    },
  );
  job.promise = wait.then((j) => {
    opts.onFinish?.(j);
    return j;
  });
  return { job: cloneStatus(), wait: job.promise };
}

async function runClone(url: string, dir: string): Promise<void> {
  const exists = fs.existsSync(dir);
  // An existing (empty) STACKS_DIR may be a mount point: clone inside it and move entries up (same file system).
  const parent = exists ? dir : path.dirname(dir);
  const tmp = path.join(parent, `.oresi-clone-${crypto.randomBytes(4).toString("hex")}`);
  const timeoutMs = Math.max(config().GIT_TIMEOUT * 10, 60_000);
  try {
    const r = await runGit(["clone", "--progress", "--no-recurse-submodules", "--", url, tmp], {
      cwd: parent,
      timeoutMs,
      // the token is offered to the clone URL's host only (STACKS_DIR has no remote yet)
      env: gitEnv(url),
      onStderr: (chunk) => {
        const m = /([A-Za-z][A-Za-z ]+):\s+(\d{1,3})%/g;
        let last: RegExpExecArray | null = null;
        for (let x = m.exec(chunk); x; x = m.exec(chunk)) last = x;
        if (last) job.value = { ...job.value, phase: last[1].trim(), percent: Number(last[2]) };
      },
    }).catch((e: Error) => {
      throw new AppError(
        "timeout",
        /timed out/.test(e.message)
          ? `Cloning ${redact(url)} did not finish within ${Math.round(timeoutMs / 1000)} s.`
          : `Cloning ${redact(url)} failed: ${e.message}`,
      );
    });
    if (r.code !== 0) {
      throw new AppError("upstream_error", `Cloning ${redact(url)} failed: ${failureLine(r.stderr) ?? "git clone failed"}`);
    }
    if (exists) {
      const moved: string[] = [];
      try {
        for (const e of fs.readdirSync(tmp)) {
          fs.renameSync(path.join(tmp, e), path.join(dir, e));
          moved.push(e);
        }
      } catch (e) {
        for (const m of moved) fs.rmSync(path.join(dir, m), { recursive: true, force: true });
        throw e;
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, dir);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
