import type { Sha } from "../../git/refs";
import type { ChangePlan } from "../plan-changes";
import type { StepDef } from "./types";

/** Which stacks change (recorded), and the preview of what `up` will do to their services. */
export const planStep: StepDef<{ sha: Sha }, ChangePlan> = {
  name: "plan",
  async run(deps, r, { sha }) {
    const d = r.deployment;
    const p = await deps.plan.changes(sha, d.from, r.exactFrom);
    const { target, changes } = p;
    if (p.alsoSwitched.length) r.log(`Also switching ${p.alsoSwitched.join(", ")}: their recorded images differ from what runs now.`);
    deps.store.update(r.id, { stacks: changes });
    const unchanged = target.stacks.filter((s) => !changes.some((x) => x.stack === s.name)).map((s) => s.name);
    r.log(
      changes.length
        ? `${changes.length} stack${changes.length === 1 ? "" : "s"} change: ${changes.map((x) => `${x.stack} (${x.change})`).join(", ")}; unchanged, not touched: ${unchanged.join(", ") || "none"}.`
        : "No stack changes between the deployed release and the target; nothing to bring up.",
    );
    // The preview of what `up` will do, recorded so that afterwards the record says whether it
    // happened so. Advisory: a preview that cannot be computed never stops the deployment.
    try {
      const pv = await deps.plan.preview(d.kind === "rollback" ? "rollback" : "rollout", d.from, r.to, sha, p);
      deps.store.update(r.id, { preview: pv });
      r.log(`Preview: ${pv.summary}.`);
    } catch (e) {
      r.log(`No preview (${(e as Error).message}); going on.`, "warn");
    }
    return p;
  },
  detail: (p) => `${p.changes.length} stack(s) change`,
};
