// Pure: decide what a GitHub webhook delivery means for us.
export type EventDecision = { action: "sync"; reason: string } | { action: "ignore"; reason: string } | { action: "pong"; reason: string };

export interface EventFilter {
  /** owner/name; when set, deliveries for other repositories are ignored. */
  repository?: string;
  /** GIT_MAIN_BRANCH: pushes to other branches are ignored. */
  branch: string;
}

interface Payload {
  ref?: unknown;
  ref_type?: unknown;
  deleted?: unknown;
  repository?: { full_name?: unknown } | null;
  zen?: unknown;
}

export function classifyGithubEvent(event: string | null, payload: unknown, filter: EventFilter): EventDecision {
  const p = (payload && typeof payload === "object" ? payload : {}) as Payload;
  const repo = typeof p.repository?.full_name === "string" ? p.repository.full_name : null;
  if (filter.repository && repo && repo.toLowerCase() !== filter.repository.toLowerCase())
    return { action: "ignore", reason: `event for ${repo}, not ${filter.repository}` };
  if (filter.repository && !repo && event !== "ping") return { action: "ignore", reason: "event names no repository" };
  switch (event) {
    case "ping":
      return { action: "pong", reason: "webhook is set up" };
    case "push": {
      const ref = typeof p.ref === "string" ? p.ref : "";
      if (ref.startsWith("refs/tags/")) return { action: "sync", reason: `tag ${ref.slice(10)} ${p.deleted === true ? "deleted" : "pushed"}` };
      if (ref === `refs/heads/${filter.branch}`) return { action: "sync", reason: `push to ${filter.branch}` };
      return { action: "ignore", reason: `push to ${ref.replace(/^refs\/heads\//, "") || "an unknown ref"}, not ${filter.branch}` };
    }
    case "create":
      if (p.ref_type === "tag") return { action: "sync", reason: `tag ${String(p.ref)} created` };
      return { action: "ignore", reason: `created a ${String(p.ref_type ?? "ref")}, not a tag` };
    default:
      return { action: "ignore", reason: `${event ?? "unnamed"} events are not used` };
  }
}
