// Pure: the short, readable messages people receive. Links point at PUBLIC_URL.
import type { HealthStatus, SyncStatus } from "../stacks/types";
import type { NotifyEvent } from "./types";

type Draft = Omit<NotifyEvent, "at">;

export function link(base: string | undefined, path: string): string | undefined {
  return base ? `${base.replace(/\/+$/, "")}${path}` : undefined;
}

/** The fields of a finished deployment a message needs (any deployment record has them). */
export interface FinishedDeployment {
  id: string;
  kind: string;
  status: string;
  from?: string | null;
  to?: string | null;
  error?: string | null;
  actor?: string | null;
  /** Set on an automatic rollback: the deployment it undid. */
  rollbackOf?: string | null;
  auto?: boolean;
}

/** Null for statuses nobody needs to hear about (queued, running…). */
export function deploymentEvent(d: FinishedDeployment, base?: string): Draft | null {
  const url = link(base, `/deployments/${encodeURIComponent(d.id)}`);
  const what = d.kind === "rollback" ? "Rollback" : d.kind === "sync" ? "Automatic rollout" : "Rollout";
  const to = d.to ?? "the target release";
  const who = d.actor ? ` by ${d.actor}` : "";
  const common = { url, release: d.to ?? undefined, deploymentId: d.id };
  // Adopting the work tree on first run deploys nothing.
  if (d.kind === "adopt") return null;
  if (d.status === "succeeded") {
    // A successful automatic rollback is announced once, by the deployment it undid ("rolled_back").
    if (d.kind === "rollback" && (d.auto || d.rollbackOf)) return null;
    return {
      ...common,
      kind: "deployment.succeeded",
      title: `${to} deployed and verified`,
      message: `${what} ${d.from ? `${d.from} → ${to}` : `to ${to}`}${who} succeeded.`,
    };
  }
  if (d.status === "rolled_back")
    return {
      ...common,
      kind: "deployment.rolled_back",
      title: `${to} failed and was rolled back`,
      message: `${what} to ${to}${who} failed${d.error ? `: ${d.error}` : ""}. ${d.from ?? "The previous release"} runs again.`,
    };
  if (d.status === "failed" || d.status === "interrupted")
    return {
      ...common,
      kind: "deployment.failed",
      title: `${what} to ${to} failed`,
      message: `${what}${who} ${d.status === "interrupted" ? "was interrupted" : "failed"}${d.error ? `: ${d.error}` : ""}. Open the deployment for its log.`,
    };
  return null;
}

export function newReleaseEvent(tag: string, deployed: string | null, willRollOut: boolean, base?: string): Draft {
  return {
    kind: "release.found",
    title: `New release ${tag}`,
    message: willRollOut
      ? `${tag} was found on the remote and is being rolled out${deployed ? ` (now ${deployed})` : ""}.`
      : `${tag} was found on the remote${deployed ? `; ${deployed} is deployed` : ""}. Roll it out from the release page.`,
    url: link(base, `/releases/${encodeURIComponent(tag)}`),
    release: tag,
  };
}

/** A stack as a drift message names it: both axes of the status model (README: "Status: sync and health"). */
export interface StackState {
  name: string;
  sync: SyncStatus;
  /** What differs ("config differs: app"). */
  reason: string | null;
  health: HealthStatus;
}

const SYNC_WORD: Record<SyncStatus, string> = { synced: "synced", out_of_sync: "out of sync", unknown: "sync unknown" };

/**
 * "Drift found": the stacks out of sync with the deployed release (sync and health of each), then
 * the first differences in plain sentences (`details`, "web/app: runs … ."), `count` of them in all.
 */
export function driftEvent(stacks: StackState[], details: string[], count: number, release: string, base?: string): Draft {
  const names = stacks.length === 1 ? stacks[0].name : `${stacks.length} stacks`;
  const states = stacks
    .slice(0, 3)
    .map((s) => `${s.name}: ${SYNC_WORD[s.sync]}${s.reason ? ` (${s.reason})` : ""}, health ${s.health}.`)
    .join(" ");
  const more = count > details.length ? ` And ${count - details.length} more.` : "";
  return {
    kind: "drift.found",
    title: `${names} out of sync with ${release}`,
    message: `${states}${stacks.length > 3 ? ` And ${stacks.length - 3} more stacks.` : ""} ${details.join(" ")}${more} What runs differs from the deployed release: roll out again or commit the change.`,
    url: link(base, "/stacks"),
    release,
  };
}
