import "server-only";
import { audit } from "../audit/record";
import { AppError, isAppError } from "../errors";
import { logger } from "../logger";
import type { Caller } from "../access/caller";
import { hasRole, ROLES, type Role } from "../access/roles";
import { ACTION_IMPL, type ActionResult } from "./actions";
import { runContext } from "./context";
import { findIntent, intents } from "./load";
import { resolveParams } from "./params";
import { intentView, type Intent, type IntentView } from "./schema";
import { renderTemplate } from "./template";
import type { ParamValue } from "./values";
import type { DeploymentPreview } from "../deploy/preview-types";

/** Roles an intent names are minimums: a caller may run it when their role is listed or ranks above a listed one. */
export function mayRun(intent: Pick<Intent, "roles">, role: Role | null | undefined): boolean {
  return !!role && intent.roles.some((r) => hasRole(role, r));
}

function minRole(intent: Intent): Role {
  return ROLES.find((r) => intent.roles.includes(r)) ?? "admin";
}

/** The intents this caller may run. */
export function intentsFor(caller: Caller): IntentView[] {
  return intents()
    .intents.filter((i) => mayRun(i, caller.role))
    .map(intentView);
}

function requireIntent(name: string, caller: Caller): Intent {
  const intent = findIntent(name);
  if (!intent) throw new AppError("not_found", `There is no intent "${name.slice(0, 40)}"; GET /api/intents lists the ones you may run.`);
  if (!mayRun(intent, caller.role))
    throw new AppError("forbidden", `${intent.title} (${intent.name}) needs the ${minRole(intent)} role; ${caller.name} has ${caller.role ?? "none"}.`);
  return intent;
}

export interface IntentPreview {
  intent: IntentView;
  params: Record<string, ParamValue>;
  current: string | null;
  /**
   * The intent's confirm text with the parameters filled in (null when it has none); for a
   * rollout or rollback followed by the preview's summary ("… 1 service recreated: …; 2 untouched"),
   * or by "(preview unavailable: <why>)".
   */
  confirm: string | null;
  /** The confirm text alone, without the preview (the dialog's title; the dialog shows the preview itself). */
  question: string | null;
  /** What will change, when the action can tell in advance (a rollback's plan). */
  details: string | null;
  /** The rollout preview of a rollout or rollback (null: another action, or the preview failed). */
  deployment: DeploymentPreview | null;
}

/** What the rollout/rollback would do; advisory, so a failure is a message, never an error. */
async function deploymentPreview(action: Intent["action"], to: ParamValue | undefined): Promise<{ preview: DeploymentPreview | null; error: string | null }> {
  if (action !== "rollout" && action !== "rollback") return { preview: null, error: null };
  try {
    // Loaded lazily: the preview pulls in Compose and the stacks' desired state.
    const { previewDeployment } = await import("../deploy/preview");
    const preview = await previewDeployment(action === "rollout" ? { kind: "rollout", to: String(to) } : { kind: "rollback" });
    return { preview, error: null };
  } catch (e) {
    if (!isAppError(e)) logger.warn("rollout preview failed", { err: e as Error });
    const message = isAppError(e) ? e.message : "the preview could not be computed; the server log says why";
    return { preview: null, error: message.replace(/\.$/, "") };
  }
}

/** Resolve the parameters and render the confirm text, running nothing. */
export async function previewIntent(name: string, raw: unknown, caller: Caller): Promise<IntentPreview> {
  const intent = requireIntent(name, caller);
  const ctx = runContext();
  const { shown } = await resolveParams(intent, raw, ctx);
  const current = await ctx.current();
  let details: string | null = null;
  if (intent.action === "rollback" && intent.params.to?.default === "previous") {
    const plan = ctx.rollbackPlan();
    if (plan.available && plan.target?.release === shown.to) details = plan.summary || null;
  }
  const question = intent.confirm
    ? renderTemplate(intent.confirm, { ...shown, current: current ?? "nothing deployed", user: caller.onBehalfOf ?? caller.name, title: intent.title })
    : null;
  const dp = await deploymentPreview(intent.action, shown.to);
  let confirm = question;
  if (question && dp.preview) confirm = `${question} ${dp.preview.summary}`;
  else if (question && dp.error) confirm = `${question} (preview unavailable: ${dp.error})`;
  return { intent: intentView(intent), params: shown, current, confirm, question, details, deployment: dp.preview };
}

export interface RunOutcome extends ActionResult {
  intent: Intent;
  params: Record<string, ParamValue>;
}

/**
 * Run an intent for a caller: check the role, validate the parameters (400 with
 * nothing run), run its built-in action, and audit the run whatever the outcome.
 */
export async function runIntent(name: string, raw: unknown, caller: Caller, via: "api" | "chat" = "api"): Promise<RunOutcome> {
  const target = name.slice(0, 40);
  let shown: Record<string, ParamValue> | undefined;
  try {
    const intent = requireIntent(name, caller);
    const ctx = runContext();
    const resolved = await resolveParams(intent, raw, ctx);
    shown = resolved.shown;
    const result = await ACTION_IMPL[intent.action]({ params: resolved.values, caller, via });
    audit({
      caller,
      action: "intent.run",
      target: intent.name,
      params: { action: intent.action, via, params: shown },
      result: result.summary,
      status: result.status,
      deploymentId: result.deploymentId ?? null,
    });
    return { ...result, intent, params: shown };
  } catch (e) {
    const err = isAppError(e) ? e : null;
    try {
      audit({
        caller,
        action: "intent.run",
        target,
        params: { via, params: shown ?? raw ?? {} },
        result: err ? `refused: ${err.message}` : "failed: internal error",
        status: err?.status ?? 500,
      });
    } catch {
      /* an audit failure must not hide the real error */
    }
    throw e;
  }
}
