// The deployment engine's dependencies and the shapes its steps pass along. Pure types: the
// real dependencies are built in lib/deploy/deps.ts, in-memory fakes in ./testing.ts.
import type { Config } from "../../config";
import type { ContainerInfo, ImageInfo } from "../../docker/types";
import type { XOresi } from "../../docker/x-oresi";
import type { ModeDecision, StackFile, StackKind, SwarmService } from "../../docker/swarm-model";
import type { StackFiles } from "../../git/read";
import type { Sha } from "../../git/refs";
import type { FetchResult } from "../../git/remote";
import type { ConfigPart } from "../../stacks/desired";
import type { ChangePlan } from "../plan-changes";
import type { Pin } from "../pins";
import type { DeploymentPreview } from "../preview-types";
import type { DeploymentPatch, NewDeployment } from "../store";
import type { Deployment, LogLine, ServiceImage, StackChange, StepName, VerificationRow } from "../types";
import type { StackToVerify } from "../verify";

/** Where Compose runs a stack: its project name, folder and Docker host (x-oresi.host; unset: `local`). */
export interface StackRef {
  name: string;
  dir: string;
  host?: string;
}

export interface ComposeRunOptions {
  onLine: (line: string) => void;
  signal: AbortSignal;
}

export type EngineConfig = Pick<Config, "GIT_TIMEOUT" | "DEPLOY_TIMEOUT" | "DEPLOY_PARALLEL" | "VERIFY_TIMEOUT" | "AUTO_ROLLBACK" | "stacksDir">;

/** Everything the engine does to the world, as one object: git, Docker/Compose, Kuma, the store, the clock. */
export interface EngineDeps {
  config(): EngineConfig;
  git: {
    fetch(signal: AbortSignal): Promise<FetchResult>;
    /** Is this release tag present locally (the fetch step's offline fallback)? */
    hasLocalRelease(tag: string): Promise<boolean>;
    resolve(tag: string): Promise<Sha>;
    /** RELEASE_SIGNERS: throws preflight_failed when the tag is not a verified release at `sha`. */
    assertSigned(tag: string, sha: Sha): Promise<void>;
    dirtyFiles(): Promise<string[]>;
    /** A fingerprint of HEAD and the work tree (the switch step compares it before and after). */
    snapshot(): Promise<string>;
    checkout(sha: Sha, opts: { allowDirty: boolean }): Promise<Sha>;
    /** Write a stack's files at a commit under `dest`; returns the stack's folder. */
    exportStack(sha: Sha, files: StackFiles, dest: string): Promise<string>;
  };
  plan: {
    changes(sha: Sha, from: string | null, exactFrom: string | null): Promise<ChangePlan>;
    preview(kind: DeploymentPreview["kind"], from: string | null, to: string, sha: Sha, plan: ChangePlan): Promise<DeploymentPreview>;
    /** Compose's config of a stack at a commit (cached per stack and commit). */
    composeConfig(sha: Sha, files: StackFiles): Promise<ConfigPart>;
    pins(stack: string, recorded: ServiceImage[], current: Map<string, string | null>, host?: string): Promise<{ pins: Pin[]; warnings: string[] }>;
    /** Write the exact-release override file of one stack; returns its path. */
    writePins(deploymentId: string, stack: string, pins: Pin[]): string;
  };
  compose: {
    up(stack: StackRef, opts: ComposeRunOptions & { files: string[] }): Promise<unknown>;
    down(stack: StackRef, opts: ComposeRunOptions): Promise<unknown>;
  };
  docker: {
    /** The Docker hosts in rollout order (DOCKER_HOSTS_FILE; just `local` without it). */
    hosts(): string[];
    /** Throws (naming the host) when the host's engine does not answer. */
    ping(host: string): Promise<void>;
    imageInspect(ref: string, host?: string): Promise<ImageInfo | null>;
    pull(ref: string, onProgress: (p: { status: string; id?: string }) => void, host?: string): Promise<unknown>;
    /** Forget the cached container list (after `up`). */
    invalidate(): void;
    /** The containers of one host (default: every host). */
    containers(host?: string): Promise<ContainerInfo[]>;
    /** What runs now per service for these stacks (image, ID, digest); `refs` are the compose files' references, `hosts` each stack's host. */
    capture(stacks: string[], refs: Map<string, string>, hosts?: Map<string, string>): Promise<ServiceImage[]>;
  };
  verify: {
    containers(
      stacks: StackToVerify[],
      opts: { since: number; onProgress: (line: string) => void; signal: AbortSignal },
    ): Promise<{ ok: boolean; rows: VerificationRow[]; timedOut: boolean }>;
    /** Uptime Kuma monitors and error lines in the logs. */
    extras(
      stacks: StackToVerify[],
      opts: { since: Date; log: (line: string, stream?: LogLine["stream"]) => void; signal: AbortSignal },
    ): Promise<{ rows: VerificationRow[] }>;
  };
  store: {
    get(id: string): Deployment | null;
    update(id: string, patch: DeploymentPatch): Deployment | null;
    appendLog(id: string, step: string | null, stream: LogLine["stream"], line: string): unknown;
    /** Every deployment, oldest first. */
    history(): Deployment[];
    newId(): string;
    putOnHold(release: string, reason: string, deploymentId: string | null): void;
    /** Record `next` and hand it the deployment lock held by `from`, without a gap. */
    transferLock(from: string, next: NewDeployment): void;
    releaseLock(holder: string): void;
  };
  events: {
    /** Once per deployment, at its final status (notifications, sync). */
    finished(d: Deployment): void;
    /** After a success: warm the next rollback's preview (advisory, in the background). */
    succeeded(d: Deployment): void;
  };
  fs: {
    tempDir(id: string): string;
    remove(dir: string): void;
  };
  clock: { now(): number };
  log: { error(msg: string, meta: Record<string, unknown>): void };
  /** Swarm stacks (./swarm.ts); absent: every stack is a Compose stack, and x-oresi.mode: swarm is refused. */
  swarm?: SwarmDeps;
}

