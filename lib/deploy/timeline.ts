import "server-only";
import { listReleases } from "../git/tags";
import type { Sha } from "../git/refs";
import { diffTrees, loadTree } from "./stack-diff";
import { listDeploymentRows } from "./store";
import type { DeploymentStatus } from "./types";

// One stack's history in one list: the releases that changed it, the deployments that touched
// it (rollouts, rollbacks, automatic ones), and what verification saw of its health — with who and when.

export interface TimelineEvent {
  at: string;
  kind: "release" | "deployment" | "rollback" | "health";
  title: string;
  detail?: string;
  by?: string;
  status?: DeploymentStatus | "adopted" | "healthy" | "unhealthy";
  href?: string;
}

/** Releases checked for changes to the stack (each is one `git ls-tree`). */
const RELEASES_SCANNED = 15;

export async function stackTimeline(stack: string, limit = 40): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  for (const d of listDeploymentRows({ stack, limit: 50 })) {
    if (d.kind === "adopt") {
      events.push({
        at: d.finishedAt ?? d.createdAt,
        kind: "deployment",
        title: `${d.to} adopted as deployed`,
        by: d.actor.name,
        status: "adopted",
        href: d.url,
      });
      continue;
    }
    const change = d.stacks.find((s) => s.stack === stack)?.change;
    events.push({
      at: d.startedAt ?? d.createdAt,
      kind: d.kind === "rollback" ? "rollback" : "deployment",
      title: `${d.kind === "rollback" ? (d.auto ? "Automatic rollback" : "Rollback") : "Rollout"} ${d.from ?? "—"} → ${d.to}${change && change !== "changed" ? ` (stack ${change})` : ""}`,
      by: d.actor.name,
      status: d.status,
      href: d.url,
    });
    const rows = d.verification?.rows.filter((r) => r.stack === stack && r.signal !== "logs") ?? [];
    if (rows.length && d.verification)
      events.push({
        at: d.verification.finishedAt,
        kind: "health",
        title: rows.every((r) => r.ok || r.informational) ? "Healthy after the deployment" : "Unhealthy after the deployment",
        detail: rows.map((r) => `${r.subject}: ${r.seen}`).join("; "),
        status: rows.every((r) => r.ok || r.informational) ? "healthy" : "unhealthy",
        href: d.url,
      });
  }
  try {
    const list = (await listReleases()).releases.slice(0, RELEASES_SCANNED + 1);
    const trees = await Promise.all(list.map((r) => loadTree(r.sha as Sha)));
    for (let i = 0; i < list.length; i++) {
      const prev = trees[i + 1] ?? null;
      if (i === list.length - 1 && list.length > RELEASES_SCANNED) break;
      const ch = diffTrees(prev, trees[i]).find((c) => c.stack === stack);
      if (ch)
        events.push({
          at: list[i].date ?? "",
          kind: "release",
          title: `Release ${list[i].tag}${ch.change === "changed" ? "" : ` (stack ${ch.change})`}`,
          detail: list[i].subject,
          by: list[i].tagger?.name,
          href: `/releases/${list[i].tag}`,
        });
    }
  } catch {
    /* the repository may be unreadable; deployments still show */
  }
  return events
    .filter((e) => e.at)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, limit);
}
