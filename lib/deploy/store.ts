import "server-only";
import { db, now } from "../db";
import { redact } from "../redact";
import { publish } from "./events";
import type {
  Actor,
  Deployment,
  DeploymentKind,
  DeploymentPreviewRecord,
  DeploymentStatus,
  LogLine,
  ServiceImage,
  StackChange,
  Step,
  Verification,
} from "./types";
import { STEP_NAMES } from "./types";

// Persistence of deployments and their log lines. Every change is written as it happens
// (so a crash leaves a truthful record) and published on the in-process bus.

interface Row {
  id: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  from_release: string | null;
  to_release: string | null;
  to_sha: string | null;
  stacks: string;
  actor: string;
  actor_kind: string;
  via: string | null;
  force: number;
  auto: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  steps: string;
  verification: string | null;
  services: string | null;
  rollback_of: string | null;
  rolled_back_by: string | null;
  pid: number | null;
  preview: string | null;
}

export function freshSteps(): Step[] {
  return STEP_NAMES.map((name) => ({ name, status: "pending" }));
}

export function toDeployment(r: Row): Deployment {
  const start = r.started_at ?? r.created_at;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    from: r.from_release,
    to: r.to_release,
    toSha: r.to_sha,
    stacks: JSON.parse(r.stacks) as StackChange[],
    actor: { name: r.actor, kind: r.actor_kind, via: r.via },
    force: !!r.force,
    auto: !!r.auto,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.finished_at ? new Date(r.finished_at).getTime() - new Date(start).getTime() : null,
    error: r.error,
    steps: JSON.parse(r.steps) as Step[],
    verification: r.verification ? (JSON.parse(r.verification) as Verification) : null,
    services: r.services ? (JSON.parse(r.services) as ServiceImage[]) : null,
    rollbackOf: r.rollback_of,
    rolledBackBy: r.rolled_back_by,
    preview: r.preview ? (JSON.parse(r.preview) as DeploymentPreviewRecord) : null,
    url: `/deployments/${r.id}`,
  };
}

export interface NewDeployment {
  id: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  from: string | null;
  to: string | null;
  toSha?: string | null;
  actor: Actor;
  force?: boolean;
  auto?: boolean;
  rollbackOf?: string | null;
  stacks?: StackChange[];
  services?: ServiceImage[] | null;
  steps?: Step[];
  finished?: boolean;
}

/**
 * The row a new deployment is written as, pure (no database): insertDeployment writes it, and the
 * engine's test world (steps/testing.ts) keeps it as toDeployment reads it back.
 */
export function newDeploymentRow(d: NewDeployment, t: string, pid: number | null): Row {
  return {
    id: d.id,
    kind: d.kind,
    status: d.status,
    from_release: d.from,
    to_release: d.to,
    to_sha: d.toSha ?? null,
    stacks: JSON.stringify(d.stacks ?? []),
    actor: d.actor.name,
    actor_kind: d.actor.kind,
    via: d.actor.via ?? null,
    force: d.force ? 1 : 0,
    auto: d.auto ? 1 : 0,
    created_at: t,
    started_at: t,
    finished_at: d.finished ? t : null,
    error: null,
    steps: JSON.stringify(d.steps ?? freshSteps()),
    verification: null,
    services: d.services ? JSON.stringify(d.services) : null,
    rollback_of: d.rollbackOf ?? null,
    rolled_back_by: null,
    pid,
    preview: null,
  };
}

/** The columns insertDeployment writes; the others start NULL. */
const INSERTED = [
  "id",
  "kind",
  "status",
  "from_release",
  "to_release",
  "to_sha",
  "stacks",
  "actor",
  "actor_kind",
  "via",
  "force",
  "auto",
  "created_at",
  "started_at",
  "finished_at",
  "steps",
  "services",
  "rollback_of",
  "pid",
] as const satisfies readonly (keyof Row)[];

export function insertDeployment(d: NewDeployment): void {
  const row = newDeploymentRow(d, now(), process.pid);
  db()
    .prepare(`INSERT INTO deployments (${INSERTED.join(", ")}) VALUES (${INSERTED.map((c) => `@${c}`).join(", ")})`)
    .run(Object.fromEntries(INSERTED.map((c) => [c, row[c]])));
}

