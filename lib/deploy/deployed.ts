import "server-only";
import { db } from "../db";
import { isReleaseTag, type ReleaseTag, type Sha } from "../git/refs";

export interface DeployedRelease {
  tag: ReleaseTag;
  sha: Sha | null;
  deploymentId: string;
  at: string;
  /** How it became deployed: a verified rollout/rollback, or adopted from the work tree on first run. */
  kind: string;
}

/**
 * The deployed release: the target of the last deployment that finished successfully
 * (a verified rollout or rollback, or the adoption of the work tree's release on first run).
 * Null when there is no history yet; callers then fall back to the release HEAD is at.
 */
export function deployedRelease(): DeployedRelease | null {
  const row = db()
    .prepare(
      `SELECT id, kind, to_release, to_sha, finished_at FROM deployments
       WHERE status = 'succeeded' AND to_release IS NOT NULL
       ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
    )
    .get() as { id: string; kind: string; to_release: string; to_sha: string | null; finished_at: string } | undefined;
  if (!row || !isReleaseTag(row.to_release)) return null;
  return { tag: row.to_release, sha: (row.to_sha as Sha) ?? null, deploymentId: row.id, at: row.finished_at, kind: row.kind };
}
