import "server-only";
import { AppError } from "../errors";
import { deployedRelease } from "../deploy/deployed";
import { repoState, resolveCommit } from "../git/state";
import { listReleases } from "../git/tags";
import type { ReleaseTag, Sha } from "../git/refs";

export interface Deployed {
  tag: ReleaseTag | null;
  sha: Sha;
  /** "deployment" when recorded by a deployment, "head" when inferred from the work tree. */
  source: "deployment" | "head";
}

/** The deployed release: the last successful deployment's, else the release HEAD is at, else HEAD. */
export async function currentDeployed(): Promise<Deployed | null> {
  const d = deployedRelease();
  if (d) {
    const list = await listReleases();
    const r = list.byTag.get(d.tag);
    if (r) return { tag: d.tag, sha: r.sha, source: "deployment" };
    if (d.sha) return { tag: d.tag, sha: d.sha, source: "deployment" };
  }
  const s = await repoState();
  if (!s.head) return null;
  return { tag: s.headRelease, sha: s.head, source: "head" };
}

export interface ResolvedRef {
  ref: string;
  tag: ReleaseTag | null;
  sha: Sha;
}

/** A release tag, a SHA, or "deployed" → its commit. */
export async function resolveRef(ref: string): Promise<ResolvedRef> {
  if (ref === "deployed") {
    const d = await currentDeployed();
    if (!d) throw new AppError("not_found", "Nothing is deployed yet, and the work tree has no commit.");
    return { ref, tag: d.tag, sha: d.sha };
  }
  const sha = await resolveCommit(ref);
  const tag = (await listReleases()).byTag.has(ref) ? (ref as ReleaseTag) : null;
  return { ref, tag, sha };
}
