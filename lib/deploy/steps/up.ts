import { comparePreview } from "../preview-plan";
import { eachLimited } from "./each-limited";
import { swarmDown, swarmUp } from "./swarm";
import type { EngineDeps, PreparedStack, Run, StepDef } from "./types";

/**
 * Bring the changed stacks up: `down` for the removed ones (volumes kept), then `up` over the
 * list of stacks, DEPLOY_PARALLEL at once (the first failure starts no further stack). Afterwards
 * the record says whether what happened matched the preview.
 */
export const upStep: StepDef<{ stacks: PreparedStack[]; host?: string; outcome?: { over: PreparedStack[]; sinceMs: number } }, number> = {
  name: "up",
  async run(deps, r, { stacks, host, outcome }) {
    const startedMs = deps.clock.now();
    // With several hosts, every line says which host it is about (lib/deploy/steps/by-host.ts).
    const tag = (s: PreparedStack) => (host ? `[${s.host ?? host}] ` : "");
    for (const s of stacks.filter((x) => x.change === "removed")) {
      if (s.swarm) {
        await swarmDown(deps, r, { ...s, swarm: s.swarm });
        continue;
      }
      r.log(
        s.movedTo
          ? `${tag(s)}${s.name}: moved to host ${s.movedTo} in ${r.to}, verified there; compose down here (its volumes stay on this host).`
          : `${tag(s)}${s.name}: removed in ${r.to}; compose down (volumes kept).`,
      );
      await deps.compose.down(s, { onLine: (l) => r.log(`${tag(s)}${s.name} | ${l}`, "stdout"), signal: r.signal });
    }
    const ups = stacks.filter((x) => x.change !== "removed");
    await eachLimited(ups, deps.config().DEPLOY_PARALLEL, async (s) => {
      if (s.swarm) return swarmUp(deps, r, { ...s, swarm: s.swarm });
      await deps.compose.up(s, {
        files: s.overrides,
        onLine: (l) => r.log(`${tag(s)}${s.name} | ${l}`, "stdout"),
        // DEPLOY_TIMEOUT stops a hung `up` too, so an automatic rollback never runs Compose beside it.
        signal: r.signal,
      });
    });
    deps.docker.invalidate();
    // Host by host, the preview is compared once, after the last host, over every host's stacks.
    if (!host) await recordPreviewOutcome(deps, r, stacks, startedMs);
    else if (outcome) await recordPreviewOutcome(deps, r, outcome.over, outcome.sinceMs);
    return ups.length;
  },
  detail: (n) => `${n} stack(s) up`,
};

async function recordPreviewOutcome(deps: EngineDeps, r: Run, stacks: PreparedStack[], upStartedMs: number): Promise<void> {
  const pv = deps.store.get(r.id)?.preview;
  if (!pv) return;
  const names = new Set(stacks.map((x) => x.name));
  const hosts = [...new Set(stacks.map((s) => s.host ?? "local"))];
  const observed = (await Promise.all(hosts.map(async (h) => (await deps.docker.containers(h)).map((c) => ({ ...c, host: h })))))
    .flat()
    .filter((c) => c.project && names.has(c.project) && c.service && !c.oneoff)
    .map((c) => ({ stack: c.project!, service: c.service!, created: c.created, host: c.host }));
  // Swarm stacks have no Compose containers to compare with: the preview of theirs is advisory only.
  const swarm = new Set(stacks.filter((x) => x.swarm).map((x) => x.name));
  const outcome = comparePreview({ stacks: pv.stacks.filter((x) => !swarm.has(x.stack)) }, observed, upStartedMs);
  deps.store.update(r.id, { preview: { ...pv, outcome } });
  r.log(
    outcome.matched ? "What happened matched the preview." : `What happened differs from the preview: ${outcome.mismatches.join("; ")}.`,
    outcome.matched ? "info" : "warn",
  );
}
