import "server-only";
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { config, LOCAL_HOST } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";
import { stackName } from "../domain";
import { runError, runProcess } from "./cli-run";
import { composeEnvFor } from "./hosts";
import { resolveComposeFiles, serviceEnabled, type ComposeFileSet, type ComposeMajor } from "./compose-files";

// The Compose CLI, v2 (`docker compose`) or v1 (`docker-compose`), always with argument
// arrays, the stack folder as cwd and `-p <stack>` as project name. Both versions share
// the labels (com.docker.compose.project/service/config-hash), so nothing here relies on
// container names (v1 `stack_service_1`, v2 `stack-service-1`).

export interface ComposeCommand {
  /** Executable and leading arguments: ["docker", "compose"] or ["docker-compose"]. */
  argv: string[];
  major: 1 | 2;
  version: string;
}

export interface ComposeOptions {
  /** Each output line as it arrives (stdout and stderr). */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  signal?: AbortSignal;
  /** Hard limit; the process is killed after it. Default 10 minutes. */
  timeoutMs?: number;
  /** Extra environment (interpolation); the process env is minimal otherwise. */
  env?: Record<string, string>;
  /** Compose files, relative to the stack folder or absolute; default: none passed, Compose picks them by its own rules. */
  files?: string[];
  /** Profiles to pass as `--profile` (only with `files`: they replace COMPOSE_PROFILES from .env). */
  profiles?: string[];
  /** Another project directory (relative paths and bind mounts resolve against it). */
  projectDirectory?: string;
  /** Another .env file for interpolation. */
  envFile?: string;
  /** The Docker host the stack runs on (lib/docker/hosts.ts; default `local`, the engine of DOCKER_HOST). */
  host?: string;
}

export interface ComposeResult {
  stdout: string;
  stderr: string;
}

/** The environment of every Compose process: minimal, so the server's own variables never leak into interpolation. */
export function composeEnv(extra: Record<string, string> = {}, host: string = LOCAL_HOST): NodeJS.ProcessEnv {
  const env: Record<string, string> = { COMPOSE_INTERACTIVE_NO_CLI: "1", LC_ALL: "C.UTF-8" };
  for (const k of ["PATH", "HOME", "SSH_AUTH_SOCK", "DOCKER_CONFIG", "TMPDIR"]) if (process.env[k]) env[k] = process.env[k]!;
  return { ...env, ...composeEnvFor(host), ...extra } as unknown as NodeJS.ProcessEnv;
}

async function probe(argv: string[]): Promise<ComposeCommand | null> {
  const r = await runProcess([...argv, "version", "--short"], { env: composeEnv(), timeoutMs: 15_000 });
  if (r.spawnError || r.code !== 0) return null;
  const version = r.stdout.trim().replace(/^v/, "");
  if (!/^\d+\.\d+/.test(version)) return null;
  return { argv, major: version.startsWith("1.") ? 1 : 2, version };
}

const detected = singleton("compose.detected", () => ({ pending: null as Promise<ComposeCommand> | null }));

/** Which Compose the machine has (COMPOSE_COMMAND=auto prefers v2). Detected once; a failure is retried on the next call. */
export function detectCompose(): Promise<ComposeCommand> {
  if (!detected.pending) {
    const p = (async () => {
      const want = config().COMPOSE_COMMAND;
      const candidates =
        want === "docker compose" ? [["docker", "compose"]] : want === "docker-compose" ? [["docker-compose"]] : [["docker", "compose"], ["docker-compose"]];
      for (const argv of candidates) {
        const c = await probe(argv);
        if (c) return c;
      }
      throw new AppError(
        "dependency_down",
        want === "auto"
          ? "Neither `docker compose` (v2) nor `docker-compose` (v1) is installed; install the Compose plugin or set COMPOSE_COMMAND."
          : `COMPOSE_COMMAND=${want} does not run on this machine; install it or set COMPOSE_COMMAND=auto.`,
      );
    })();
    detected.pending = p;
    p.catch(() => {
      if (detected.pending === p) detected.pending = null;
    });
  }
  return detected.pending;
}

/** The files Compose reads in a stack folder (and its profiles), by Compose's own rules for this Compose version. */
export function composeFilesIn(dir: string, major: ComposeMajor): ComposeFileSet {
  const env = path.join(dir, ".env");
  const envText = fs.existsSync(env) ? fs.readFileSync(env, "utf8") : null;
  return resolveComposeFiles(major, (n) => fs.existsSync(path.join(dir, n)), envText);
}

/** The stack folder's file list and profiles as explicit arguments, with extra files after it (e.g. an exact-release pin override). */
export async function composeFilesWith(dir: string, extra: string[]): Promise<{ files: string[]; profiles: string[] }> {
  const set = composeFilesIn(dir, (await detectCompose()).major);
  if (set.error) throw new AppError("preflight_failed", `${dir}: ${set.error}`);
  return { files: [...set.files, ...extra], profiles: set.profiles };
}

/**
 * Run `compose -p <project> [-f …] <args>` in the stack folder. Lines stream to onLine;
 * a non-zero exit throws upstream_error with the last stderr lines, a timeout `timeout`.
 */
