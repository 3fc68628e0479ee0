// The query keys of every client read, in one place, so that every page shares one cache
// entry per resource and an action invalidates by prefix (e.g. queryKeys.deployments.all
// drops every rollout preview). Server-rendered data is refreshed with router.refresh().
export type PreviewTarget = { kind: "rollout"; to: string } | { kind: "rollback" };
export type IntentParams = Record<string, string | boolean>;

export const queryKeys = {
  intents: {
    all: ["intents"] as const,
    /** GET /api/intents: the intents the signed-in person may run. */
    list: () => ["intents", "list"] as const,
    /** GET /api/intents/{name}?…: one intent with its parameters resolved and its confirm text. */
    preview: (name: string, params: IntentParams) => ["intents", "preview", name, params] as const,
  },
  deployments: {
    all: ["deployments"] as const,
    /** GET /api/deployments/preview: what a rollout or rollback would do. */
    preview: (t: PreviewTarget) =>
      t.kind === "rollout" ? (["deployments", "preview", "rollout", t.to] as const) : (["deployments", "preview", "rollback"] as const),
  },
  releases: {
    all: ["releases"] as const,
    /** GET /api/releases/draft: what "Tag release" pre-fills. */
    draft: () => ["releases", "draft"] as const,
  },
  repo: {
    all: ["repo"] as const,
    /** GET /api/repo/clone: the first-run clone's progress. */
    clone: () => ["repo", "clone"] as const,
  },
  sync: {
    all: ["sync"] as const,
    /** GET /api/sync: sync state and notification targets. */
    status: () => ["sync", "status"] as const,
  },
  containers: {
    all: ["containers"] as const,
    /** GET /api/containers/{id}/logs?tail=N: the last lines of one container. */
    logs: (id: string, tail: number) => ["containers", id, "logs", tail] as const,
  },
  stacks: {
    all: ["stacks"] as const,
    /** GET /api/stacks/{name}/services/{svc}/logs?tail=N: the last lines of a Swarm stack's service. */
    serviceLogs: (stack: string, service: string, tail: number) => ["stacks", stack, "services", service, "logs", tail] as const,
  },
};
