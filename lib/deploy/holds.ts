import "server-only";
import { db, now } from "../db";
import { AppError } from "../errors";

// Releases put on hold after an automatic rollback: a scheduled sync does not roll them
// out again until a newer release appears or an operator lifts the hold.

export interface ReleaseHold {
  release: string;
  reason: string;
  deploymentId: string | null;
  createdAt: string;
}

export function listHolds(): ReleaseHold[] {
  return (
    db().prepare("SELECT release, reason, deployment_id, created_at FROM release_holds ORDER BY created_at DESC").all() as {
      release: string;
      reason: string;
      deployment_id: string | null;
      created_at: string;
    }[]
  ).map((r) => ({ release: r.release, reason: r.reason, deploymentId: r.deployment_id, createdAt: r.created_at }));
}

export function holdOf(release: string): ReleaseHold | null {
  return listHolds().find((h) => h.release === release) ?? null;
}

export function putOnHold(release: string, reason: string, deploymentId: string | null): void {
  db()
    .prepare(
      `INSERT INTO release_holds (release, reason, deployment_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(release) DO UPDATE SET reason = excluded.reason, deployment_id = excluded.deployment_id, created_at = excluded.created_at`,
    )
    .run(release, reason, deploymentId, now());
}

/** Lift a hold (operator action, audited by the caller). 404 when the release is not held. */
export function liftHold(release: string): ReleaseHold {
  const h = holdOf(release);
  if (!h) throw new AppError("not_found", `${release} is not on hold.`);
  db().prepare("DELETE FROM release_holds WHERE release = ?").run(release);
  return h;
}

/**
 * For a scheduled sync: may this release be rolled out on its own? Not while it is on hold.
 * A newer release is not held, so sync moves on to it once it appears.
 */
export function isHeld(release: string): ReleaseHold | null {
  return holdOf(release);
}
