import { describeMovedTag } from "../../git/remote";
import type { StepDef } from "./types";

/** Fetch tags from origin. A rollback must work while the remote is down: with the target present locally it goes on offline. */
export const fetchStep: StepDef<void, "fetched" | "offline"> = {
  name: "fetch",
  async run(deps, r) {
    try {
      const f = await deps.git.fetch(AbortSignal.any([AbortSignal.timeout(deps.config().GIT_TIMEOUT), r.signal]));
      for (const m of f.movedTags) r.log(`Fetch: ${describeMovedTag(m)}.`, "warn");
      return "fetched";
    } catch (e) {
      if (!(await deps.git.hasLocalRelease(r.to))) throw e;
      r.log(`Fetch failed (${(e as Error).message}); ${r.to} is present locally, going on with local tags.`, "warn");
      return "offline";
    }
  },
  detail: (v) => (v === "offline" ? "remote unreachable: used local tags" : undefined),
};
