import { AppError } from "../../errors";
import type { StepDef } from "./types";

/** Uncommitted changes in the work tree stop the deployment unless it is forced. */
export const liveEditsStep: StepDef<void, number> = {
  name: "live-edits",
  async run(deps, r) {
    const dirty = await deps.git.dirtyFiles();
    const d = r.deployment;
    if (dirty.length && !d.force)
      throw new AppError("preflight_failed", `Live edits in the work tree: ${dirty.join(", ")}. Commit or discard them first.`, { dirtyFiles: dirty });
    if (dirty.length) r.log(`Forced by ${d.actor.name} despite live edits: ${dirty.join(", ")}.`, "warn");
    return dirty.length;
  },
  detail: (n) => (n ? `${n} live edits overridden (force)` : "work tree clean"),
};
