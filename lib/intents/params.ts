import "server-only";
import fs from "node:fs";
import path from "node:path";
import { config } from "../config";
import { AppError } from "../errors";
import { COMPOSE_FILES } from "../git/read";
import type { RunContext } from "./context";
import { ACTION_PARAMS, type Intent, type IntentParam } from "./schema";
import { checkFormat, isSymbolicDefault, type ParamValue } from "./values";
import { suggestVersion } from "./versions";

export interface ResolvedParams {
  /** Values handed to the action. A symbolic default that the action resolves itself (rollback → previous) stays out. */
  values: Record<string, ParamValue>;
  /** Values for the confirm text and the audit trail (symbolic defaults resolved for display). */
  shown: Record<string, ParamValue>;
}

function bad(msg: string, details?: unknown): never {
  throw new AppError("bad_request", msg, details);
}

/** A stack is a top-level folder of the stacks work tree holding a compose file. */
function stackExists(name: string): boolean {
  const dir = path.join(config().stacksDir, name);
  return COMPOSE_FILES.some((f) => fs.existsSync(path.join(dir, f)));
}

async function resolveSymbolic(name: string, p: IntentParam, ctx: RunContext): Promise<{ value: ParamValue; passOn: boolean }> {
  const d = p.default as string;
  switch (d) {
    case "previous": {
      const plan = ctx.rollbackPlan();
      if (!plan.available || !plan.target) throw new AppError("conflict", `Nothing to roll back to: ${plan.reason ?? "no history"}`);
      // The deployment engine plans the rollback itself; the shown value comes from the same plan.
      return { value: plan.target.release, passOn: false };
    }
    case "current": {
      const c = await ctx.current();
      if (!c) throw new AppError("preflight_failed", "Nothing is deployed yet, so there is no current release.");
      return { value: c, passOn: true };
    }
    case "latest": {
      const l = await ctx.latest();
      if (!l) throw new AppError("preflight_failed", "The stacks repository has no release tags yet: tag one first.");
      return { value: l, passOn: true };
    }
    case "next-patch":
    case "next-minor":
    case "next-major":
      return { value: await suggestVersion(d), passOn: true };
  }
  throw new AppError("internal", `unknown default ${d} for ${name}`);
}

/**
 * Check raw parameters against an intent: no unknown names, each value of the right
 * type and format, releases and stacks that exist, defaults filled in. Throws 400 with
 * every problem; nothing has run at that point.
 */
export async function resolveParams(intent: Intent, raw: unknown, ctx: RunContext): Promise<ResolvedParams> {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) bad('params must be an object such as {"to": "v1.2.3"}.');
  const given = (raw ?? {}) as Record<string, unknown>;
  const names = Object.keys(intent.params);
  const unknown = Object.keys(given).filter((k) => !names.includes(k));
  if (unknown.length)
    bad(`${intent.name} takes ${names.length ? `only ${names.join(", ")}` : "no parameters"}; unknown: ${unknown.map((u) => u.slice(0, 40)).join(", ")}.`);
  const values: Record<string, ParamValue> = {};
  const shown: Record<string, ParamValue> = {};
  const problems: string[] = [];
  for (const [name, p] of Object.entries(intent.params)) {
    const v = given[name];
    if (v === undefined || v === null || v === "") {
      if (p.default === undefined) {
        if (p.required || ACTION_PARAMS[intent.action][name]?.required) problems.push(`${name} is required (${p.type})`);
        continue;
      }
      if (isSymbolicDefault(p)) {
        const r = await resolveSymbolic(name, p, ctx);
        shown[name] = r.value;
        if (r.passOn) values[name] = r.value;
        continue;
      }
      const r = checkFormat(name, p, p.default);
      if (!r.ok) problems.push(r.reason);
      else values[name] = shown[name] = r.value;
      continue;
    }
    const r = checkFormat(name, p, v);
    if (!r.ok) problems.push(r.reason);
    else values[name] = shown[name] = r.value;
  }
  if (problems.length) bad(problems.join("; ") + ".", { problems });
  // Existence, after the formats are known to be safe.
  for (const [name, p] of Object.entries(intent.params)) {
    const v = values[name];
    if (typeof v !== "string") continue;
    if (p.type === "release") {
      let list = await ctx.releases();
      if (!list.byTag.has(v)) list = await ctx.releasesAfterFetch();
      if (!list.byTag.has(v))
        problems.push(
          `${name}: there is no release ${v} (releases: ${
            list.releases
              .slice(0, 5)
              .map((r) => r.tag)
              .join(", ") || "none"
          })`,
        );
    } else if (p.type === "stack" && !stackExists(v)) {
      problems.push(`${name}: there is no stack ${v} in the stacks repository`);
    }
  }
  if (problems.length) bad(problems.join("; ") + ".", { problems });
  return { values, shown };
}
