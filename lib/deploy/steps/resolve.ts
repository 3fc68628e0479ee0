import type { Sha } from "../../git/refs";
import type { StepDef } from "./types";

/** The release's commit (recorded), checked against RELEASE_SIGNERS again. */
export const resolveStep: StepDef<void, Sha> = {
  name: "resolve",
  async run(deps, r) {
    const s = await deps.git.resolve(r.to);
    const asked = r.deployment.toSha;
    if (asked && asked !== s) r.log(`${r.to} moved since the request: ${asked.slice(0, 12)} → ${s.slice(0, 12)}.`, "warn");
    // RELEASE_SIGNERS, again here: the tag may have moved since the request, and the automatic
    // rollback starts no request of its own.
    await deps.git.assertSigned(r.to, s);
    deps.store.update(r.id, { toSha: s });
    return s;
  },
  detail: (s, r) => `${r.to} = ${s.slice(0, 12)}`,
};
