import "server-only";
import { z } from "zod";
import { db } from "../db";
import type { AuditEvent } from "./record";

const isoDate = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), "a date or time such as 2026-05-01 or 2026-05-01T12:00:00Z")
  .transform((v) => new Date(v).toISOString());

// A bare date as "until" means the end of that day.
const untilDate = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), "a date or time such as 2026-05-01 or 2026-05-01T12:00:00Z")
  .transform((v) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999Z` : v).toISOString());

const text = z.string().trim().max(200);

/** GET /api/audit and the /audit page: every filter optional, newest first. */
export const auditQuerySchema = z.object({
  action: text.optional(),
  actor: text.optional(),
  result: text.optional(),
  since: isoDate.optional(),
  until: untilDate.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  format: z.enum(["json", "jsonl"]).default("json"),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

interface Row {
  id: number;
  ts: string;
  actor: string;
  actor_kind: AuditEvent["actorKind"];
  role: string | null;
  source_ip: string | null;
  action: string;
  target: string | null;
  params: string | null;
  result: string;
  status: number | null;
  deployment_id: string | null;
  count: number;
}

function toEvent(r: Row): AuditEvent {
  let params: unknown = null;
  try {
    params = r.params ? JSON.parse(r.params) : null;
  } catch {
    params = r.params;
  }
  return {
    id: r.id,
    ts: r.ts,
    actor: r.actor,
    actorKind: r.actor_kind,
    role: r.role,
    sourceIp: r.source_ip,
    action: r.action,
    target: r.target,
    params,
    result: r.result,
    status: r.status,
    deploymentId: r.deployment_id,
    count: r.count ?? 1,
  };
}

function where(q: Partial<AuditQuery>): { sql: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  // action: exact, or a prefix with a trailing dot or star ("auth." / "auth.*").
  if (q.action) {
    if (/[.*]$/.test(q.action)) {
      parts.push("action LIKE ? ESCAPE '\\'");
      args.push(q.action.replace(/\*$/, "").replace(/[\\%_]/g, "\\$&") + "%");
    } else {
      parts.push("action = ?");
      args.push(q.action);
    }
  }
  if (q.actor) {
    parts.push("actor LIKE ? ESCAPE '\\'");
    args.push("%" + q.actor.replace(/[\\%_]/g, "\\$&") + "%");
  }
  if (q.result) {
    parts.push("result = ?");
    args.push(q.result);
  }
  if (q.since) {
    parts.push("ts >= ?");
    args.push(q.since);
  }
  if (q.until) {
    parts.push("ts <= ?");
    args.push(q.until);
  }
  if (q.before) {
    parts.push("id < ?");
    args.push(q.before);
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

/** One page of events, newest first; `next` is the `before` cursor for the following page. */
export function listAudit(q: Partial<AuditQuery>): { events: AuditEvent[]; next: number | null } {
  const limit = q.limit ?? 100;
  const w = where(q);
  const rows = db()
    .prepare(`SELECT * FROM audit_events ${w.sql} ORDER BY id DESC LIMIT ?`)
    .all(...w.args, limit + 1) as Row[];
  const events = rows.slice(0, limit).map(toEvent);
  return { events, next: rows.length > limit ? events[events.length - 1].id : null };
}

/** Rows per export page: each page is read completely (`.all()`) before any of it is yielded. */
export const EXPORT_PAGE = 500;

/**
 * Every matching event (no page limit), oldest first, one JSON object per line.
 * Pages by id (`WHERE id > ? ORDER BY id LIMIT 500`), each read in full, so no statement stays open
 * between pulls: a client that stops reading or hangs up cannot hold the connection busy for writers.
 */
export function* exportAudit(q: Partial<AuditQuery>): Generator<string> {
  const w = where({ ...q, before: undefined });
  const sql = `SELECT * FROM audit_events ${w.sql ? `${w.sql} AND` : "WHERE"} id > ? ORDER BY id ASC LIMIT ?`;
  let after = 0;
  for (;;) {
    const rows = db()
      .prepare(sql)
      .all(...w.args, after, EXPORT_PAGE) as Row[];
    if (!rows.length) return;
    after = rows[rows.length - 1].id;
    yield rows.map((r) => JSON.stringify(toEvent(r)) + "\n").join("");
    if (rows.length < EXPORT_PAGE) return;
  }
}

/** Distinct action names, for the filter's suggestions. */
export function auditActions(): string[] {
  return (db().prepare("SELECT DISTINCT action FROM audit_events ORDER BY action").all() as { action: string }[]).map((r) => r.action);
}
