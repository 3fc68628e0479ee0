import "server-only";
import { db, now } from "../db";
import { logger } from "../logger";
import { DEPLOY_LOCK } from "./lock";
import { appendLog, updateDeployment } from "./store";

/**
 * At start-up, no deployment can be running yet: one left queued/running/verifying was
 * owned by a process that died. Mark it `interrupted`, say so in its log, and release the lock.
 * Returns the ids it marked.
 */
export function recoverInterrupted(): string[] {
  const rows = db()
    .prepare("SELECT id, status, pid FROM deployments WHERE status IN ('queued','running','verifying') ORDER BY created_at")
    .all() as { id: string; status: string; pid: number | null }[];
  const ids: string[] = [];
  for (const r of rows) {
    appendLog(r.id, null, "error", `Interrupted: the server process (pid ${r.pid ?? "?"}) stopped while this deployment was ${r.status}. The Overview shows what state the repository and stacks are in and offers to finish or go back.`);
    updateDeployment(r.id, { status: "interrupted", error: `The server stopped while this deployment was ${r.status}.`, finished: true });
    ids.push(r.id);
  }
  const lock = db().prepare("DELETE FROM locks WHERE name = ?").run(DEPLOY_LOCK);
  if (ids.length || lock.changes) logger.warn("recovered interrupted deployments", { ids: ids.join(","), lockReleased: lock.changes > 0, at: now() });
  return ids;
}