/** A stack the pre-flight prepared: what `up` runs and `verify` checks. */
export interface PreparedStack extends StackRef {
  change: StackChange["change"];
  services: ConfigPart["services"];
  settings: XOresi;
  /** Extra compose files (exact-release pins). */
  overrides: string[];
  /** A Swarm stack (./swarm.ts): `docker stack deploy` on its host instead of `compose up`. */
  swarm?: SwarmPrepared;
  /** The stack moves to this host (change "removed" here, on the host it leaves): taken down after every host is verified. */
  movedTo?: string;
}

/** One deployment's run, as the steps see it. */
export interface Run {
  id: string;
  /** The record as it was when the run began. */
  deployment: Deployment;
  /** The release the run goes to. */
  to: string;
  /** Bring services up pinned to the images this deployment recorded (rollback: exact releases). */
  exactFrom: string | null;
  log(line: string, stream?: LogLine["stream"]): void;
  /** Aborted at DEPLOY_TIMEOUT. */
  signal: AbortSignal;
  startedMs: number;
  /** Set by `switch`: something running may have changed (a clean failed checkout resets it). */
  touched: boolean;
  /** Set by the pre-flight of an automatic rollback: hosts that did not answer, whose stacks it leaves as they are. */
  unreachable?: { host: string; stacks: string[]; reason: string }[];
}

/** One step: its name as recorded, its body over the deps, and the detail recorded when it succeeds. */
export interface StepDef<I, O> {
  name: StepName;
  run(deps: EngineDeps, r: Run, input: I): Promise<O>;
  detail?(out: O, r: Run): string | undefined;
}

/** What the engine needs for Swarm stacks (lib/docker/swarm.ts on the stack's host; real ones in ./swarm-deps.ts). */
export interface SwarmDeps {
  /** x-oresi of the compose file in a stack folder (defaults when there is none). */
  settingsIn(dir: string): XOresi;
  /** The host a stack runs on (x-oresi.host; unknown → preflight_failed). */
  hostOf(settings: XOresi, stack: string): string;
  kind(stack: string, declared: StackKind | undefined, host: string): Promise<ModeDecision>;
  /** Compose's interpolated config of the stack folder (+ override files), adapted for stack deploy, written to `out`. */
  writeFile(stack: { name: string; dir: string }, out: string, opts: { host: string; overrides: string[]; signal: AbortSignal }): Promise<StackFile>;
  deploy(stack: string, file: string, opts: { host: string; onLine: (l: string) => void; signal: AbortSignal }): Promise<void>;
  remove(stack: string, opts: { host: string; onLine: (l: string) => void; signal: AbortSignal }): Promise<void>;
  /** The stack's services, read fresh. */
  services(stack: string, host: string): Promise<SwarmService[]>;
  errorLines(
    serviceId: string,
    since: Date,
    opts: { host: string; signal: AbortSignal },
  ): Promise<{ lines: number; errors: number; samples: { text: string }[] }>;
  imageInspect(ref: string, host: string): Promise<ImageInfo | null>;
}

/** What a prepared Swarm stack carries besides a Compose one. */
export interface SwarmPrepared {
  host: string;
  /** The file `docker stack deploy` gets (in the deployment's work folder). */
  file: string;
  reason: string;
}
