// The rollout preview: what a rollout or rollback will do to each service, computed before
// anything changes (GET /api/deployments/preview). Shared by the server, the API and the UI.

export type PreviewAction = "recreated" | "created" | "removed" | "untouched";

export interface PreviewService {
  service: string;
  action: PreviewAction;
  /** Why it is recreated: "image", "environment", "volumes", … (empty when untouched). */
  reasons: string[];
  /** Image reference running now (null: none runs) and at the target (null: removed). */
  from: string | null;
  to: string | null;
}

export interface PreviewStack {
  stack: string;
  /** What the release does to the stack folder; "unchanged" stacks are not touched at all. */
  change: "added" | "removed" | "changed" | "unchanged";
  services: PreviewService[];
  /** Compose refused the stack's files at the target: pre-flight will fail. */
  error?: string;
  /** With several hosts: the host these services are on (a stack that moves has two entries, one per host). */
  host?: string;
  /** The entry of a stack leaving this host: it moves to `movedTo` (x-oresi.host changed), and its containers here are removed. */
  movedTo?: string;
}

export interface DeploymentPreview {
  kind: "rollout" | "rollback";
  from: string | null;
  to: string;
  toSha: string;
  stacks: PreviewStack[];
  counts: Record<PreviewAction, number>;
  /** One sentence: "2 services recreated: media/jellyfin 10.8 → 10.9, proxy/caddy (environment); 3 untouched". */
  summary: string;
}

/** After the up step: whether what happened matched the preview. */
export interface PreviewOutcome {
  matched: boolean;
  /** "web/app: previewed untouched, was recreated". */
  mismatches: string[];
}
