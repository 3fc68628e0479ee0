// What a notification says, independent of where it goes.
export const NOTIFY_KINDS = ["deployment.succeeded", "deployment.failed", "deployment.rolled_back", "release.found", "drift.found", "test"] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export interface NotifyEvent {
  kind: NotifyKind;
  /** One short line: "v1.2.0 rolled out and verified". */
  title: string;
  /** One or two sentences a person can act on. */
  message: string;
  /** Absolute link to the page about it (deployment, release), when PUBLIC_URL is known. */
  url?: string;
  release?: string;
  deploymentId?: string;
  at: string;
}

export type TargetType = "webhook" | "discord" | "slack" | "ntfy";

export interface Target {
  type: TargetType;
  /** The full URL, secrets included: never shown, logged or returned. */
  url: string;
  /** The URL with its secret parts masked, safe to show. */
  display: string;
}

export interface DeliveryResult {
  target: TargetType;
  display: string;
  kind: NotifyKind;
  title: string;
  ok: boolean;
  /** HTTP status of the last attempt, when there was an answer. */
  status?: number;
  error?: string;
  attempts: number;
  durationMs: number;
  at: string;
}
