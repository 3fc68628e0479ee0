import "server-only";
import { db } from "../db";
import { config } from "../config";
import { audit } from "./record";

const DAY = 86_400_000;

/**
 * Delete audit events older than AUDIT_RETENTION_DAYS (0: keep forever); returns how many.
 * The table's trigger allows a delete only below the cutoff written here first, and never for
 * an event less than a day old. The deletion itself is audited.
 */
export function pruneAudit(at = Date.now()): number {
  const days = config().AUDIT_RETENTION_DAYS;
  if (!days) return 0;
  const cutoff = new Date(at - days * DAY).toISOString();
  const deleted = db().transaction(() => {
    db().prepare("UPDATE audit_retention SET cutoff = ? WHERE id = 1").run(cutoff);
    return db().prepare("DELETE FROM audit_events WHERE ts < ?").run(cutoff).changes;
  })();
  if (deleted > 0)
    audit({
      caller: { kind: "system", name: "retention", role: null, ip: "127.0.0.1" },
      action: "audit.retention",
      target: "audit",
      params: { deleted, before: cutoff, days },
      result: "ok",
    });
  return deleted;
}
