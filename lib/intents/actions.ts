import "server-only";
import path from "node:path";
import { config } from "../config";
import { AppError } from "../errors";
import type { Caller } from "../access/caller";
import { lockHolder, conflict } from "../deploy/lock";
import { composeRestart } from "../docker/compose";
import { invalidateContainers } from "../docker/containers";
import { stackName } from "../git/refs";
import type { ActionName } from "./schema";
import type { ParamValue } from "./values";

// The built-in actions. Each calls exactly one function of the part that owns it
// (deployments, releases, Docker, sync); an intent can only choose among these.

export interface ActionResult {
  status: number;
  body: Record<string, unknown>;
  /** One line for the audit trail and the chat reply. */
  summary: string;
  deploymentId?: string;
}

type Action = (p: Record<string, ParamValue>, caller: Caller) => Promise<ActionResult>;

function notYet(what: string): Action {
  return async () => {
    throw new AppError("dependency_down", `The ${what} action is not available yet in this build.`);
  };
}

const restartStack: Action = async (p) => {
  const stack = stackName(p.stack);
  const held = lockHolder();
  if (held) throw conflict(held.holder);
  const lines: string[] = [];
  await composeRestart(path.join(config().stacksDir, stack), stack, [], { onLine: (l: string) => lines.push(l), timeoutMs: 120_000 });
  invalidateContainers();
  return { status: 200, body: { stack, restarted: true, output: lines.slice(-20) }, summary: `Restarted ${stack}.` };
};

export const ACTION_IMPL: Record<ActionName, Action> = {
  tag: notYet("tag"),
  rollout: notYet("rollout"),
  rollback: notYet("rollback"),
  sync: notYet("sync"),
  verify: notYet("verify"),
  "restart-stack": restartStack,
};
