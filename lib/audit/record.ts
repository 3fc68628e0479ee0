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
}

/** Append one event to the audit trail (append-only: the table refuses updates and deletes). */
export function audit(e: AuditInput): number {
  const actor = e.caller.onBehalfOf ? `${e.caller.name} (for ${e.caller.onBehalfOf})` : e.caller.name;
  const r = db()
    .prepare(
      `INSERT INTO audit_events (ts, actor, actor_kind, role, source_ip, action, target, params, result, status, deployment_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      now(),
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
    );
  return Number(r.lastInsertRowid);
}
