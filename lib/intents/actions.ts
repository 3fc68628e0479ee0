import "server-only";
import path from "node:path";
import { config } from "../config";
import { AppError } from "../errors";
import type { Caller } from "../access/caller";
import { startDeployment, rollbackPlan } from "../deploy";
import { withStackLock } from "../deploy/lock";
import { composeRestart } from "../docker/compose";
import { invalidateContainers } from "../docker/containers";
import { stackName } from "../domain";
import { createRelease } from "../releases/create";
import { invalidateStacksReport, stacksReport } from "../stacks/report";
import { runSync } from "../sync/run";
import type { ActionName } from "./schema";
import type { ParamValue } from "./values";

// The built-in actions. Each calls exactly one function of the part that owns it
// (deployments: lib/deploy, tags: lib/releases, sync: lib/sync, stacks and Compose:
// lib/stacks and lib/docker); an intent can only choose among these.

export interface ActionResult {
  status: number;
  body: Record<string, unknown>;
  /** One line for the audit trail and the chat reply. */
  summary: string;
  deploymentId?: string;
}

export interface ActionCall {
  params: Record<string, ParamValue>;
  caller: Caller;
  via: "api" | "chat";
}

type Action = (c: ActionCall) => Promise<ActionResult>;

const forWhom = (caller: Caller) => (caller.onBehalfOf ? ` for ${caller.onBehalfOf}` : "");

const rollout: Action = async ({ params, caller }) => {
  const to = String(params.to);
  const d = await startDeployment({ kind: "rollout", to, force: params.force === true }, caller);
  return {
    status: 202,
    body: { id: d.id, url: d.url, kind: "rollout", from: d.deployment.from, to: d.deployment.to },
    summary: `Started rollout ${d.deployment.from ?? "(nothing)"} → ${d.deployment.to}${forWhom(caller)}.`,
    deploymentId: d.id,
  };
};

const rollback: Action = async ({ params, caller }) => {
  // The engine rolls back along the deployed chain (to the release deployed before the
  // current one, with the exact images it ran). A named release must be that one.
  if (typeof params.to === "string") {
    const plan = rollbackPlan();
    if (!plan.available || !plan.target) throw new AppError("conflict", `Nothing to roll back to: ${plan.reason ?? "no history"}`);
    if (plan.target.release !== params.to)
      throw new AppError(
        "preflight_failed",
        `A rollback goes back to the release deployed before ${plan.current?.release ?? "the current one"}, which is ${plan.target.release}, not ${params.to}. To deploy ${params.to}, roll it out instead.`,
      );
  }
  const d = await startDeployment({ kind: "rollback" }, caller);
  return {
    status: 202,
    body: { id: d.id, url: d.url, kind: "rollback", from: d.deployment.from, to: d.deployment.to },
    summary: `Started rollback ${d.deployment.from ?? "(nothing)"} → ${d.deployment.to}${forWhom(caller)}.`,
    deploymentId: d.id,
  };
};

const tag: Action = async ({ params, caller }) => {
  // The tag message is the drafted release notes (createRelease writes them); no free text from chat.
  const r = await createRelease({ tag: String(params.version), changelog: params.changelog === true, backport: params.backport === true }, caller);
  const { tag: t, sha, subject, date, prerelease } = r.release;
  return {
    status: 201,
    body: { release: { tag: t, sha, subject, date, prerelease }, url: `/releases/${t}` },
    summary: `Tagged ${t} at ${sha.slice(0, 12)} and pushed it to ${config().GIT_REMOTE}.`,
  };
};

const sync: Action = async ({ caller, via }) => {
  const run = await runSync(via === "chat" ? "chatops" : caller.kind === "user" ? "manual" : "api");
  return {
    status: 200,
    body: { sync: run, ...(run.deploymentId ? { id: run.deploymentId, url: `/deployments/${run.deploymentId}` } : {}) },
    summary: `Sync ${run.outcome}: ${run.message}`,
    deploymentId: run.deploymentId,
  };
};

const verify: Action = async () => {
  const report = await stacksReport(0);
  // A stack passes when each service runs as the release says and none of its monitors is
  // down. A monitor state Kuma cannot tell (unknown, Kuma unconfigured) is reported, not failed.
  const stacks = report.stacks.map((s) => {
    const containersOk = !s.desiredError && s.services.every((x) => x.sync === "synced" && x.health.status === "healthy");
    const monitorsDown = s.monitors?.down ?? 0;
    const reason = s.health.status !== "healthy" ? s.health.reason : s.sync.reason;
    return {
      name: s.name,
      sync: s.sync.status,
      health: s.health.status,
      reason,
      drifted: s.drifted,
      containersOk,
      monitors: s.monitors,
      ok: containersOk && monitorsDown === 0,
    };
  });
  const problems = report.problems.map((p) => p.text);
  const ok = problems.length === 0 && stacks.every((s) => s.ok);
  const release = report.target.ref;
  const running = report.stacks.flatMap((s) => s.services.flatMap((x) => x.containers)).filter((c) => c.state === "running").length;
  const unknown = stacks.filter((s) => s.monitors?.state === "unknown").map((s) => s.name);
  const failing = stacks
    .filter((s) => !s.ok)
    .map((s) => `${s.name}: ${s.reason ?? (s.containersOk ? "a monitor is down" : "a service is not running as the release says")}`);
  const summary = ok
    ? `${release} verified: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} ok, ${running} container${running === 1 ? "" : "s"} running.${unknown.length ? ` Monitors not checked (state unknown): ${unknown.join(", ")}.` : ""}`
    : `${release} has problems: ${[...problems, ...(problems.length ? [] : failing)].slice(0, 3).join(" ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`;
  return { status: 200, body: { ok, release, stacks, problems, counts: report.counts }, summary };
};

const restartStack: Action = async ({ params }) => {
  const stack = stackName(params.stack);
  const lines: string[] = [];
  // Compose must not run beside a deployment: take the deployment lock (409 naming the
  // running deployment when busy), released however the restart ends.
  await withStackLock(stack, () =>
    composeRestart(path.join(config().stacksDir, stack), stack, [], { onLine: (l: string) => lines.push(l), timeoutMs: 120_000 }),
  );
  invalidateContainers();
  invalidateStacksReport();
  return { status: 200, body: { stack, restarted: true, output: lines.slice(-20) }, summary: `Restarted ${stack}.` };
};

export const ACTION_IMPL: Record<ActionName, Action> = {
  tag,
  rollout,
  rollback,
  sync,
  verify,
  "restart-stack": restartStack,
};
