import type { ChangePlan } from "../plan-changes";
import { deployedChain } from "../plan";
import type { ServiceImage } from "../types";
import { captureSwarmStacks } from "./swarm";
import type { EngineDeps, PreparedStack } from "./types";

/**
 * Exact release: what ran verified, for every stack of the release. The stacks `up` ran in
 * are captured from Docker now; unchanged ones keep the record of the release deployed before.
 * Not a recorded step: it runs after `verify` and its result is the success's `services`.
 */
export async function captureStep(deps: EngineDeps, { plan, stacks }: { plan: ChangePlan; stacks: PreparedStack[] }): Promise<ServiceImage[]> {
  const changed = new Set(plan.changes.map((x) => x.stack));
  const refs = new Map<string, string>();
  for (const p of stacks) for (const s of p.services) if (s.image) refs.set(`${p.name}/${s.name}`, s.image);
  const fresh = await deps.docker.capture(
    stacks.filter((p) => p.change !== "removed").map((p) => p.name),
    refs,
    new Map(stacks.map((p) => [p.name, p.host ?? "local"])),
  );
  const swarm = await captureSwarmStacks(deps, stacks);
  const chain = deployedChain(deps.store.history());
  const current = chain[chain.length - 1]?.services ?? [];
  const kept = current.filter((s) => !changed.has(s.stack) && plan.target.stacks.some((t) => t.name === s.stack));
  return [...kept, ...fresh, ...swarm].sort((a, b) => `${a.stack}/${a.service}`.localeCompare(`${b.stack}/${b.service}`));
}
