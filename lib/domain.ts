// The product's shared vocabulary: the names, patterns and request shapes used by the
// adapters, the engine, the routes and the client alike. Pure: no server imports here (the
// client bundles this module). Every tag, stack name and commit is checked by these before
// it reaches git or Compose; branded types can only be made by these validators.
import { z } from "zod";
import compare from "semver/functions/compare";
import prerelease from "semver/functions/prerelease";
import valid from "semver/functions/valid";
import { AppError } from "./errors";

declare const brand: unique symbol;
export type Brand<T, B> = T & { readonly [brand]: B };

/** A release: a repo-wide tag that is a semantic version with a leading v. */
export type ReleaseTag = Brand<string, "ReleaseTag">;
/** A stack: a top-level folder of the stacks repo = its Compose project name. */
export type StackName = Brand<string, "StackName">;
export type Sha = Brand<string, "Sha">;

const ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
/** vMAJOR.MINOR.PATCH[-pre][+build] (semver 2.0 with a leading v). */
export const RELEASE_TAG_RE = new RegExp(
  `^v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);
/** A Compose project name as Dockge uses it: lowercase letters, digits, - and _. */
export const STACK_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** A commit the user names: a full or abbreviated SHA (7–64 hex digits) or a release tag. */
export const COMMITISH_RE = /^(?:[0-9a-f]{7,64})$/;

/** Our strict pattern is the gate; semver must also read it (it refuses numbers past 2^53). */
export function isReleaseTag(v: unknown): v is ReleaseTag {
  return typeof v === "string" && v.length <= 128 && RELEASE_TAG_RE.test(v) && valid(v) !== null;
}

export function releaseTag(v: unknown): ReleaseTag {
  if (!isReleaseTag(v))
    throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a release tag: use a semantic version such as v1.2.3 or v1.2.3-rc.1.`);
  return v;
}

export function isStackName(v: unknown): v is StackName {
  return typeof v === "string" && STACK_NAME_RE.test(v);
}

export function stackName(v: unknown): StackName {
  if (!isStackName(v))
    throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a stack name: lowercase letters, digits, - and _ (like a Compose project name).`);
  return v;
}

export function sha(v: unknown): Sha {
  if (typeof v !== "string" || !SHA_RE.test(v)) throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a full commit SHA.`);
  return v as Sha;
}

export function commitish(v: unknown): string {
  if (typeof v === "string" && (COMMITISH_RE.test(v) || isReleaseTag(v))) return v;
  throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a commit: give a SHA (7 to 40 hex digits) or a release tag such as v1.2.3.`);
}

/** Semver precedence (build metadata ignored), by the semver package. Negative when a < b. */
export function compareReleases(a: ReleaseTag, b: ReleaseTag): number {
  return compare(a, b);
}

export function isPrerelease(tag: ReleaseTag): boolean {
  return prerelease(tag) !== null;
}

/** A deployment id as the engine makes it: d-<base36 ms>-<4 hex>. */
export const DEPLOYMENT_ID_RE = /^d-[0-9a-z]{6,12}-[0-9a-f]{4}$/;
/** What the API takes where a deployment id goes: d- and the id's alphabet (an unknown id is a 404, not a 400). */
export const DEPLOYMENT_ID_PARAM_RE = /^d-[0-9a-z-]{6,20}$/;

// zod shapes of the same words, for route handlers (query, params, body).
export const stackNameSchema = z.string().regex(STACK_NAME_RE, "a stack name (lowercase letters, digits, - and _, like a Compose project name)");
export const deploymentIdSchema = z.string().regex(DEPLOYMENT_ID_PARAM_RE, "a deployment id such as d-mabc123-1f2e");
/** A release tag or commit as a client sends it (checked strictly by releaseTag() or commitish() where it is used). */
export const refInputSchema = z.string().min(1).max(128);

const rolloutBody = z.object({ kind: z.literal("rollout"), to: refInputSchema, force: z.boolean().optional() }).strict();
const syncBody = z.object({ kind: z.literal("sync"), to: refInputSchema, force: z.boolean().optional() }).strict();
const rollbackBody = z.object({ kind: z.literal("rollback"), force: z.boolean().optional() }).strict();

/** POST /api/deployments: `{"kind":"rollout","to":"v1.2.0"}` or `{"kind":"rollback"}` (`force` for an admin past live edits). */
export const deploymentRequestSchema = z.discriminatedUnion("kind", [rolloutBody, rollbackBody]);
export type DeploymentRequest = z.infer<typeof deploymentRequestSchema>;
/** What the engine starts: a request, or a sync the scheduler asks for. */
export const deploymentStartSchema = z.discriminatedUnion("kind", [rolloutBody, syncBody, rollbackBody]);

/** The health of one dependency in /api/status. */
export type Health = "ok" | "degraded" | "down" | "unconfigured";

/** One line of /api/status's dependencies. */
export interface DependencyStatus {
  name: "stacks" | "docker" | "kuma" | "database";
  status: Health;
  reason: string;
  latencyMs: number;
  /** What a person should do about it, when something is wrong. */
  hint?: string;
}
