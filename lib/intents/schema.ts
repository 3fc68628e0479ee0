import { z } from "zod";
import { ROLES, type Role } from "../access/roles";

// The format of one intent file (intents/*.yaml). An intent only names one of the
// built-in actions and constrains its parameters and roles: there is no field that
// could run a command, a script or anything but the action's own function.

export const ACTIONS = ["tag", "rollout", "rollback", "sync", "verify", "restart-stack"] as const;
export type ActionName = (typeof ACTIONS)[number];

export const PARAM_TYPES = ["release", "stack", "version", "enum", "boolean"] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** Symbolic defaults a parameter may name instead of a literal value. */
export const RELEASE_DEFAULTS = ["previous", "latest", "current"] as const;
export const VERSION_DEFAULTS = ["next-patch", "next-minor", "next-major"] as const;

const NAME_RE = /^[a-z][a-z0-9-]{0,39}$/;
const PARAM_NAME_RE = /^[a-z][a-zA-Z0-9_]{0,31}$/;
const safeText = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .regex(/^[^\u0000-\u0008\u000b-\u001f\u007f]*$/, "control characters are not allowed");

const scalar = z.union([z.string(), z.boolean()]);

export const paramSchema = z
  .object({
    type: z.enum(PARAM_TYPES, { message: `type must be one of ${PARAM_TYPES.join(", ")}` }),
    description: safeText(200).optional(),
    /** Allowed values (enum: required; release/stack: an allowlist). */
    values: z.array(scalar).min(1).max(100).optional(),
    default: scalar.optional(),
    required: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.type === "enum" && !p.values) ctx.addIssue({ code: "custom", path: ["values"], message: "an enum parameter needs a list of values" });
    if (p.type === "boolean" && p.values) ctx.addIssue({ code: "custom", path: ["values"], message: "a boolean parameter takes no values list" });
    if (p.type === "boolean" && p.default !== undefined && typeof p.default !== "boolean")
      ctx.addIssue({ code: "custom", path: ["default"], message: "a boolean default is true or false" });
    if (p.type !== "boolean" && typeof p.default === "boolean")
      ctx.addIssue({ code: "custom", path: ["default"], message: `a ${p.type} default is not true/false` });
    if (p.type !== "boolean" && p.values?.some((v) => typeof v !== "string")) ctx.addIssue({ code: "custom", path: ["values"], message: "values are strings" });
    if (p.type === "enum" && typeof p.default === "string" && !p.values?.includes(p.default))
      ctx.addIssue({ code: "custom", path: ["default"], message: `default ${p.default} is not one of the values` });
  });

export const intentSchema = z
  .object({
    name: z.string().regex(NAME_RE, "name: lowercase letters, digits and -, starting with a letter (max 40)"),
    title: safeText(60).min(1),
    description: safeText(300).optional(),
    action: z.enum(ACTIONS, { message: `action must be one of the built-in actions: ${ACTIONS.join(", ")}` }),
    params: z.record(z.string().regex(PARAM_NAME_RE, "parameter names are letters, digits and _"), paramSchema).default({}),
    roles: z
      .array(z.string())
      .min(1, "list at least one role")
      .superRefine((roles, ctx) => {
        roles.forEach((r, i) => {
          if (!(ROLES as readonly string[]).includes(r))
            ctx.addIssue({ code: "custom", path: [i], message: `role "${r}" does not exist (roles: ${ROLES.join(", ")})` });
        });
      })
      .transform((r) => r as Role[]),
    confirm: safeText(300).optional(),
    chat: z.array(safeText(120).min(1)).max(20).default([]),
  })
  .strict();

export type IntentFile = z.infer<typeof intentSchema>;
export type IntentParam = z.infer<typeof paramSchema>;

export interface Intent extends IntentFile {
  /** The file it came from (basename). */
  file: string;
}

/** Parameters each built-in action accepts, with the type each must have. */
export const ACTION_PARAMS: Record<ActionName, Record<string, { type: ParamType; required?: boolean }>> = {
  tag: { version: { type: "version", required: true }, changelog: { type: "boolean" }, backport: { type: "boolean" } },
  rollout: { to: { type: "release", required: true }, force: { type: "boolean" } },
  rollback: { to: { type: "release" } },
  sync: {},
  verify: {},
  "restart-stack": { stack: { type: "stack", required: true } },
};

/** Placeholders available to confirm templates besides the parameters. */
export const TEMPLATE_VARS = ["current", "user", "title"] as const;

/** Intent as the API shows it (no file system details besides the file name). */
export interface IntentView {
  name: string;
  title: string;
  description?: string;
  action: ActionName;
  params: Record<string, IntentParam>;
  roles: Role[];
  confirm?: string;
  chat: string[];
}

export function intentView(i: Intent): IntentView {
  return { name: i.name, title: i.title, description: i.description, action: i.action, params: i.params, roles: i.roles, confirm: i.confirm, chat: i.chat };
}
