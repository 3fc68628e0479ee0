import type { Verification } from "../types";
import { mergeVerifications } from "./merge-verification";
import type { EngineDeps, PreparedStack, Run, StepDef } from "./types";
import { upStep } from "./up";
import { verifyStep } from "./verify";

// Several Docker hosts: a release that changes stacks on more than one host rolls out host by
// host in their configured order (DOCKER_HOSTS_FILE `order`, else by name): `up` of that host's
// stacks, then their verification, before the next host is touched. A failure stops there; the
// automatic rollback then puts back every stack the release changed, on every host. With one
// host configured, `up` and `verify` run once over every stack, as they always did. A stack that
// moves to another host (x-oresi.host changed) is taken down on the host it leaves last, once
// every host is verified: the new one runs before the old one stops.

type RunStep = <I, O>(s: StepDef<I, O>, input: I) => Promise<O>;

/** The stacks grouped by host, in the hosts' order (only hosts with stacks). */
export function groupByHost(stacks: PreparedStack[], order: string[]): { host: string; stacks: PreparedStack[] }[] {
  const hostOf = (s: PreparedStack) => s.host ?? "local";
  const hosts = [...order.filter((h) => stacks.some((s) => hostOf(s) === h)), ...new Set(stacks.map(hostOf).filter((h) => !order.includes(h)))];
  return hosts.map((host) => ({ host, stacks: stacks.filter((s) => hostOf(s) === host) }));
}

/** Bring the stacks up and verify them: at once with one host, host by host with several. Returns the whole verification. */
export async function upAndVerify(deps: EngineDeps, r: Run, step: RunStep, prepared: PreparedStack[]): Promise<Verification> {
  const order = deps.docker.hosts();
  const leaving = prepared.filter((s) => s.movedTo);
  const stacks = prepared.filter((s) => !s.movedTo);
  if (order.length <= 1) {
    await step(upStep, { stacks });
    deps.store.update(r.id, { status: "verifying" });
    return step(verifyStep, { stacks });
  }
  const groups = groupByHost(stacks, order);
  if (!groups.length) {
    await step(upStep, { stacks });
    deps.store.update(r.id, { status: "verifying" });
    return step(verifyStep, { stacks });
  }
  const sinceMs = deps.clock.now();
  let verification: Verification | undefined;
  for (const [i, g] of groups.entries()) {
    r.log(`[${g.host}] Host ${g.host} (${i + 1} of ${groups.length}): ${g.stacks.map((s) => s.name).join(", ")}.`);
    if (i > 0) deps.store.update(r.id, { status: "running" });
    const last = i === groups.length - 1 && !leaving.length;
    await step(upStep, { stacks: g.stacks, host: g.host, outcome: last ? { over: stacks, sinceMs } : undefined });
    deps.store.update(r.id, { status: "verifying" });
    const v = await step(verifyStep, { stacks: g.stacks, host: g.host, earlier: verification });
    verification = verification ? mergeVerifications(verification, v) : v;
    if (i < groups.length - 1) r.log(`[${g.host}] Host ${g.host} verified; next: ${groups[i + 1].host}.`);
  }
  if (leaving.length) {
    deps.store.update(r.id, { status: "running" });
    const away = groupByHost(leaving, order);
    for (const [i, g] of away.entries())
      await step(upStep, {
        stacks: g.stacks,
        host: g.host,
        // the preview is compared once everything is done, the stacks that left included
        outcome: i === away.length - 1 ? { over: prepared, sinceMs } : undefined,
      });
  }
  return verification!;
}
