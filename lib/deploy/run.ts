import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { config } from "../config";
import { AppError } from "../errors";
import { logger } from "../logger";
import { composeDown, composeUp } from "../docker/compose";
import { invalidateContainers, listContainers } from "../docker/containers";
import { imageInspect, pullImage } from "../docker/images";
import { parseXOresi, type XOresi } from "../docker/x-oresi";
import { exportStackAt, type StackFiles } from "../git/read";
import { describeMovedTag, fetchOrigin } from "../git/remote";
import { assertSignedRelease } from "../git/signature";
import { checkoutDetached, dirtyFiles, workTreeSnapshot } from "../git/state";
import { listReleases, resolveRelease } from "../git/tags";
import { DeploymentContext } from "./context";
import { emitFinished } from "./events";
import { putOnHold } from "./holds";
import { releaseLock, transferLock } from "./lock";
import { newDeploymentId } from "./ids";
import { currentServices, planChanges } from "./plan-changes";
import { captureServices, planPins, writePinOverride, type Pin } from "./pins";
import { deployedChain } from "./plan";
import { getDeploymentRow, historyRows, updateDeployment } from "./store";
import { previewPlan } from "./preview";
import { comparePreview } from "./preview-plan";
import type { Deployment, StackChange, StepName, Verification, VerificationRow } from "./types";
import { verifyContainers, type StackToVerify } from "./verify";
import { verifyExtras } from "./verify-extras";
import { desiredConfig, type ConfigPart } from "../stacks/desired";

// The step runner: fetch → resolve → live edits → plan → pre-flight → switch → up → verify.
// Nothing running is touched before `switch`; a failure after it triggers the automatic
// rollback (AUTO_ROLLBACK). Every step and log line is persisted as it happens.

export interface RunOptions {
  /** Bring services up pinned to the images this deployment recorded (rollback: exact releases). */
  exactFrom: string | null;
}

interface Prepared {
  stack: string;
  change: StackChange["change"];
  dir: string;
  services: ConfigPart["services"];
  settings: XOresi;
  overrides: string[];
}

/** Run at most `limit` tasks at once. */
async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (next < items.length && !failed) {
      const it = items[next++];
      try {
        await fn(it);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed;
}

export class VerificationFailed extends Error {
  constructor(readonly verification: Verification) {
    super(verification.summary);
    this.name = "VerificationFailed";
  }
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
    return super.step(name, () => {
      if (this.signal.aborted) return Promise.reject(this.signal.reason);
      if (name === "switch") return fn();
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(this.signal.reason);
        this.signal.addEventListener("abort", onAbort, { once: true });
        fn()
          .then(resolve, reject)
          .finally(() => this.signal.removeEventListener("abort", onAbort));
      });
    }, detail);
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function tmpDir(id: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `oresi-${id}-`));
}


