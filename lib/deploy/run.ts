import "server-only";
import { AppError } from "../errors";
import { DeploymentContext } from "./context";
import { engineDeps } from "./deps";
import type { DeploymentPatch } from "./store";
import { captureStep } from "./steps/capture";
import { fetchStep } from "./steps/fetch";
import { liveEditsStep } from "./steps/live-edits";
import { planStep } from "./steps/plan";
import { preflightStep } from "./steps/preflight";
import { resolveStep } from "./steps/resolve";
import { planAutoRollback, type FollowUp } from "./steps/rollback";
import { switchStep } from "./steps/switch";
import type { EngineDeps, Run, StepDef } from "./steps/types";
import { upAndVerify } from "./steps/by-host";
import { VerificationFailed } from "./steps/verify";
import type { Deployment, StepName } from "./types";

// The step runner: fetch → resolve → live edits → plan → pre-flight → switch → up → verify
// (→ capture). Each step's body is in ./steps, over the engine's deps (./deps.ts). Nothing
// running is touched before `switch`; a failure after it plans the automatic rollback
// (AUTO_ROLLBACK), which runChain runs next. Every step and log line is persisted as it happens.

export { VerificationFailed };

export interface RunOptions {
  /** Bring services up pinned to the images this deployment recorded (rollback: exact releases). */
  exactFrom: string | null;
}

/** How one run ended: its record, and the deployment it handed the lock to (the automatic rollback), if any. */
export interface RunOutcome {
  deployment: Deployment;
  followUp: FollowUp | null;
}

/**
 * The deployment's record with its bound (DEPLOY_TIMEOUT): once `abort` fires, the running
 * step is abandoned with the timeout error and the processes given `signal` are stopped.
 * A checkout is never cut short (a killed git leaves index.lock): the switch step finishes
 * (git has its own GIT_TIMEOUT) and the timeout takes effect after it.
 */
