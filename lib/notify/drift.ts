import "server-only";
import { config } from "../config";
import { db, now } from "../db";
import { isDeploying } from "../deploy/start";
import { stacksReport } from "../stacks/report";
import { isOutOfSync } from "../stacks/status-model";
import { driftEvent } from "./events";
import { notify } from "./queue";

// "Drift found": polled on the slow schedule (after each scheduled sync), never on a page
// view. Each distinct set of drifts is announced once; while a deployment runs, containers
// are expected to differ, so nothing is checked then.

const KEY = "notify.drift";

export interface DriftCheck {
  checked: boolean;
  count: number;
  announced: boolean;
}

export async function checkDrift(): Promise<DriftCheck> {
  if (isDeploying()) return { checked: false, count: 0, announced: false };
  const report = await stacksReport(0);
  // Differences that make a stack out of sync (status-model OUT_OF_SYNC: not registry updates).
  const items = report.problems.filter((p) => p.kind !== "unhealthy" && p.kind !== "repo" && isOutOfSync(p.kind));
  const fp = items
    .map((p) => `${p.stack}/${p.service ?? "-"}:${p.kind}`)
    .sort()
    .join("\n");
  const d = db();
  const prev = (d.prepare("SELECT value FROM kv WHERE key = ?").get(KEY) as { value: string } | undefined)?.value ?? "";
  if (fp === prev) return { checked: true, count: items.length, announced: false };
  d.prepare(
    `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(KEY, fp, now());
  if (!items.length) return { checked: true, count: 0, announced: false };
  const shown = items.slice(0, 3).map((p) => `${p.service ? `${p.stack}/${p.service}` : p.stack}: ${p.text}.`);
  const named = new Set(items.map((p) => p.stack));
  const stacks = report.stacks
    .filter((s) => named.has(s.name))
    .map((s) => ({ name: s.name, sync: s.sync.status, reason: s.sync.reason, health: s.health.status }));
  const c = config();
  notify(driftEvent(stacks, shown, items.length, report.target.ref, c.PUBLIC_URL ?? c.NEXTAUTH_URL));
  return { checked: true, count: items.length, announced: true };
}