export async function runDeployment(id: string, opts: RunOptions): Promise<Deployment> {
  const ctx = new BoundedContext(id);
  const c = config();
  const startedMs = Date.now();
  const timer = c.DEPLOY_TIMEOUT > 0
    ? setTimeout(() => {
        ctx.log(`DEPLOY_TIMEOUT (${formatMs(c.DEPLOY_TIMEOUT)}) reached: stopping this deployment.`, "error");
        ctx.abort.abort(new AppError("timeout", `The deployment did not finish within DEPLOY_TIMEOUT (${formatMs(c.DEPLOY_TIMEOUT)}) and was stopped: see the log for the step that hung, or raise DEPLOY_TIMEOUT.`));
      }, c.DEPLOY_TIMEOUT)
    : null;
  let touched = false;
  let work: string | null = null;
  let handedOver = false;
  try {
    const d0 = updateDeployment(id, { status: "running" })!;
    const to = d0.to!;
    ctx.log(`${d0.kind === "rollback" ? "Rolling back" : "Rolling out"} ${d0.from ?? "(nothing deployed)"} → ${to}${d0.auto ? " (automatic)" : ""}, started by ${d0.actor.name}${d0.force ? " with force" : ""}.`);

    await ctx.step("fetch", async () => {
      try {
        const f = await fetchOrigin(AbortSignal.any([AbortSignal.timeout(c.GIT_TIMEOUT), ctx.signal]));
        for (const m of f.movedTags) ctx.log(`Fetch: ${describeMovedTag(m)}.`, "warn");
        return "fetched";
      } catch (e) {
        // A rollback must work while the remote is down: fall back to the local tags when the target is there.
        const local = (await listReleases()).byTag.has(to);
        if (!local) throw e;
        ctx.log(`Fetch failed (${(e as Error).message}); ${to} is present locally, going on with local tags.`, "warn");
        return "offline";
      }
    }, (v) => (v === "offline" ? "remote unreachable: used local tags" : undefined));

    const sha = await ctx.step("resolve", async () => {
      const s = await resolveRelease(to);
      if (d0.toSha && d0.toSha !== s) ctx.log(`${to} moved since the request: ${d0.toSha.slice(0, 12)} → ${s.slice(0, 12)}.`, "warn");
      // RELEASE_SIGNERS, again here: the tag may have moved since the request, and the automatic
      // rollback starts no request of its own.
      await assertSignedRelease(to, s);
      updateDeployment(id, { toSha: s });
      return s;
    }, (s) => `${to} = ${s.slice(0, 12)}`);

    await ctx.step("live-edits", async () => {
      const dirty = await dirtyFiles();
      if (dirty.length && !d0.force)
        throw new AppError("preflight_failed", `Live edits in the work tree: ${dirty.join(", ")}. Commit or discard them first.`, { dirtyFiles: dirty });
      if (dirty.length) ctx.log(`Forced by ${d0.actor.name} despite live edits: ${dirty.join(", ")}.`, "warn");
      return dirty.length;
    }, (n) => (n ? `${n} live edits overridden (force)` : "work tree clean"));

    const plan = await ctx.step("plan", async () => {
      const p = await planChanges(sha, d0.from, opts.exactFrom);
      const { target, changes } = p;
      if (p.alsoSwitched.length) ctx.log(`Also switching ${p.alsoSwitched.join(", ")}: their recorded images differ from what runs now.`);
      updateDeployment(id, { stacks: changes });
      const unchanged = target.stacks.filter((s) => !changes.some((x) => x.stack === s.name)).map((s) => s.name);
      ctx.log(
        changes.length
          ? `${changes.length} stack${changes.length === 1 ? "" : "s"} change: ${changes.map((x) => `${x.stack} (${x.change})`).join(", ")}; unchanged, not touched: ${unchanged.join(", ") || "none"}.`
          : "No stack changes between the deployed release and the target; nothing to bring up.",
      );
      // The preview of what `up` will do, recorded so that afterwards the record says whether it
      // happened so. Advisory: a preview that cannot be computed never stops the deployment.
      try {
        const pv = await previewPlan(d0.kind === "rollback" ? "rollback" : "rollout", d0.from, to, sha, p);
        updateDeployment(id, { preview: pv });
        ctx.log(`Preview: ${pv.summary}.`);
      } catch (e) {
        ctx.log(`No preview (${(e as Error).message}); going on.`, "warn");
      }
      return p;
    }, (p) => `${p.changes.length} stack(s) change`);

    work = tmpDir(id);
    const prepared = await ctx.step("preflight", async () => {
      const out: Prepared[] = [];
      const problems: string[] = [];
      const pins: Pin[] = [];
      for (const ch of plan.changes) {
        if (ch.change === "removed") {
          // Keep the old files to run `down` after the switch has removed the folder.
          const from = [...plan.trees.values()].find((t) => t.stacks.some((s) => s.name === ch.stack))!;
          const files = from.stacks.find((s) => s.name === ch.stack)!;
          const dir = await exportStackAt(from.sha, files, path.join(work!, "removed"));
          out.push({ stack: ch.stack, change: ch.change, dir, services: [], settings: parseXOresi("").settings, overrides: [] });
          continue;
        }
        const files: StackFiles = plan.target.stacks.find((s) => s.name === ch.stack)!;
        // Compose's config at the release, cached per (stack, commit): warm after a preview or an
        // earlier view of the release, so a click spends no time in `compose config`.
        let cfg: ConfigPart;
        try {
          cfg = await desiredConfig(sha, files);
        } catch (e) {
          problems.push(`${ch.stack}: compose config failed at ${to}: ${(e as Error).message}`);
          continue;
        }
        if (cfg.error) {
          problems.push(`${ch.stack}: compose config failed at ${to}: ${cfg.error}`);
          continue;
        }
        const services = cfg.services;
        const x = parseXOresi(cfg.composeText);
        if (x.error) problems.push(`${ch.stack}: ${x.error}`);
        let overrides: string[] = [];
        if (plan.exact) {
          const r = await planPins(ch.stack, plan.exact, new Map(services.map((s) => [s.name, s.image])));
          for (const w of r.warnings) ctx.log(w, "warn");
          if (r.pins.length) {
            overrides = [writePinOverride(id, ch.stack, r.pins)];
            pins.push(...r.pins);
            for (const p of r.pins) ctx.log(`Exact release: ${p.stack}/${p.service} pinned to ${p.pinned} (${p.reason}); override ${overrides[0]}.`, "warn");
          }
        }
        for (const s of services) {
          const pin = pins.find((p) => p.stack === ch.stack && p.service === s.name);
          const ref = pin?.pinned ?? s.image;
          if (!ref) {
            if (s.build) problems.push(`${ch.stack}/${s.name} is built from source (build:), which Oresi does not do; name an image.`);
            continue;
          }
          if (await imageInspect(ref)) continue;
          ctx.log(`Pulling ${ref} for ${ch.stack}/${s.name} before the switch…`);
          try {
            let last = "";
            await pullImage(ref, (p) => {
              const l = `${p.id ? p.id + ": " : ""}${p.status}`;
              if (/Pull complete|Downloaded newer|Status|Digest/i.test(l) && l !== last) ctx.log(l, "stdout");
              last = l;
            });
            ctx.log(`Pulled ${ref}.`);
          } catch (e) {
            problems.push(`${ch.stack}/${s.name}: image ${ref} is not present and cannot be pulled (${(e as Error).message})`);
          }
        }
        out.push({ stack: ch.stack, change: ch.change, dir: path.join(c.stacksDir, ch.stack), services, settings: x.settings, overrides });
      }
      if (problems.length) {
        for (const p of problems) ctx.log(p, "error");
        throw new AppError("preflight_failed", `Pre-flight failed, nothing running was touched: ${problems.join("; ")}`, { problems });
      }
      return out;
    }, (p) => `${p.length} stack(s) ready`);

    await ctx.step("switch", async () => {
      // A checkout that fails cleanly (HEAD and the work tree as they were, e.g. git refused)
      // touched nothing: no hold, no automatic rollback. Anything else counts as touched.
      const before = await workTreeSnapshot();
      touched = true;
      try {
        return await checkoutDetached(sha, { allowDirty: d0.force });
      } catch (e) {
        const after = await workTreeSnapshot().catch(() => null);
        if (before !== null && after === before) {
          touched = false;
          ctx.log("The checkout failed without changing HEAD or the work tree: nothing running was touched.", "warn");
        }
        throw e;
      }
    }, (s) => `HEAD at ${to} (${s.slice(0, 12)}, detached)`);

    const upStartedMs = Date.now();
    await ctx.step("up", async () => {
      for (const p of prepared.filter((x) => x.change === "removed")) {
        ctx.log(`${p.stack}: removed in ${to}; compose down (volumes kept).`);
        await composeDown(p.dir, p.stack, { onLine: (l) => ctx.log(`${p.stack} | ${l}`, "stdout"), signal: ctx.signal });
      }
      const ups = prepared.filter((x) => x.change !== "removed");
      await pool(ups, c.DEPLOY_PARALLEL, async (p) => {
        await composeUp(p.dir, p.stack, {
          files: p.overrides,
          onLine: (l) => ctx.log(`${p.stack} | ${l}`, "stdout"),
          // DEPLOY_TIMEOUT stops a hung `up` too, so an automatic rollback never runs Compose beside it.
          signal: ctx.signal,
        });
      });
      invalidateContainers();
      const pv = getDeploymentRow(id)?.preview;
      if (pv) {
        const names = new Set(prepared.map((x) => x.stack));
        const observed = (await listContainers())
          .filter((c) => c.project && names.has(c.project) && c.service && !c.oneoff)
          .map((c) => ({ stack: c.project!, service: c.service!, created: c.created }));
        const outcome = comparePreview(pv, observed, upStartedMs);
        updateDeployment(id, { preview: { ...pv, outcome } });
        ctx.log(outcome.matched ? "What happened matched the preview." : `What happened differs from the preview: ${outcome.mismatches.join("; ")}.`, outcome.matched ? "info" : "warn");
      }
      return ups.length;
    }, (n) => `${n} stack(s) up`);

    updateDeployment(id, { status: "verifying" });
    const verification = await ctx.step("verify", async () => {
      const stacks: StackToVerify[] = prepared
        .filter((p) => p.change !== "removed")
        .map((p) => ({ stack: p.stack, services: p.services.map((s) => s.name), settings: p.settings, timeoutMs: p.settings.verify.timeoutMs ?? c.VERIFY_TIMEOUT }));
      const t0 = new Date().toISOString();
      const timeoutMs = Math.max(0, ...stacks.map((s) => s.timeoutMs));
      const containers = stacks.length
        ? await verifyContainers(stacks.filter((s) => s.settings.verify.health), { since: startedMs, onProgress: (l) => ctx.log(l), signal: ctx.signal })
        : { ok: true, rows: [] as VerificationRow[], timedOut: false };
      const extras = await verifyExtras(stacks, { since: new Date(startedMs), log: (l, s) => ctx.log(l, s), signal: ctx.signal });
      const rows = [...containers.rows, ...extras.rows];
      const ok = rows.every((r) => r.ok || r.informational);
      const bad = rows.filter((r) => !r.ok && !r.informational);
      const v: Verification = {
        ok,
        startedAt: t0,
        finishedAt: new Date().toISOString(),
        timeoutMs,
        rows,
        summary: ok
          ? `Verified: ${rows.filter((r) => r.ok && !r.informational).length} check(s) passed.`
          : `Verification failed${containers.timedOut ? ` (timeout ${Math.round(timeoutMs / 1000)} s)` : ""}: ${bad.map((r) => `${r.stack}/${r.subject} ${r.seen}`).join("; ")}`,
      };
      updateDeployment(id, { verification: v });
      for (const r of rows) ctx.log(`${r.ok ? "✓" : r.informational ? "·" : "✕"} ${r.stack}/${r.subject} [${r.signal}]: ${r.seen}`, r.ok || r.informational ? "info" : "error");
      if (!ok) throw new VerificationFailed(v);
      return v;
    }, (v) => v.summary);

    // Exact release: what ran verified, for every stack (unchanged ones keep their record).
    const changedNames = new Set(plan.changes.map((x) => x.stack));
    const refs = new Map<string, string>();
    for (const p of prepared) for (const s of p.services) if (s.image) refs.set(`${p.stack}/${s.name}`, s.image);
    const fresh = await captureServices(prepared.filter((p) => p.change !== "removed").map((p) => p.stack), refs);
    const kept = currentServices().filter((s) => !changedNames.has(s.stack) && plan.target.stacks.some((t) => t.name === s.stack));
    const services = [...kept, ...fresh].sort((a, b) => `${a.stack}/${a.service}`.localeCompare(`${b.stack}/${b.service}`));
    ctx.log(`Succeeded: ${to} runs verified (${verification.summary}).`);
    const done = finish(id, { status: "succeeded", services, finished: true });
    // The next "Roll back" should find Compose's config and hashes cached: compute its preview now.
    setTimeout(() => void import("./preview").then((m) => m.previewDeployment({ kind: "rollback" })).catch(() => {}), 0).unref();
    return done;
  } catch (e) {
    ctx.skipRest();
    const msg = (e as Error).message;
    if (!(e instanceof AppError) && !(e instanceof VerificationFailed)) logger.error("deployment failed", { id, err: e as Error });
    const d = updateDeployment(id, { status: "failed", error: msg, finished: true })!;
    if (!touched) {
      ctx.log(`Failed before anything running was touched: ${msg}`, "error");
      return finish(id, {});
    }
    const auto = maybeAutoRollback(d, ctx);
    if (auto) {
      handedOver = true;
      return auto;
    }
    return finish(id, {});
  } finally {
    if (timer) clearTimeout(timer);
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (!handedOver) releaseLock(id);
  }
}

