// Swarm stacks in the engine (x-oresi.mode: swarm, or detected: lib/docker/swarm-model.ts
// decideMode). The steps call these at one branch each: pre-flight writes and checks the
// interpolated stack file, `up` runs `docker stack deploy` (or `docker stack rm` for a removed
// stack), verification waits for the services' tasks to converge and counts their log's error
// lines, capture records each service's image and digest. Over SwarmDeps, so the unit tests of
// the engine need no swarm; the real ones are in ./swarm-deps.ts.
import path from "node:path";
import type { SwarmService } from "../../docker/swarm-model";
import { judgeService, specSince } from "../../docker/swarm-model";
import type { XOresi } from "../../docker/x-oresi";
import type { StackFiles } from "../../git/read";
import type { Sha } from "../../git/refs";
import type { LogLine, ServiceImage, VerificationRow } from "../types";
import type { ChangePlan } from "../plan-changes";
import type { StackToVerify } from "../verify";
import type { EngineDeps, PreparedStack, Run, SwarmPrepared } from "./types";

export const POLL_MS = 1000;

/**
 * Pre-flight of one stack: Compose or Swarm? For a Swarm stack, the interpolated file is
 * produced and checked now from the release's files (exported: the folder still holds the
 * release deployed before), so a file `docker stack deploy` would refuse stops the deployment
 * before anything changes. Returns null for a Compose stack; a problem when it cannot be deployed.
 */
