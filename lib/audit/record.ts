import "server-only";
import { db, now } from "../db";
import type { Caller } from "../access/caller";
import { redactParams } from "../redact";

export interface AuditInput {
  caller: Caller;
  action: string;
  target?: string | null;
  params?: unknown;
  result: string;
  status?: number;
  deploymentId?: string | null;
}

export interface AuditEvent {
  id: number;
  ts: string;
  actor: string;
  actorKind: Caller["kind"];
  role: string | null;
  sourceIp: string | null;
  action: string;
  target: string | null;
  params: unknown;
  result: string;
  status: number | null;
  deploymentId: string | null;
  /** How many times this happened: more than 1 only for coalesced refusals (same caller, address, path, minute). */
  count: number;
}

/** Refusals are coalesced into one row per caller, address, request, result and minute. */
export const COALESCED_ACTION = "request.refused";

/**
 * Append one event to the audit trail (append-only: the table refuses updates and deletes).
 * A refused request (request.refused) is coalesced: a repeat by the same caller from the same
 * address to the same request with the same result within the same minute adds 1 to that row's
 * count (the only change the table allows), so a flood of refusals cannot fill the disk.
 */
export function audit(e: AuditInput): number {
  const actor = e.caller.onBehalfOf ? `${e.caller.name} (for ${e.caller.onBehalfOf})` : e.caller.name;
  const ts = now();
  const window =
    e.action === COALESCED_ACTION ? JSON.stringify([ts.slice(0, 16), actor, e.caller.kind, e.caller.ip, e.target ?? null, e.result, e.status ?? null]) : null;
  if (window) {
    const row = db().prepare("SELECT id FROM audit_events WHERE refusal_window = ? ORDER BY id DESC LIMIT 1").get(window) as { id: number } | undefined;
    if (row) {
      db().prepare("UPDATE audit_events SET count = count + 1 WHERE id = ?").run(row.id);
      return row.id;
    }
  }
  const r = db()
    .prepare(
      `INSERT INTO audit_events (ts, actor, actor_kind, role, source_ip, action, target, params, result, status, deployment_id, refusal_window)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      ts,
      actor,
      e.caller.kind,
      e.caller.role,
      e.caller.ip,
      e.action,
      e.target ?? null,
      e.params === undefined ? null : JSON.stringify(redactParams(e.params)),
      e.result,
      e.status ?? null,
      e.deploymentId ?? null,
      window,
    );
  return Number(r.lastInsertRowid);
}