function finish(id: string, patch: Parameters<typeof updateDeployment>[1]): Deployment {
  const d = updateDeployment(id, patch)!;
  emitFinished(d);
  return d;
}

/**
 * After a failure past the switch: put the release on hold and roll back to the release
 * deployed before (the lock passes to the rollback without a gap). Returns the final state
 * of the failed deployment, or null when no automatic rollback runs.
 */
function maybeAutoRollback(failed: Deployment, ctx: DeploymentContext): Promise<Deployment> | null {
  const c = config();
  if (failed.to) putOnHold(failed.to, `${failed.kind} ${failed.id} failed: ${failed.error ?? "verification failed"}`, failed.id);
  if (failed.to) ctx.log(`${failed.to} is on hold: a scheduled sync will not roll it out again until a newer release appears or an operator lifts the hold.`, "warn");
  const chain = deployedChain(historyRows());
  const back = chain[chain.length - 1];
  if (!c.AUTO_ROLLBACK) {
    ctx.log("AUTO_ROLLBACK is off: not rolling back by itself. Use Roll back on the Overview.", "warn");
    return null;
  }
  if (failed.auto || failed.rollbackOf) {
    ctx.log("This was itself an automatic rollback; not rolling back again. See the Overview for the state of the stacks.", "error");
    return null;
  }
  if (!back?.to) {
    ctx.log("Nothing was deployed before this release; no automatic rollback possible.", "error");
    return null;
  }
  const rid = newDeploymentId();
  transferLock(failed.id, {
    id: rid,
    kind: "rollback",
    status: "queued",
    // From the failed release (its files may already be checked out) back to the one before.
    from: failed.to ?? failed.from,
    to: back.to,
    toSha: back.toSha,
    actor: { name: "oresi (automatic rollback)", kind: "system", via: `auto-rollback of ${failed.id}` },
    auto: true,
    rollbackOf: failed.id,
    // The engine's own rollback inherits the force: the live edits a forced rollout went past
    // are still there, and its own live-edits check must not leave the broken release running.
    force: failed.force,
  });
  updateDeployment(failed.id, { rolledBackBy: rid });
  ctx.log(`Rolling back automatically to ${back.to}: deployment ${rid}.`, "warn");
  return (async () => {
    const r = await runDeployment(rid, { exactFrom: back.id });
    if (r.status === "succeeded") return finish(failed.id, { status: "rolled_back" });
    return finish(failed.id, {});
  })();
}
