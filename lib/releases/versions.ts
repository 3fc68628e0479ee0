// Next-version suggestions (pure).
import inc from "semver/functions/inc";
import { compareReleases, isReleaseTag, type ReleaseTag } from "../git/refs";

export interface VersionSuggestions {
  base: ReleaseTag | null;
  patch: ReleaseTag;
  minor: ReleaseTag;
  major: ReleaseTag;
}

/** Suggest the next patch, minor and major version after the newest release (pre-releases count by their base version). */
export function suggestVersions(tags: string[]): VersionSuggestions {
  const rel = tags.filter(isReleaseTag).sort((a, b) => compareReleases(b, a));
  const base = rel[0] ?? null;
  if (!base) return { base: null, patch: "v0.0.1" as ReleaseTag, minor: "v0.1.0" as ReleaseTag, major: "v1.0.0" as ReleaseTag };
  // semver's inc: after v1.2.0-rc.1 the "patch" (and "minor") step is the release itself, v1.2.0;
  // after v2.0.0-rc.1 so is the "major" step.
  const next = (step: "patch" | "minor" | "major") => `v${inc(base, step)!}` as ReleaseTag;
  return { base, patch: next("patch"), minor: next("minor"), major: next("major") };
}

/** Validation as you type (shared by the dialog and the server): null when acceptable. */
export function checkNewVersion(
  tag: string,
  existing: string[],
  opts: { backport?: boolean } = {},
): { code: "bad_request" | "conflict"; message: string } | null {
  if (!isReleaseTag(tag))
    return { code: "bad_request", message: `"${tag.slice(0, 80)}" is not a semantic version: use vMAJOR.MINOR.PATCH such as v1.2.3 or v1.2.3-rc.1.` };
  if (existing.includes(tag)) return { code: "conflict", message: `${tag} already exists.` };
  const newest = existing.filter(isReleaseTag).sort((a, b) => compareReleases(b, a))[0];
  if (newest && compareReleases(tag, newest) <= 0 && !opts.backport)
    return {
      code: "conflict",
      message: `${tag} is not greater than the newest release ${newest}: choose a higher version, or confirm that this is a backport.`,
    };
  return null;
}