class BoundedContext extends DeploymentContext {
  readonly abort = new AbortController();
  get signal(): AbortSignal {
    return this.abort.signal;
  }
  override async step<T>(name: StepName, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
    return super.step(
      name,
      () => {
        if (this.signal.aborted) return Promise.reject(this.signal.reason);
        if (name === "switch") return fn();
        return new Promise<T>((resolve, reject) => {
          const onAbort = () => reject(this.signal.reason);
          this.signal.addEventListener("abort", onAbort, { once: true });
          fn()
            .then(resolve, reject)
            .finally(() => this.signal.removeEventListener("abort", onAbort));
        });
      },
      detail,
    );
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** DEPLOY_TIMEOUT: abort the deployment's context once `ms` have passed (0: no bound). Returns the cancel. */
function deadline(ctx: BoundedContext, ms: number): () => void {
  if (ms <= 0) return () => undefined;
  const timer = setTimeout(() => {
    ctx.log(`DEPLOY_TIMEOUT (${formatMs(ms)}) reached: stopping this deployment.`, "error");
    ctx.abort.abort(
      new AppError(
        "timeout",
        `The deployment did not finish within DEPLOY_TIMEOUT (${formatMs(ms)}) and was stopped: see the log for the step that hung, or raise DEPLOY_TIMEOUT.`,
      ),
    );
  }, ms);
  return () => clearTimeout(timer);
}

function finish(deps: EngineDeps, id: string, patch: DeploymentPatch): Deployment {
  const d = deps.store.update(id, patch)!;
  deps.events.finished(d);
  return d;
}

/** Run a deployment and the automatic rollback it may hand over to. Resolves with the first deployment's final record. */
export function runDeployment(id: string, opts: RunOptions, deps: EngineDeps = engineDeps()): Promise<Deployment> {
  return runChain(id, opts, deps);
}

/**
 * The driver: run the deployment; while a run plans a follow-up (the automatic rollback, which
 * already holds the lock), run that next. Then finalize the failed ones, latest first: a failed
 * deployment whose rollback succeeded ends `rolled_back`.
 */
export async function runChain(id: string, opts: RunOptions, deps: EngineDeps): Promise<Deployment> {
  const failed: string[] = [];
  let next: { id: string; opts: RunOptions } | null = { id, opts };
  let last: Deployment | null = null;
  while (next) {
    const out = await runOnce(next.id, next.opts, deps);
    if (out.followUp) failed.push(next.id);
    last = out.deployment;
    next = out.followUp && { id: out.followUp.id, opts: { exactFrom: out.followUp.exactFrom } };
  }
  for (const f of failed.reverse()) last = finish(deps, f, last!.status === "succeeded" ? { status: "rolled_back" } : {});
  return last!;
}

/** One deployment, its steps in order. Frees the lock at the end unless it handed it to a follow-up. */
export async function runOnce(id: string, opts: RunOptions, deps: EngineDeps): Promise<RunOutcome> {
  const ctx = new BoundedContext(id, deps.store);
  const stopDeadline = deadline(ctx, deps.config().DEPLOY_TIMEOUT);
  const r: Run = {
    id,
    deployment: ctx.get(),
    to: "",
    exactFrom: opts.exactFrom,
    log: (line, stream) => ctx.log(line, stream),
    signal: ctx.signal,
    startedMs: deps.clock.now(),
    touched: false,
  };
  const step = <I, O>(s: StepDef<I, O>, input: I): Promise<O> => ctx.step(s.name, () => s.run(deps, r, input), s.detail && ((v: O) => s.detail!(v, r)));
  let work: string | null = null;
  let followUp: FollowUp | null = null;
  try {
    const d0 = (r.deployment = deps.store.update(id, { status: "running" })!);
    r.to = d0.to!;
    ctx.log(
      `${d0.kind === "rollback" ? "Rolling back" : "Rolling out"} ${d0.from ?? "(nothing deployed)"} → ${r.to}${d0.auto ? " (automatic)" : ""}, started by ${d0.actor.name}${d0.force ? " with force" : ""}.`,
    );

    await step(fetchStep, undefined);
    const sha = await step(resolveStep, undefined);
    await step(liveEditsStep, undefined);
    const plan = await step(planStep, { sha });
    work = deps.fs.tempDir(id);
    const stacks = await step(preflightStep, { sha, plan, work });
    await step(switchStep, { sha });
    // up and verify; with several hosts, host by host in their order, each verified before the next.
    const verification = await upAndVerify(deps, r, step, stacks);
    if (r.unreachable?.length)
      throw new AppError(
        "dependency_down",
        `Only part of it was done: ${r.unreachable.map((u) => `host ${u.host} unreachable, ${u.stacks.join(", ")} left as ${u.stacks.length === 1 ? "it is" : "they are"} (${u.reason})`).join("; ")}. Bring the host back and roll back again.`,
      );
    const services = await captureStep(deps, { plan, stacks: stacks.filter((s) => !s.movedTo) });

    ctx.log(`Succeeded: ${r.to} runs verified (${verification.summary}).`);
    const done = finish(deps, id, { status: "succeeded", services, finished: true });
    deps.events.succeeded(done);
    return { deployment: done, followUp: null };
  } catch (e) {
    ctx.skipRest();
    const msg = (e as Error).message;
    if (!(e instanceof AppError) && !(e instanceof VerificationFailed)) deps.log.error("deployment failed", { id, err: e as Error });
    const d = deps.store.update(id, { status: "failed", error: msg, finished: true })!;
    if (!r.touched) {
      ctx.log(`Failed before anything running was touched: ${msg}`, "error");
      return { deployment: finish(deps, id, {}), followUp: null };
    }
    followUp = planAutoRollback(deps, d, r.log);
    // With a follow-up the failed deployment is finalized by runChain, after its rollback.
    return followUp ? { deployment: d, followUp } : { deployment: finish(deps, id, {}), followUp: null };
  } finally {
    stopDeadline();
    if (work) deps.fs.remove(work);
    if (!followUp) deps.store.releaseLock(id);
  }
}
