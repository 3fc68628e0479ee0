// In-memory fakes of EngineDeps for the engine's unit tests: a tiny world of releases, stacks,
// a HEAD, containers that come up or fail, a deployment store and its lock. Every call to the
// world is recorded in `calls`, so a test can say what was (and was not) touched.
import { AppError } from "../../errors";
import type { StackFiles } from "../../git/read";
import type { Sha, StackName } from "../../git/refs";
import type { ChangePlan } from "../plan-changes";
import type { Tree } from "../stack-diff";
import { newDeploymentRow, toDeployment, type DeploymentPatch, type NewDeployment } from "../store";
import type { Deployment, LogLine, ServiceImage } from "../types";
import type { EngineConfig, EngineDeps, StackRef } from "./types";

export interface FakeLog {
  id: string;
  step: string | null;
  stream: LogLine["stream"];
  line: string;
}

export interface FakeWorldOptions {
  /** Release tag → commit; every release has the same stacks. */
  releases: Record<string, string>;
  stacks: string[];
  /** The release the work tree is at (and that the seeded history says is deployed). */
  deployed: string;
  config?: Partial<EngineConfig>;
}

/** What a test can break: keyed by the release HEAD is at when the call happens. */
export interface Faults {
  fetch?: Error;
  /** Stacks whose `compose config` fails at a release (pre-flight refuses). */
  configError?: { release: string; stack: string; error: string };
  /** A checkout that fails; `clean`: HEAD and the work tree stay as they were. */
  checkout?: { release: string; clean: boolean };
  /** `up` fails for this stack while HEAD is at `release` (any release when omitted). */
  up?: { stack: string; release?: string };
  /** `up` of this stack never returns until the deployment's signal aborts (DEPLOY_TIMEOUT). */
  hangUp?: { stack: string; release: string };
  /** Verification sees this stack's container unhealthy while HEAD is at `release`. */
  verify?: { stack: string; release: string };
  dirty?: string[];
}

export class FakeWorld {
  readonly calls: string[] = [];
  readonly logs: FakeLog[] = [];
  readonly finished: Deployment[] = [];
  readonly holds = new Map<string, string>();
  readonly rows = new Map<string, Deployment>();
  lock: string | null = null;
  head: string;
  faults: Faults = {};
  private seq = 0;
  readonly deps: EngineDeps;

  constructor(readonly opts: FakeWorldOptions) {
    this.head = opts.releases[opts.deployed];
    // The history: the deployed release ran verified.
    this.insert({
      id: this.newId(),
      kind: "rollout",
      status: "succeeded",
      from: null,
      to: opts.deployed,
      toSha: this.head,
      actor: { name: "earlier", kind: "user" },
      services: this.servicesAt(opts.deployed),
      finished: true,
    });
    this.deps = this.build();
  }

  /** The release HEAD is at. */
  get release(): string {
    return Object.entries(this.opts.releases).find(([, s]) => s === this.head)?.[0] ?? "(none)";
  }

  servicesAt(release: string): ServiceImage[] {
    return this.opts.stacks.map((s) => ({ stack: s, service: "app", image: `img/${s}:${release}`, imageId: `sha256:${s}${release}`, digest: null }));
  }

  newId(): string {
    this.seq++;
    return `d-fake${String(this.seq).padStart(4, "0")}-000${this.seq % 10}`;
  }

  insert(d: NewDeployment): Deployment {
    // The row the real store would write, read back as the real store reads it.
    const row = toDeployment(newDeploymentRow(d, new Date().toISOString(), null));
    this.rows.set(d.id, row);
    return row;
  }

  /** A deployment requested as startDeployment records it: queued, holding the lock. */
  request(to: string, extra: Partial<NewDeployment> = {}): string {
    if (this.lock) throw new Error(`lock held by ${this.lock}`);
    const id = this.newId();
    this.insert({
      id,
      kind: "rollout",
      status: "queued",
      from: this.release,
      to,
      toSha: this.opts.releases[to],
      actor: { name: "olivia", kind: "user" },
      ...extra,
    });
    this.lock = id;
    return id;
  }

  logOf(id: string): string[] {
    return this.logs.filter((l) => l.id === id).map((l) => l.line);
  }

  stepsOf(id: string): [string, string][] {
    return this.rows.get(id)!.steps.map((s) => [s.name, s.status]);
  }

  private tree(sha: string): Tree {
    const stacks: StackFiles[] = this.opts.stacks.map((s) => ({
      name: s as StackName,
      composeFile: "compose.yaml",
      envFile: null,
      files: [`${s}/compose.yaml`],
    }));
    return { sha: sha as Sha, entries: [], stacks };
  }

  private releaseOf(sha: string): string {
    return Object.entries(this.opts.releases).find(([, s]) => s === sha)![0];
  }

