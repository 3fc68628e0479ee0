import "server-only";
import { overviewData } from "../deploy/overview";
import { stacksReport } from "../stacks/report";
import { kumaStatus } from "../kuma/status";

/**
 * The small, flat JSON Homepage's customapi widget maps (README: "Homepage widget").
 * Every field is always present (null when unknown), so a mapping never points at nothing.
 */
export interface WidgetData {
  /** The deployed release (or the release the work tree is at before the first deployment). */
  release: string | null;
  /** "verified" when the deployed release's last deployment passed verification, else "unverified". */
  verified: "verified" | "unverified";
  running: number;
  healthy: number;
  unhealthy: number;
  drifted: number;
  /** Stacks out of sync with the deployed release, and stacks whose health is degraded (README: "Status: sync and health"). */
  stacksOutOfSync: number;
  stacksDegraded: number;
  /** Uptime Kuma monitors up / down (null when Kuma is unconfigured or not answering). */
  kumaUp: number | null;
  kumaDown: number | null;
  /** The last deployment (any kind but the first-run adoption). */
  lastDeployment: string | null;
  lastDeploymentStatus: string | null;
  lastDeploymentAt: string | null;
  /** Age of the last deployment in seconds, and as a short text ("3h", "2d"). */
  lastDeploymentAgeSeconds: number | null;
  lastDeploymentAge: string | null;
  generatedAt: string;
}

export function shortAge(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export async function widgetData(now = new Date()): Promise<WidgetData> {
  const [overview, stacks, kuma] = await Promise.all([
    overviewData(),
    stacksReport().catch(() => null),
    Promise.race([kumaStatus(), new Promise<null>((r) => setTimeout(() => r(null), 1500).unref())]).catch(() => null),
  ]);
  const dep = overview.deployed;
  const verified = !!dep?.deployment && dep.deployment.status === "succeeded" && (dep.deployment.kind === "adopt" || dep.deployment.verification?.ok === true);
  const last = overview.recent.find((d) => d.kind !== "adopt") ?? null;
  const lastAt = last ? (last.finishedAt ?? last.startedAt ?? last.createdAt) : null;
  const age = lastAt ? Math.max(0, Math.floor((now.getTime() - new Date(lastAt).getTime()) / 1000)) : null;
  const kumaOk = kuma && kuma.state !== "unconfigured" && kuma.source.answered.length > 0;
  return {
    release: dep?.tag ?? overview.checkedOut ?? null,
    verified: verified ? "verified" : "unverified",
    running: stacks?.counts.running ?? 0,
    healthy: stacks?.counts.healthy ?? 0,
    unhealthy: stacks?.counts.unhealthy ?? 0,
    drifted: stacks?.counts.drifted ?? 0,
    stacksOutOfSync: stacks?.counts.sync.out_of_sync ?? 0,
    stacksDegraded: stacks?.counts.health.degraded ?? 0,
    kumaUp: kumaOk ? kuma.counts.up : null,
    kumaDown: kumaOk ? kuma.counts.down : null,
    lastDeployment: last ? `${last.kind} ${last.to ?? ""}`.trim() : null,
    lastDeploymentStatus: last?.status ?? null,
    lastDeploymentAt: lastAt,
    lastDeploymentAgeSeconds: age,
    lastDeploymentAge: age === null ? null : shortAge(age),
    generatedAt: now.toISOString(),
  };
}
