import "server-only";
import fs from "node:fs";
import { audit } from "../audit/record";
import { SYSTEM_CALLER } from "../access/caller";
import { db, now } from "../db";
import { logger } from "../logger";
import { indexLockState, repairInterruptedCheckout } from "../git/state";
import { isGitRepo } from "../git/gitdir";
import { config } from "../config";
import { DEPLOY_LOCK } from "./lock";
import { appendLog, getDeploymentRow, updateDeployment } from "./store";

/** When a process started (ms since the epoch), from /proc; null when it cannot be read. */
export function processStartMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]); // field 22: starttime, in clock ticks since boot
    const btime = Number(/^btime (\d+)$/m.exec(fs.readFileSync("/proc/stat", "utf8"))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return null;
    return btime * 1000 + (ticks / 100) * 1000; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * Is `pid` a live Oresi server process, other than us, that may hold something recorded at
 * `since`? Alive, a node process, and started before that moment (so a reused pid of a
 * later process does not count). Only processes in our pid namespace can be seen.
 */
export function isLiveOtherProcess(pid: number | null, since: string | null): boolean {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    if (!/node/.test(cmd.split("/").pop() ?? "")) return false;
  } catch {
    return false;
  }
  const started = processStartMs(pid);
  const at = since ? Date.parse(since) : NaN;
  // Clock ticks are coarse: allow two seconds.
  if (started !== null && Number.isFinite(at) && started > at + 2000) return false;
  return true;
}

/**
 * At start-up, a deployment left queued/running/verifying by a process that died is marked
 * `interrupted` (said in its log) and the lock it held is released. A deployment and a lock
 * that belong to another live server process on the same DATA_DIR are left alone.
 * Returns the ids it marked.
 */
export function recoverInterrupted(): string[] {
  const rows = db()
    .prepare("SELECT id, status, pid, created_at FROM deployments WHERE status IN ('queued','running','verifying') ORDER BY created_at")
    .all() as { id: string; status: string; pid: number | null; created_at: string }[];
  const lock = db().prepare("SELECT holder, pid, acquired_at FROM locks WHERE name = ?").get(DEPLOY_LOCK) as
    { holder: string; pid: number; acquired_at: string } | undefined;
  const lockLive = !!lock && isLiveOtherProcess(lock.pid, lock.acquired_at);
  const ids: string[] = [];
  for (const r of rows) {
    if (isLiveOtherProcess(r.pid, r.created_at) || (lockLive && lock!.holder === r.id)) {
      logger.warn("a deployment is running in another live process on this DATA_DIR; left alone", { id: r.id, pid: r.pid ?? undefined });
      continue;
    }
    appendLog(
      r.id,
      null,
      "error",
      `Interrupted: the server process (pid ${r.pid ?? "?"}) stopped while this deployment was ${r.status}. The Overview shows what state the repository and stacks are in and offers to finish or go back.`,
    );
    updateDeployment(r.id, { status: "interrupted", error: `The server stopped while this deployment was ${r.status}.`, finished: true });
    ids.push(r.id);
  }
  let released = false;
  if (lock && lockLive) logger.warn("the deployment lock is held by another live process on this DATA_DIR; left alone", { holder: lock.holder, pid: lock.pid });
  else if (lock) released = db().prepare("DELETE FROM locks WHERE name = ? AND holder = ?").run(DEPLOY_LOCK, lock.holder).changes > 0;
  if (ids.length || released) logger.warn("recovered interrupted deployments", { ids: ids.join(","), lockReleased: released, at: now() });
  return ids;
}

/**
 * At start-up, after recoverInterrupted: a `git checkout` killed mid-way (timeout, SIGKILL of
 * the container) leaves `.git/index.lock` and a half-switched work tree, and every later
 * checkout would fail. When no git process works in the repository, remove the lock and put
 * the files the interrupted checkout wrote back to HEAD's commit (git moves HEAD last, so HEAD
 * is what the tree truthfully is: the release before the switch). Said in the log, the audit
 * trail and the interrupted deployment's record. Not while another live process deploys.
 */
export async function recoverWorkTree(interrupted: string[]): Promise<void> {
  const dir = config().stacksDir;
  if (!isGitRepo(dir)) return;
  const lock = indexLockState(dir);
  if (!lock) return;
  if (!lock.stale) {
    logger.warn("a git process is working in the stacks repository; its index.lock is left alone", { path: lock.path, pids: lock.pids.join(",") });
    return;
  }
  const held = db().prepare("SELECT holder, pid, acquired_at FROM locks WHERE name = ?").get(DEPLOY_LOCK) as
    { holder: string; pid: number; acquired_at: string } | undefined;
  if (held && isLiveOtherProcess(held.pid, held.acquired_at)) return;
  // The deployment whose switch was cut short: the newest interrupted one that reached the switch.
  const d = interrupted
    .map((id) => getDeploymentRow(id))
    .filter((x) => x && x.steps.some((s) => s.name === "switch" && s.status !== "pending" && s.status !== "skipped"))
    .pop();
  const r = await repairInterruptedCheckout((d?.toSha as never) ?? null);
  const text = `Start-up recovery: removed ${lock.path} left by a killed git (${Math.round(lock.ageMs / 1000)} s old, no git process running)${
    r.restored.length
      ? `; put ${r.restored.join(", ")} back to HEAD ${r.head?.slice(0, 12)}, the commit the work tree was at before the interrupted switch`
      : ""
  }${d ? ` (deployment ${d.id} to ${d.to})` : ""}. Roll out again to switch.`;
  logger.warn(text, { restored: r.restored.length, head: r.head ?? undefined });
  audit({
    caller: { ...SYSTEM_CALLER, name: "oresi (start-up recovery)" },
    action: "repo.repair",
    target: dir,
    params: { lock: lock.path, head: r.head, restored: r.restored },
    result: "repaired",
    deploymentId: d?.id ?? null,
  });
  if (d) appendLog(d.id, null, "warn", text);
}
