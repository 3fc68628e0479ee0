import type { Sha } from "../../git/refs";
import type { StepDef } from "./types";

/**
 * Check the release out (detached). From here on something running may change (`r.touched`),
 * except when the checkout fails cleanly (HEAD and the work tree as they were, e.g. git
 * refused): then nothing was touched, so no hold and no automatic rollback.
 */
export const switchStep: StepDef<{ sha: Sha }, Sha> = {
  name: "switch",
  async run(deps, r, { sha }) {
    const before = await deps.git.snapshot();
    r.touched = true;
    try {
      return await deps.git.checkout(sha, { allowDirty: r.deployment.force });
    } catch (e) {
      const after = await deps.git.snapshot().catch(() => null);
      if (before !== null && after === before) {
        r.touched = false;
        r.log("The checkout failed without changing HEAD or the work tree: nothing running was touched.", "warn");
      }
      throw e;
    }
  },
  detail: (s, r) => `HEAD at ${r.to} (${s.slice(0, 12)}, detached)`,
};
