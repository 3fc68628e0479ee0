import { isReleaseTag, isStackName, RELEASE_TAG_RE } from "../domain";
import { RELEASE_DEFAULTS, VERSION_DEFAULTS, type IntentParam } from "./schema";

// Format checks for parameter values, by type. Existence (a release tag that is
// really there, a stack that is really in the repo) is checked in params.ts.

export type ParamValue = string | boolean;

const TRUE = ["true", "yes", "on", "1"];
const FALSE = ["false", "no", "off", "0"];

/** Accept "2.3.0" for "v2.3.0" (people type it both ways in chat). */
export function normalizeRelease(v: string): string {
  return /^\d/.test(v) && RELEASE_TAG_RE.test(`v${v}`) ? `v${v}` : v;
}

/**
 * Check one raw value's format against a parameter. Returns the normalized value,
 * or a reason a person can act on.
 */
export function checkFormat(name: string, p: IntentParam, raw: unknown): { ok: true; value: ParamValue } | { ok: false; reason: string } {
  if (p.type === "boolean") {
    if (typeof raw === "boolean") return { ok: true, value: raw };
    if (typeof raw === "string" && TRUE.includes(raw.toLowerCase())) return { ok: true, value: true };
    if (typeof raw === "string" && FALSE.includes(raw.toLowerCase())) return { ok: true, value: false };
    return { ok: false, reason: `${name} must be true or false` };
  }
  if (typeof raw !== "string") return { ok: false, reason: `${name} must be a string` };
  const shown = JSON.stringify(raw.slice(0, 60));
  if (raw.length > 128) return { ok: false, reason: `${name} is too long` };
  switch (p.type) {
    case "release": {
      const v = normalizeRelease(raw);
      if (!isReleaseTag(v)) return { ok: false, reason: `${name}: ${shown} is not a release tag (use a version such as v1.2.3)` };
      if (p.values && !p.values.includes(v)) return { ok: false, reason: `${name}: ${v} is not one of ${p.values.join(", ")}` };
      return { ok: true, value: v };
    }
    case "version": {
      const v = normalizeRelease(raw);
      if (!isReleaseTag(v)) return { ok: false, reason: `${name}: ${shown} is not a version (use vMAJOR.MINOR.PATCH such as v1.2.3)` };
      return { ok: true, value: v };
    }
    case "stack": {
      if (!isStackName(raw)) return { ok: false, reason: `${name}: ${shown} is not a stack name (lowercase letters, digits, - and _)` };
      if (p.values && !p.values.includes(raw)) return { ok: false, reason: `${name}: ${raw} is not one of ${p.values.join(", ")}` };
      return { ok: true, value: raw };
    }
    case "enum": {
      const v = p.values!.find((x) => typeof x === "string" && x.toLowerCase() === raw.toLowerCase());
      if (v === undefined) return { ok: false, reason: `${name}: ${shown} is not one of ${p.values!.join(", ")}` };
      return { ok: true, value: v as string };
    }
  }
}

/** Whether a default names a symbol resolved at run time (previous, latest, next-patch…). */
export function isSymbolicDefault(p: IntentParam): boolean {
  if (typeof p.default !== "string") return false;
  if (p.type === "release") return (RELEASE_DEFAULTS as readonly string[]).includes(p.default);
  if (p.type === "version") return (VERSION_DEFAULTS as readonly string[]).includes(p.default);
  return false;
}
