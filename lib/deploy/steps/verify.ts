import type { Verification, VerificationRow } from "../types";
import type { StackToVerify } from "../verify";
import { swarmStackNames, verifySwarmStacks } from "./swarm";
import type { PreparedStack, StepDef } from "./types";
import { mergeVerifications } from "./merge-verification";

export class VerificationFailed extends Error {
  constructor(readonly verification: Verification) {
    super(verification.summary);
    this.name = "VerificationFailed";
  }
}

/** What verification checks for these stacks: every service, with the stack's x-oresi settings and timeout. */
export function stacksToVerify(stacks: PreparedStack[], defaultTimeoutMs: number): StackToVerify[] {
  return stacks
    .filter((p) => p.change !== "removed")
    .map((p) => ({
      stack: p.name,
      host: p.host,
      services: p.services.map((s) => s.name),
      settings: p.settings,
      timeoutMs: p.settings.verify.timeoutMs ?? defaultTimeoutMs,
    }));
}

/**
 * Verify the stacks `up` ran in: containers (running, healthy, not restarting), Uptime Kuma
 * monitors and error lines in the logs. Recorded; throws VerificationFailed when a required check fails.
 */
export const verifyStep: StepDef<{ stacks: PreparedStack[]; host?: string; earlier?: Verification }, Verification> = {
  name: "verify",
  async run(deps, r, { stacks: prepared, host, earlier }) {
    const stacks = stacksToVerify(prepared, deps.config().VERIFY_TIMEOUT);
    const t0 = new Date(deps.clock.now()).toISOString();
    const timeoutMs = Math.max(0, ...stacks.map((s) => s.timeoutMs));
    // Swarm stacks: their services converge (./swarm.ts), beside the containers of the Compose stacks.
    const swarmNames = swarmStackNames(prepared);
    const swarmRun = verifySwarmStacks(deps, r, stacks, prepared);
    const containers = stacks.length
      ? await deps.verify.containers(
          stacks.filter((s) => s.settings.verify.health && !swarmNames.has(s.stack)),
          { since: r.startedMs, onProgress: (l) => r.log(l), signal: r.signal },
        )
      : { ok: true, rows: [] as VerificationRow[], timedOut: false };
    const extras = await deps.verify.extras(stacks, { since: new Date(r.startedMs), log: (l, s) => r.log(l, s), signal: r.signal });
    const swarm = await swarmRun;
    const rows = [...containers.rows, ...swarm.rows, ...extras.rows];
    const ok = rows.every((x) => x.ok || x.informational);
    const bad = rows.filter((x) => !x.ok && !x.informational);
    const v: Verification = {
      ok,
      startedAt: t0,
      finishedAt: new Date(deps.clock.now()).toISOString(),
      timeoutMs,
      rows,
      summary: ok
        ? `Verified: ${rows.filter((x) => x.ok && !x.informational).length} check(s) passed.`
        : `Verification failed${containers.timedOut || swarm.timedOut ? ` (timeout ${Math.round(timeoutMs / 1000)} s)` : ""}: ${bad.map((x) => `${x.stack}/${x.subject} ${x.seen}`).join("; ")}`,
    };
    // Host by host: the record keeps the earlier hosts' rows too.
    deps.store.update(r.id, { verification: earlier ? mergeVerifications(earlier, v) : v });
    for (const x of rows)
      r.log(
        `${host ? `[${host}] ` : ""}${x.ok ? "✓" : x.informational ? "·" : "✕"} ${x.stack}/${x.subject} [${x.signal}]: ${x.seen}`,
        x.ok || x.informational ? "info" : "error",
      );
    if (!ok) throw new VerificationFailed(v);
    return v;
  },
  detail: (v) => v.summary,
};