  private build(): EngineDeps {
    const config: EngineConfig = {
      GIT_TIMEOUT: 30_000,
      DEPLOY_TIMEOUT: 30 * 60_000,
      DEPLOY_PARALLEL: 1,
      VERIFY_TIMEOUT: 60_000,
      AUTO_ROLLBACK: true,
      stacksDir: "/stacks",
      ...this.opts.config,
    };
    const call = (c: string) => this.calls.push(c);
    const at = (release?: string) => !release || this.release === release;
    return {
      config: () => config,
      git: {
        fetch: async () => {
          call("git.fetch");
          if (this.faults.fetch) throw this.faults.fetch;
          return { movedTags: [] };
        },
        hasLocalRelease: async (tag) => tag in this.opts.releases,
        resolve: async (tag) => {
          const s = this.opts.releases[tag];
          if (!s) throw new Error(`no release ${tag}`);
          return s as Sha;
        },
        assertSigned: async () => undefined,
        dirtyFiles: async () => this.faults.dirty ?? [],
        snapshot: async () => `${this.head} ${(this.faults.dirty ?? []).join(",")}`,
        checkout: async (sha) => {
          const release = this.releaseOf(sha);
          call(`git.checkout ${release}`);
          const f = this.faults.checkout;
          if (f?.release === release) {
            if (!f.clean) this.head = "0000000";
            throw new Error(`checkout of ${release} failed`);
          }
          this.head = sha;
          return sha;
        },
        exportStack: async (_sha, files, dest) => `${dest}/${files.name}`,
      },
      plan: {
        changes: async (sha, _from, exactFrom): Promise<ChangePlan> => {
          call(`plan.changes ${this.releaseOf(sha)}${exactFrom ? ` exact ${exactFrom}` : ""}`);
          const target = this.tree(sha);
          return {
            target,
            trees: new Map([[this.head, this.tree(this.head)]]),
            changes: this.opts.stacks.map((s) => ({ stack: s, change: "changed" as const })),
            exact: exactFrom ? (this.rows.get(exactFrom)?.services ?? null) : null,
            alsoSwitched: [],
          };
        },
        preview: async () => {
          throw new Error("no preview in the fake world");
        },
        composeConfig: async (sha, files) => {
          const release = this.releaseOf(sha);
          const f = this.faults.configError;
          if (f && f.release === release && f.stack === files.name) return { composeText: "", services: [], definitions: {}, error: f.error };
          return { composeText: "", services: [{ name: "app", image: `img/${files.name}:${release}`, build: false }], definitions: {} };
        },
        pins: async () => ({ pins: [], warnings: [] }),
        writePins: () => {
          throw new Error("no pins in the fake world");
        },
      },
      compose: {
        up: async (stack: StackRef, o) => {
          call(`compose.up ${stack.name}`);
          const h = this.faults.hangUp;
          if (h && h.stack === stack.name && at(h.release))
            await new Promise((_, reject) =>
              o.signal.addEventListener("abort", () => reject(new AppError("upstream_error", `${stack.name}: up was cancelled`)), { once: true }),
            );
          const f = this.faults.up;
          if (f && f.stack === stack.name && at(f.release)) {
            o.onLine("Error response from daemon: port is already allocated");
            throw new AppError("upstream_error", `compose up of ${stack.name} failed (exit 1)`);
          }
          o.onLine(`Container ${stack.name}-app-1  Started`);
        },
        down: async (stack: StackRef) => {
          call(`compose.down ${stack.name}`);
        },
      },
      docker: {
        hosts: () => ["local"],
        ping: async () => undefined,
        imageInspect: async (ref) => ({ id: `sha256:${ref}`, repoTags: [ref], repoDigests: [], created: "", version: null }),
        pull: async (ref) => {
          call(`docker.pull ${ref}`);
        },
        invalidate: () => undefined,
        containers: async () => [],
        capture: async (stacks) => {
          call(`docker.capture ${stacks.join(",")}`);
          return this.servicesAt(this.release).filter((s) => stacks.includes(s.stack));
        },
      },
      verify: {
        containers: async (stacks) => {
          call(`verify.containers ${stacks.map((s) => s.stack).join(",")}`);
          const f = this.faults.verify;
          const rows = stacks.map((s) => {
            const bad = !!f && f.stack === s.stack && at(f.release);
            return {
              stack: s.stack,
              subject: "app",
              signal: "container" as const,
              required: "running, healthy",
              seen: bad ? "running, unhealthy" : "running, healthy",
              ok: !bad,
            };
          });
          return { ok: rows.every((x) => x.ok), rows, timedOut: false };
        },
        extras: async () => ({ rows: [] }),
      },
      store: {
        get: (id) => this.rows.get(id) ?? null,
        update: (id, patch: DeploymentPatch) => {
          const d = this.rows.get(id);
          if (!d) return null;
          const { finished, ...rest } = patch;
          const next: Deployment = { ...d, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
          if (finished) next.finishedAt = new Date().toISOString();
          this.rows.set(id, next);
          return next;
        },
        appendLog: (id, step, stream, line) => {
          this.logs.push({ id, step, stream, line });
        },
        history: () => [...this.rows.values()],
        newId: () => this.newId(),
        putOnHold: (release, reason) => {
          this.holds.set(release, reason);
        },
        transferLock: (from, next) => {
          if (this.lock !== from) throw new Error(`The deployment lock is no longer held by ${from}.`);
          this.insert(next);
          this.lock = next.id;
        },
        releaseLock: (holder) => {
          if (this.lock === holder) this.lock = null;
        },
      },
      events: {
        finished: (d) => {
          this.finished.push(d);
        },
        succeeded: (d) => call(`events.succeeded ${d.id}`),
      },
      fs: {
        tempDir: (id) => {
          call(`fs.tempDir`);
          return `/tmp/fake-${id}`;
        },
        remove: () => {
          call(`fs.remove`);
        },
      },
      clock: { now: () => Date.now() },
      log: {
        error: (msg) => {
          call(`log.error ${msg}`);
        },
      },
    };
  }
}
