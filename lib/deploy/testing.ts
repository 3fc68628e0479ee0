// Helpers shared by the deployment engine's integration tests and benches (real git, real engine).
import path from "node:path";
import type { Caller } from "../access/caller";
import { composeUp } from "../docker/compose";
import { invalidateContainers, listContainers } from "../docker/containers";
import { db } from "../db";
import { stacksInTree, treeAt } from "../git/read";
import type { Sha } from "../git/refs";
import { lockHolder } from "./lock";
import { getDeploymentRow } from "./store";
import type { Deployment } from "./types";

/** Bring every stack of the work tree's HEAD up, as a person would have before Oresi. */
export async function upAll(stacksDir: string, head: string): Promise<string[]> {
  const stacks = stacksInTree(await treeAt(head as Sha)).map((s) => s.name as string);
  await Promise.all(stacks.map((s) => composeUp(path.join(stacksDir, s), s)));
  return stacks;
}

/** Wait until a deployment (and any automatic rollback it started) has finished. */
export async function waitFinished(id: string, timeoutMs = 60_000, pollMs = 100): Promise<Deployment> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = getDeploymentRow(id);
    if (d && !["queued", "running", "verifying"].includes(d.status) && !lockHolder()) return d;
    if (Date.now() > end) throw new Error(`deployment ${id} did not finish in ${timeoutMs} ms: ${JSON.stringify(d?.status)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The people the deployment tests act as. */
export const TEST_OPERATOR: Caller = { kind: "user", name: "olivia", role: "operator", ip: "127.0.0.1" };
export const TEST_ADMIN: Caller = { kind: "user", name: "alice", role: "admin", ip: "127.0.0.1" };

/** The running containers of a compose project, read afresh from the engine. */
export async function runningContainers(project: string) {
  invalidateContainers();
  return (await listContainers()).filter((c) => c.project === project && c.state === "running");
}

/** Record a succeeded rollout to tag (at sha; null when unknown) by alice, as if Oresi had deployed it. */
export function recordDeployed(id: string, tag: string, sha: string | null, finishedAt = new Date()): void {
  db()
    .prepare(
      `INSERT INTO deployments (id, kind, status, to_release, to_sha, actor, actor_kind, created_at, finished_at)
       VALUES (?, 'rollout', 'succeeded', ?, ?, 'alice', 'user', ?, ?)`,
    )
    .run(id, tag, sha, new Date().toISOString(), finishedAt.toISOString());
}
