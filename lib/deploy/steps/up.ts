import { comparePreview } from "../preview-plan";
import { eachLimited } from "./each-limited";
import type { EngineDeps, PreparedStack, Run, StepDef } from "./types";

/**
 * Bring the changed stacks up: `down` for the removed ones (volumes kept), then `up` over the
 * list of stacks, DEPLOY_PARALLEL at once (the first failure starts no further stack). Afterwards
 * the record says whether what happened matched the preview.
 */
export const upStep: StepDef<{ stacks: PreparedStack[] }, number> = {
  name: "up",
  async run(deps, r, { stacks }) {
    const startedMs = deps.clock.now();
    for (const s of stacks.filter((x) => x.change === "removed")) {
      r.log(`${s.name}: removed in ${r.to}; compose down (volumes kept).`);
      await deps.compose.down(s, { onLine: (l) => r.log(`${s.name} | ${l}`, "stdout"), signal: r.signal });
    }
    const ups = stacks.filter((x) => x.change !== "removed");
    await eachLimited(ups, deps.config().DEPLOY_PARALLEL, async (s) => {
      await deps.compose.up(s, {
        files: s.overrides,
        onLine: (l) => r.log(`${s.name} | ${l}`, "stdout"),
        // DEPLOY_TIMEOUT stops a hung `up` too, so an automatic rollback never runs Compose beside it.
        signal: r.signal,
      });
    });
    deps.docker.invalidate();
    await recordPreviewOutcome(deps, r, stacks, startedMs);
    return ups.length;
  },
  detail: (n) => `${n} stack(s) up`,
};

async function recordPreviewOutcome(deps: EngineDeps, r: Run, stacks: PreparedStack[], upStartedMs: number): Promise<void> {
  const pv = deps.store.get(r.id)?.preview;
  if (!pv) return;
  const names = new Set(stacks.map((x) => x.name));
  const observed = (await deps.docker.containers())
    .filter((c) => c.project && names.has(c.project) && c.service && !c.oneoff)
    .map((c) => ({ stack: c.project!, service: c.service!, created: c.created }));
  const outcome = comparePreview(pv, observed, upStartedMs);
  deps.store.update(r.id, { preview: { ...pv, outcome } });
  r.log(
    outcome.matched ? "What happened matched the preview." : `What happened differs from the preview: ${outcome.mismatches.join("; ")}.`,
    outcome.matched ? "info" : "warn",
  );
}