export async function prepareSwarm(
  deps: EngineDeps,
  r: Run,
  s: { name: string; sha: Sha; files: StackFiles; settings: XOresi; overrides: string[]; work: string },
): Promise<SwarmPrepared | { problem: string } | null> {
  const sw = deps.swarm;
  if (!sw) return s.settings.mode === "swarm" ? { problem: `${s.name}: x-oresi.mode is swarm, but this engine runs without Swarm support` } : null;
  let host: string;
  try {
    host = sw.hostOf(s.settings, s.name);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  const d = await sw.kind(s.name, s.settings.mode, host);
  if (d.error) return { problem: `${s.name}: ${d.error}` };
  if (d.mode !== "swarm") return null;
  try {
    const dir = await deps.git.exportStack(s.sha, s.files, path.join(s.work, "swarm-check"));
    await sw.writeFile({ name: s.name, dir }, path.join(s.work, "swarm-check", `${s.name}.yml`), { host, overrides: s.overrides, signal: r.signal });
  } catch (e) {
    const m = (e as Error).message;
    return { problem: m.startsWith(s.name) ? m : `${s.name}: ${m}` };
  }
  r.log(`${s.name}: Swarm stack on host ${host} (${d.reason}): docker stack deploy after the switch.`);
  return { host, file: path.join(s.work, "swarm", `${s.name}.yml`), reason: d.reason };
}

/** A removed stack (its old files exported in `dir`): a Swarm stack, that `docker stack rm` removes? */
export async function removedSwarm(deps: EngineDeps, s: { name: string; dir: string }): Promise<SwarmPrepared | null> {
  const sw = deps.swarm;
  if (!sw) return null;
  const x = sw.settingsIn(s.dir);
  let host: string;
  try {
    host = sw.hostOf(x, s.name);
  } catch {
    return null;
  }
  const d = await sw.kind(s.name, x.mode, host).catch(() => null);
  return d?.mode === "swarm" && !d.error ? { host, file: "", reason: d.reason } : null;
}

/**
 * `up` of a Swarm stack, after the switch: in the stack folder, Compose's interpolated config
 * (the hand procedure: `docker-compose config > f && docker stack deploy -c f <stack>`), then
 * `docker stack deploy --prune --with-registry-auth`.
 */
export async function swarmUp(deps: EngineDeps, r: Run, s: PreparedStack & { swarm: SwarmPrepared }): Promise<void> {
  const sw = deps.swarm!;
  const f = await sw.writeFile({ name: s.name, dir: s.dir }, s.swarm.file, { host: s.swarm.host, overrides: s.overrides, signal: r.signal });
  for (const n of f.notes) r.log(`${s.name}: stack file: ${n}.`);
  await sw.deploy(s.name, s.swarm.file, { host: s.swarm.host, onLine: (l) => r.log(`${s.name} | ${l}`, "stdout"), signal: r.signal });
}

/** `down` of a removed Swarm stack. */
export async function swarmDown(deps: EngineDeps, r: Run, s: PreparedStack & { swarm: SwarmPrepared }): Promise<void> {
  r.log(`${s.name}: removed in ${r.to}; docker stack rm on host ${s.swarm.host} (volumes kept).`);
  await deps.swarm!.remove(s.name, { host: s.swarm.host, onLine: (l) => r.log(`${s.name} | ${l}`, "stdout"), signal: r.signal });
}

const REQUIRED = "desired replicas running (healthy where a healthcheck exists), update completed, no failed task";

/**
 * Wait until every service of the Swarm stacks has converged (judgeService), one failed for
 * good, or the stack's timeout passed; then count each service's error lines since the start
 * (required only with x-oresi.verify.logs). Rows as the Compose verification has them.
 */
export async function verifySwarm(
  deps: EngineDeps,
  stacks: (StackToVerify & { host: string })[],
  opts: { since: Date; onProgress: (l: string) => void; log: (l: string, stream?: LogLine["stream"]) => void; signal: AbortSignal },
): Promise<{ ok: boolean; rows: VerificationRow[]; timedOut: boolean }> {
  const sw = deps.swarm!;
  const start = deps.clock.now();
  const done = new Map<string, { rows: VerificationRow[]; final: boolean; ok: boolean; services: SwarmService[] }>();
  const last = new Map<string, string>();
  for (;;) {
    for (const s of stacks) {
      if (done.has(s.stack)) continue;
      const services = await sw.services(s.stack, s.host);
      const rows: VerificationRow[] = [];
      let final = false;
      for (const name of s.services) {
        const svc = services.find((x) => x.name === name);
        if (!svc) {
          rows.push({ stack: s.stack, subject: name, signal: "container", required: REQUIRED, seen: "no Swarm service", ok: false });
          continue;
        }
        const v = judgeService(svc, specSince(svc));
        if (v.final) final = true;
        rows.push({ stack: s.stack, subject: name, signal: "container", required: REQUIRED, seen: v.seen, ok: v.ok });
      }
      const ok = rows.every((x) => x.ok);
      if (!s.settings.verify.health) {
        // x-oresi.verify.health: false — as for Compose stacks, no container rows; the logs are still counted.
        done.set(s.stack, { rows: [], final: false, ok: true, services });
        continue;
      }
      if (ok || final || deps.clock.now() - start >= s.timeoutMs) done.set(s.stack, { rows, final, ok, services });
      else {
        const report = rows.map((x) => `${x.subject}: ${x.seen}`).join(", ");
        if (report !== last.get(s.stack)) opts.onProgress(`${s.stack}: ${report}`);
        last.set(s.stack, report);
      }
    }
    if (done.size === stacks.length || opts.signal.aborted) break;
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  const rows = stacks.flatMap((s) => done.get(s.stack)?.rows ?? []);
  const timedOut = stacks.some((s) => {
    const d = done.get(s.stack);
    return d && !d.ok && !d.final;
  });
  // Error lines in the services' logs since the start, as for Compose stacks.
  for (const s of stacks) {
    const v = s.settings.verify;
    for (const svc of (done.get(s.stack)?.services ?? []).filter((x) => s.services.includes(x.name))) {
      const required = v.logs ? `at most ${v.maxErrorLines} error line(s)` : "counted, not required";
      try {
        const n = await sw.errorLines(svc.id, opts.since, { host: s.host, signal: opts.signal });
        rows.push({
          stack: s.stack,
          subject: svc.name,
          signal: "logs",
          required,
          seen: `${n.errors} error line(s) in ${n.lines} since the start`,
          ok: !v.logs || n.errors <= v.maxErrorLines,
          informational: !v.logs,
        });
        for (const l of n.samples.slice(0, 3)) opts.log(`${s.stack}/${svc.name} log: ${l.text}`, v.logs ? "error" : "warn");
      } catch (e) {
        rows.push({
          stack: s.stack,
          subject: svc.name,
          signal: "logs",
          required,
          seen: `could not read logs: ${(e as Error).message}`,
          ok: !v.logs,
          informational: !v.logs,
        });
      }
    }
  }
  return { ok: rows.every((x) => x.ok || x.informational), rows, timedOut };
}

/** What runs verified per service of the Swarm stacks: the compose file's reference, the image ID on the host, the digest. */
export async function captureSwarm(deps: EngineDeps, stacks: (PreparedStack & { swarm: SwarmPrepared })[]): Promise<ServiceImage[]> {
  const sw = deps.swarm!;
  const out: ServiceImage[] = [];
  for (const s of stacks) {
    for (const svc of await sw.services(s.name, s.swarm.host)) {
      const ref = s.services.find((x) => x.name === svc.name)?.image ?? svc.image;
      const img = await sw.imageInspect(svc.imageRef, s.swarm.host).catch(() => null);
      const repo = svc.image.replace(/:[^/:]+$/, "");
      const digest = svc.digest ? `${repo}@${svc.digest}` : (img?.repoDigests.find((d) => d.split("@")[0] === repo) ?? null);
      out.push({ stack: s.name, service: svc.name, image: ref, imageId: img?.id ?? null, digest });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The steps' one branch each
// ---------------------------------------------------------------------------------------------

type SwarmStack = PreparedStack & { swarm: SwarmPrepared };
const isSwarm = (s: PreparedStack): s is SwarmStack => !!s.swarm;

/**
 * Pre-flight: mark the Swarm stacks among the prepared ones (a removed stack by its old files)
 * and check their files; problems go to the pre-flight's list, so nothing changes when one fails.
 */
export async function prepareSwarmStacks(
  deps: EngineDeps,
  r: Run,
  { sha, plan, work, stacks, problems }: { sha: Sha; plan: ChangePlan; work: string; stacks: PreparedStack[]; problems: string[] },
): Promise<void> {
  for (const s of stacks) {
    if (s.change === "removed") {
      const sw = await removedSwarm(deps, s);
      if (sw) s.swarm = sw;
      continue;
    }
    const files = plan.target.stacks.find((t) => t.name === s.name);
    if (!files) continue;
    const p = await prepareSwarm(deps, r, { name: s.name, sha, files, settings: s.settings, overrides: s.overrides, work });
    if (p && "problem" in p) problems.push(p.problem);
    else if (p) s.swarm = p;
  }
}

/** Verify: the Swarm stacks' convergence and logs (the Compose verification leaves them out). */
export async function verifySwarmStacks(
  deps: EngineDeps,
  r: Run,
  stacks: StackToVerify[],
  prepared: PreparedStack[],
): Promise<{ ok: boolean; rows: VerificationRow[]; timedOut: boolean }> {
  const swarm = new Map(prepared.filter(isSwarm).map((p) => [p.name, p.swarm.host]));
  const mine = stacks.filter((s) => swarm.has(s.stack)).map((s) => ({ ...s, host: swarm.get(s.stack)! }));
  if (!mine.length) return { ok: true, rows: [], timedOut: false };
  return verifySwarm(deps, mine, { since: new Date(r.startedMs), onProgress: (l) => r.log(l), log: (l, st) => r.log(l, st), signal: r.signal });
}

/** The names of the Swarm stacks among the prepared ones. */
export function swarmStackNames(prepared: PreparedStack[]): Set<string> {
  return new Set(prepared.filter(isSwarm).map((p) => p.name));
}

/** Capture: what the Swarm stacks run verified (Compose's capture finds no containers of theirs). */
export async function captureSwarmStacks(deps: EngineDeps, stacks: PreparedStack[]): Promise<ServiceImage[]> {
  const mine = stacks.filter(isSwarm).filter((s) => s.change !== "removed");
  return mine.length ? captureSwarm(deps, mine) : [];
}
