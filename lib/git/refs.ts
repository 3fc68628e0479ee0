import compare from "semver/functions/compare";
import prerelease from "semver/functions/prerelease";
import valid from "semver/functions/valid";
import { AppError } from "../errors";

// Every ref, stack name and path is validated here before it reaches git or Compose.
// Branded types can only be made by these validators.
declare const brand: unique symbol;
type Brand<T, B> = T & { readonly [brand]: B };

export type ReleaseTag = Brand<string, "ReleaseTag">;
export type StackName = Brand<string, "StackName">;
export type Sha = Brand<string, "Sha">;
export type RepoPath = Brand<string, "RepoPath">;

const ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
/** vMAJOR.MINOR.PATCH[-pre][+build] (semver 2.0 with a leading v). */
export const RELEASE_TAG_RE = new RegExp(
  `^v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);
/** A Compose project name as Dockge uses it: lowercase letters, digits, - and _. */
export const STACK_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** A relative path inside the repo: no .., no leading / or -, no control characters. */
const PATH_SEGMENT_RE = /^(?!\.\.?$)[A-Za-z0-9._@+=, -]{1,255}$/;

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

export function repoPath(v: unknown): RepoPath {
  if (typeof v !== "string" || v.length > 1024 || v.startsWith("-") || v.startsWith("/"))
    throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a path inside the repository.`);
  const parts = v.split("/");
  if (!parts.every((p) => PATH_SEGMENT_RE.test(p))) throw new AppError("bad_request", `"${v.slice(0, 80)}" is not a path inside the repository.`);
  return v as RepoPath;
}

/** Semver precedence (build metadata ignored), by the semver package. Negative when a < b. */
export function compareReleases(a: ReleaseTag, b: ReleaseTag): number {
  return compare(a, b);
}

export function isPrerelease(tag: ReleaseTag): boolean {
  return prerelease(tag) !== null;
}

/** A commit the user names: a full or abbreviated SHA (7–64 hex digits) or a release tag. */
export const COMMITISH_RE = /^(?:[0-9a-f]{7,64})$/;

export function commitish(v: unknown): string {
  if (typeof v === "string" && (COMMITISH_RE.test(v) || isReleaseTag(v))) return v;
  throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a commit: give a SHA (7 to 40 hex digits) or a release tag such as v1.2.3.`);
}
