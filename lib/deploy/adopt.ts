import "server-only";
import { db } from "../db";
import { stacksInTree, treeAt } from "../git/read";
import { repoState } from "../git/state";
import { newDeploymentId } from "./ids";
import { captureServices } from "./pins";
import { insertDeployment } from "./store";
import type { Deployment } from "./types";
import { getDeploymentRow } from "./store";

/**
 * With no history yet, the release the work tree is checked out at counts as deployed:
 * record it (kind `adopt`, succeeded) with the images its stacks run now, so that the first
 * rollout can already be rolled back. Returns the adoption, or null (history exists, or
 * HEAD is not at a release).
 */
export async function adoptIfNeeded(): Promise<Deployment | null> {
  const has = () => !!db().prepare("SELECT 1 FROM deployments WHERE status = 'succeeded' LIMIT 1").get();
  if (has()) return null;
  const st = await repoState(0);
  if (!st.head || !st.headRelease) return null;
  const stacks = stacksInTree(await treeAt(st.head)).map((s) => s.name as string);
  const services = await captureServices(stacks);
  const id = newDeploymentId();
  const inserted = db()
    .transaction(() => {
      if (has()) return false;
      insertDeployment({
        id,
        kind: "adopt",
        status: "succeeded",
        from: null,
        to: st.headRelease,
        toSha: st.head,
        actor: { name: "oresi (adopted the work tree)", kind: "system", via: "first run" },
        stacks: [],
        services,
        steps: [],
        finished: true,
      });
      return true;
    })
    .immediate();
  return inserted ? getDeploymentRow(id) : null;
}
