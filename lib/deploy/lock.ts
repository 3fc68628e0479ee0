import "server-only";
import { db, now } from "../db";
import { AppError } from "../errors";
import { insertDeployment, type NewDeployment } from "./store";

// The deployment lock: one row in `locks` while a deployment runs. It lives in SQLite,
// so it is shared by every route module of the process and survives a crash (start-up
// recovery releases a lock whose holder is no longer running).

export const DEPLOY_LOCK = "deploy";

export interface LockHolder {
  holder: string;
  pid: number;
  acquiredAt: string;
}

export function lockHolder(): LockHolder | null {
  const r = db().prepare("SELECT holder, pid, acquired_at FROM locks WHERE name = ?").get(DEPLOY_LOCK) as
    { holder: string; pid: number; acquired_at: string } | undefined;
  return r ? { holder: r.holder, pid: r.pid, acquiredAt: r.acquired_at } : null;
}

/** The lock holder of a stack operation that is not a deployment (restart-stack). */
export const STACK_OP_PREFIX = "restart:";

export function conflict(holder: string): AppError {
  if (holder.startsWith(STACK_OP_PREFIX)) {
    const stack = holder.slice(STACK_OP_PREFIX.length).split(":")[0];
    return new AppError("conflict", `A restart of stack ${stack} is running; wait a moment for it to finish, then try again.`, {
      runningId: holder,
      url: "/stacks",
    });
  }
  return new AppError("conflict", `Deployment ${holder} is running; wait for it to finish (see /deployments/${holder}).`, {
    runningId: holder,
    url: `/deployments/${holder}`,
  });
}

/**
 * Take the lock and record the new deployment in one transaction: either both happen
 * or neither (a second caller gets 409 with the running deployment's id).
 */
export function acquireAndInsert(d: NewDeployment): void {
  const tx = db().transaction(() => {
    const held = lockHolder();
    if (held) throw conflict(held.holder);
    db().prepare("INSERT INTO locks (name, holder, pid, acquired_at) VALUES (?, ?, ?, ?)").run(DEPLOY_LOCK, d.id, process.pid, now());
    insertDeployment(d);
  });
  try {
    tx.immediate();
  } catch (e) {
    // Another process inserted between our check and insert: the primary key refused it.
    if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw conflict(lockHolder()?.holder ?? "unknown");
    throw e;
  }
}

/**
 * Hold the deployment lock while `fn` runs a stack operation outside a deployment (a restart):
 * 409 with the running deployment when busy; released however `fn` ends.
 */
export async function withStackLock<T>(stack: string, fn: () => Promise<T>): Promise<T> {
  const holder = `${STACK_OP_PREFIX}${stack}:${process.pid}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  try {
    db()
      .transaction(() => {
        const held = lockHolder();
        if (held) throw conflict(held.holder);
        db().prepare("INSERT INTO locks (name, holder, pid, acquired_at) VALUES (?, ?, ?, ?)").run(DEPLOY_LOCK, holder, process.pid, now());
      })
      .immediate();
  } catch (e) {
    if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw conflict(lockHolder()?.holder ?? "unknown");
    throw e;
  }
  try {
    return await fn();
  } finally {
    releaseLock(holder);
  }
}

/** Hand the lock from one deployment to the next (automatic rollback) without a gap. */
export function transferLock(from: string, d: NewDeployment): void {
  db()
    .transaction(() => {
      insertDeployment(d);
      const r = db().prepare("UPDATE locks SET holder = ?, acquired_at = ? WHERE name = ? AND holder = ?").run(d.id, now(), DEPLOY_LOCK, from);
      if (r.changes !== 1) throw new AppError("conflict", `The deployment lock is no longer held by ${from}.`);
    })
    .immediate();
}

export function releaseLock(holder: string): void {
  db().prepare("DELETE FROM locks WHERE name = ? AND holder = ?").run(DEPLOY_LOCK, holder);
}