export async function compose(stackDir: string, project: string, args: string[], opts: ComposeOptions = {}): Promise<ComposeResult> {
  stackName(project);
  if (!path.isAbsolute(stackDir)) throw new AppError("bad_request", `Stack folder ${stackDir} must be an absolute path.`);
  if (!fs.existsSync(stackDir)) throw new AppError("not_found", `Stack folder ${stackDir} does not exist.`);
  const cmd = await detectCompose();
  if (!opts.files?.length && !opts.projectDirectory) {
    const set = composeFilesIn(stackDir, cmd.major);
    if (!set.files.length) throw new AppError("not_found", `${set.error ?? "No compose file."} (in ${stackDir})`);
  }
  const argv = [...cmd.argv];
  for (const f of opts.files ?? []) argv.push("-f", f);
  if (opts.files?.length) for (const p of opts.profiles ?? []) argv.push("--profile", p);
  argv.push("-p", project);
  if (opts.projectDirectory) argv.push("--project-directory", opts.projectDirectory);
  if (opts.envFile) argv.push("--env-file", opts.envFile);
  argv.push("--ansi", "never", ...args);
  const host = opts.host ?? LOCAL_HOST;
  const r = await runProcess(argv, { cwd: stackDir, env: composeEnv(opts.env, host), timeoutMs: opts.timeoutMs, signal: opts.signal, onLine: opts.onLine });
  const what = `${cmd.argv.join(" ")} ${args
    .filter((a) => !a.startsWith("-"))
    .slice(0, 2)
    .join(" ")} (${project}${host === LOCAL_HOST ? "" : ` on host ${host}`})`;
  const hint =
    cmd.major === 1 && /'include' does not match/.test(r.stderr)
      ? " (`include:` needs Compose v2; this machine runs v1: install the Compose plugin or inline the included files)"
      : "";
  const err = runError(r, what, { timeoutMs: opts.timeoutMs, exitHint: hint });
  if (err) throw err;
  return { stdout: r.stdout, stderr: r.stderr };
}

export interface ComposeService {
  name: string;
  /** The image after .env interpolation; null when the service is built and names none. */
  image: string | null;
  build: boolean;
  ports: string[];
}

export interface ComposeConfig {
  services: ComposeService[];
  /** The normalized file as Compose prints it (YAML). */
  text: string;
}

type Opts = Pick<ComposeOptions, "signal" | "timeoutMs" | "env" | "files" | "profiles" | "projectDirectory" | "envFile" | "host">;

/**
 * Validate a stack and return the services it starts and their images after interpolation
 * (`config`; v2 `--format json`). Services of inactive profiles are left out (v1 prints them).
 */
export async function composeConfig(dir: string, project: string, opts: Opts = {}): Promise<ComposeConfig> {
  const cmd = await detectCompose();
  const r = await compose(dir, project, cmd.major === 2 ? ["config", "--format", "json"] : ["config"], { timeoutMs: 60_000, ...opts });
  let doc: { services?: Record<string, { image?: string; build?: unknown; ports?: unknown[]; profiles?: unknown }> };
  try {
    doc = cmd.major === 2 ? JSON.parse(r.stdout) : YAML.parse(r.stdout);
  } catch (e) {
    throw new AppError("upstream_error", `compose config printed something unreadable: ${(e as Error).message}`);
  }
  const active = opts.files?.length ? (opts.profiles ?? []) : composeFilesIn(dir, cmd.major).profiles;
  const services = Object.entries(doc?.services ?? {})
    .filter(([, s]) => serviceEnabled(s?.profiles, active))
    .map(([name, s]) => ({
      name,
      image: typeof s.image === "string" ? s.image : null,
      build: s.build !== undefined,
      ports: (s.ports ?? []).map((p) => (typeof p === "string" ? p : JSON.stringify(p))),
    }));
  services.sort((a, b) => a.name.localeCompare(b.name));
  return { services, text: cmd.major === 2 ? YAML.stringify(doc) : r.stdout };
}

/** The config hash Compose would label each service's container with (`config --hash '*'`, v1 and v2). */
export async function configHashes(dir: string, project: string, opts: Opts = {}): Promise<Record<string, string>> {
  const r = await compose(dir, project, ["config", "--hash", "*"], { timeoutMs: 60_000, ...opts });
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const m = /^(\S+)\s+([0-9a-f]{64})$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * `up -d --remove-orphans`, as typed in the folder. Extra override files (`files`) go after
 * the stack's own files in Compose's order (override file, COMPOSE_FILE), with its profiles.
 */
export async function composeUp(
  dir: string,
  project: string,
  opts: Pick<ComposeOptions, "onLine" | "signal" | "timeoutMs" | "env" | "host"> & { files?: string[]; services?: string[] } = {},
): Promise<ComposeResult> {
  const explicit = opts.files?.length ? await composeFilesWith(dir, opts.files) : { files: undefined, profiles: undefined };
  return compose(dir, project, ["up", "-d", "--remove-orphans", ...(opts.services ?? [])], { ...opts, ...explicit });
}

/** `down` (never `-v`: volumes hold data). */
export async function composeDown(
  dir: string,
  project: string,
  opts: Pick<ComposeOptions, "onLine" | "signal" | "timeoutMs" | "host"> = {},
): Promise<ComposeResult> {
  return compose(dir, project, ["down", "--remove-orphans"], opts);
}

/** `restart [services…]`. */
export async function composeRestart(
  dir: string,
  project: string,
  services: string[] = [],
  opts: Pick<ComposeOptions, "onLine" | "signal" | "timeoutMs" | "host"> = {},
): Promise<ComposeResult> {
  for (const s of services) if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s)) throw new AppError("bad_request", `"${s.slice(0, 64)}" is not a service name.`);
  return compose(dir, project, ["restart", ...services], opts);
}
