import "server-only";
import { db } from "../db";
import { status } from "../status";
import { stacksReport } from "../stacks/report";
import { readSyncState } from "../sync/state";
import { Exposition } from "./exposition";

// GET /api/metrics: everything is read from SQLite (deployments, sync state) or probed at
// scrape time (dependencies, drift), so the counters survive restarts and never double-count.

/** Seconds; deployments range from a few seconds to tens of minutes. */
export const DURATION_BUCKETS = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const FINISHED = ["succeeded", "failed", "rolled_back", "interrupted"];
const DEPENDENCY_LABEL: Record<string, string> = { stacks: "git_repo", docker: "docker", kuma: "kuma", database: "database" };

export async function collectMetrics(now = new Date()): Promise<string> {
  const d = db();
  const marks = FINISHED.map(() => "?").join(",");
  const byResult = d
    .prepare(`SELECT kind, status, COUNT(*) AS n FROM deployments WHERE status IN (${marks}) GROUP BY kind, status ORDER BY kind, status`)
    .all(...FINISHED) as { kind: string; status: string; n: number }[];
  const durations = d
    .prepare(
      `SELECT kind, COALESCE(started_at, created_at) AS s, finished_at AS f FROM deployments
       WHERE status IN (${marks}) AND finished_at IS NOT NULL AND kind <> 'adopt'`,
    )
    .all(...FINISHED) as { kind: string; s: string; f: string }[];
  const verifyFailures = d
    .prepare(
      `SELECT kind, COUNT(*) AS n FROM deployments
       WHERE verification IS NOT NULL AND json_valid(verification) AND json_extract(verification, '$.ok') = 0
       GROUP BY kind ORDER BY kind`,
    )
    .all() as { kind: string; n: number }[];
  const autoRollbacks = d
    .prepare(`SELECT status, COUNT(*) AS n FROM deployments WHERE kind = 'rollback' AND auto = 1 AND status IN (${marks}) GROUP BY status ORDER BY status`)
    .all(...FINISHED) as { status: string; n: number }[];

  const perKind = new Map<string, number[]>();
  for (const r of durations) {
    const secs = (new Date(r.f).getTime() - new Date(r.s).getTime()) / 1000;
    if (!Number.isFinite(secs) || secs < 0) continue;
    perKind.set(r.kind, [...(perKind.get(r.kind) ?? []), secs]);
  }

  const [report, stacks] = await Promise.all([status(), stacksReport().catch(() => null)]);
  const sync = readSyncState();

  const out = new Exposition()
    .counter(
      "oresi_deployments_total",
      "Finished deployments by kind (rollout, rollback, sync, adopt) and result (succeeded, failed, rolled_back, interrupted).",
      byResult.map((r) => ({ labels: { kind: r.kind, result: r.status }, value: r.n })),
    )
    .histogram(
      "oresi_deployment_duration_seconds",
      "How long finished deployments took, from start to finish (first-run adoptions excluded).",
      DURATION_BUCKETS,
      [...perKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, values]) => ({ labels: { kind }, values })),
    )
    .counter(
      "oresi_verification_failures_total",
      "Deployments whose verification failed (containers, Kuma monitors or logs), by kind.",
      verifyFailures.map((r) => ({ labels: { kind: r.kind }, value: r.n })),
    )
    .counter(
      "oresi_auto_rollbacks_total",
      "Rollbacks started by Oresi itself after a rollout failed verification, by result.",
      autoRollbacks.map((r) => ({ labels: { result: r.status }, value: r.n })),
    )
    .gauge(
      "oresi_drifted_stacks",
      "Stacks whose running containers differ from the deployed release (absent when Docker cannot be read).",
      stacks ? [{ value: stacks.counts.driftedStacks }] : [],
    )
    .gauge(
      "oresi_stack_info",
      "One sample per stack of the deployed release, labelled with its sync (synced, out_of_sync, unknown) and health (healthy, progressing, degraded, missing, suspended, unknown); absent when Docker cannot be read.",
      (stacks?.stacks ?? []).map((s) => ({ labels: { stack: s.name, sync: s.sync.status, health: s.health.status }, value: 1 })),
    )
    .gauge(
      "oresi_dependency_up",
      "1 when a dependency answers (ok or degraded), 0 when it is down; unconfigured dependencies (Kuma without KUMA_URL) are absent.",
      report.dependencies
        .filter((x) => x.status !== "unconfigured")
        .map((x) => ({ labels: { dependency: DEPENDENCY_LABEL[x.name] ?? x.name }, value: x.status === "down" ? 0 : 1 })),
    )
    .gauge(
      "oresi_seconds_since_last_sync",
      "Seconds since the last successful sync with the stacks repository's remote (absent before the first one).",
      sync.lastSuccessAt ? [{ value: Math.max(0, Math.round((now.getTime() - new Date(sync.lastSuccessAt).getTime()) / 1000)) }] : [],
    );
  return out.toString();
}