export interface DeploymentPatch {
  status?: DeploymentStatus;
  from?: string | null;
  to?: string | null;
  toSha?: string | null;
  stacks?: StackChange[];
  error?: string | null;
  steps?: Step[];
  verification?: Verification | null;
  services?: ServiceImage[] | null;
  rolledBackBy?: string | null;
  preview?: DeploymentPreviewRecord | null;
  finished?: boolean;
}

const COLUMNS: Record<keyof Omit<DeploymentPatch, "finished">, [string, (v: unknown) => unknown]> = {
  status: ["status", (v) => v],
  from: ["from_release", (v) => v],
  to: ["to_release", (v) => v],
  toSha: ["to_sha", (v) => v],
  stacks: ["stacks", (v) => JSON.stringify(v)],
  error: ["error", (v) => (typeof v === "string" ? redact(v) : v)], // Compose errors can quote .env values
  steps: ["steps", (v) => JSON.stringify(v)],
  verification: ["verification", (v) => (v ? JSON.stringify(v) : null)],
  services: ["services", (v) => (v ? JSON.stringify(v) : null)],
  rolledBackBy: ["rolled_back_by", (v) => v],
  preview: ["preview", (v) => (v ? JSON.stringify(v) : null)],
};

/** Write a change to a deployment and publish the new state. */
export function updateDeployment(id: string, patch: DeploymentPatch, opts: { publish?: boolean } = {}): Deployment | null {
  const sets: string[] = [];
  const vals: unknown[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === "finished" || v === undefined) continue;
    const [col, conv] = COLUMNS[k as keyof typeof COLUMNS];
    sets.push(`${col} = ?`);
    vals.push(conv(v));
  }
  if (patch.finished) sets.push(`finished_at = '${now()}'`);
  if (sets.length)
    db()
      .prepare(`UPDATE deployments SET ${sets.join(", ")} WHERE id = ?`)
      .run(...vals, id);
  const d = getDeploymentRow(id);
  if (d && opts.publish !== false) publish({ type: "deployment", deploymentId: id, deployment: d });
  return d;
}

export function getDeploymentRow(id: string): Deployment | null {
  const r = db().prepare("SELECT * FROM deployments WHERE id = ?").get(id) as Row | undefined;
  return r ? toDeployment(r) : null;
}

export function listDeploymentRows(opts: { limit?: number; before?: string; stack?: string } = {}): Deployment[] {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const where: string[] = [];
  const args: unknown[] = [];
  if (opts.before) {
    where.push("created_at < (SELECT created_at FROM deployments WHERE id = ?)");
    args.push(opts.before);
  }
  if (opts.stack) {
    where.push("(kind = 'adopt' OR EXISTS (SELECT 1 FROM json_each(deployments.stacks) j WHERE json_extract(j.value, '$.stack') = ?))");
    args.push(opts.stack);
  }
  const rows = db()
    .prepare(`SELECT * FROM deployments ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, rowid DESC LIMIT ?`)
    .all(...args, limit) as Row[];
  return rows.map(toDeployment);
}

/** Every deployment, oldest first: the input of planRollback(). */
export function historyRows(): Deployment[] {
  return (db().prepare("SELECT * FROM deployments ORDER BY created_at ASC, rowid ASC").all() as Row[]).map(toDeployment);
}

export function appendLog(deploymentId: string, step: string | null, stream: LogLine["stream"], line: string): LogLine {
  const ts = now();
  const clean = redact(line);
  const text = clean.length > 4000 ? clean.slice(0, 4000) + "…" : clean;
  const r = db()
    .prepare("INSERT INTO deployment_logs (deployment_id, ts, step, stream, line) VALUES (?, ?, ?, ?, ?)")
    .run(deploymentId, ts, step, stream, text);
  const log: LogLine = { id: Number(r.lastInsertRowid), ts, step, stream, line: text };
  publish({ type: "log", deploymentId, log });
  return log;
}

export function logsOf(deploymentId: string, afterId = 0, limit = 5000): LogLine[] {
  return db()
    .prepare("SELECT id, ts, step, stream, line FROM deployment_logs WHERE deployment_id = ? AND id > ? ORDER BY id LIMIT ?")
    .all(deploymentId, afterId, limit) as LogLine[];
}
