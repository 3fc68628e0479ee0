// Pure: which release a sync announces or rolls out.
import { compareReleases, isReleaseTag, type ReleaseTag } from "../git/refs";

export interface Candidate {
  tag: string;
  prerelease: boolean;
}

export interface SyncDecision {
  /** The newest release above the deployed one that the policy may act on. */
  newest: string | null;
  /** Roll it out now (policy rollout, not held). */
  rollout: boolean;
  reason: string;
}

export function decideSync(
  releases: readonly Candidate[],
  deployed: string | null,
  opts: { policy: "notify" | "rollout"; prereleases: boolean; heldReason: (tag: string) => string | null },
): SyncDecision {
  const eligible = releases
    .filter((r) => isReleaseTag(r.tag) && (opts.prereleases || !r.prerelease))
    .sort((a, b) => compareReleases(b.tag as ReleaseTag, a.tag as ReleaseTag));
  const top = eligible[0];
  if (!top) return { newest: null, rollout: false, reason: "no releases on the remote yet" };
  if (!deployed || !isReleaseTag(deployed))
    return {
      newest: top.tag,
      rollout: false,
      reason: `no deployed release is recorded yet: roll out ${top.tag} once by hand, then sync takes over`,
    };
  if (compareReleases(top.tag as ReleaseTag, deployed as ReleaseTag) <= 0) return { newest: null, rollout: false, reason: `${deployed} is the newest release` };
  if (opts.policy === "notify") return { newest: top.tag, rollout: false, reason: `${deployed} is deployed; roll it out when you are ready` };
  const held = opts.heldReason(top.tag);
  if (held) return { newest: top.tag, rollout: false, reason: `${top.tag} is on hold (${held}); waiting for a newer release` };
  return { newest: top.tag, rollout: true, reason: `rolling out ${top.tag} (deployed ${deployed})` };
}
