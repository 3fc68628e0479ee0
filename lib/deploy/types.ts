// Shapes of a deployment as stored in SQLite and returned by the API.
// Pure types: shared by lib/deploy, the route handlers and the pages.
import type { DeploymentPreview, PreviewOutcome } from "./preview-types";

export const DEPLOYMENT_KINDS = ["rollout", "rollback", "sync", "adopt"] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

export const DEPLOYMENT_STATUSES = ["queued", "running", "verifying", "succeeded", "failed", "rolled_back", "interrupted"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ["queued", "running", "verifying"];

/** The steps of a rollout, in order (a rollback runs the same ones). */
export const STEP_NAMES = ["fetch", "resolve", "live-edits", "plan", "preflight", "switch", "up", "verify"] as const;
export type StepName = (typeof STEP_NAMES)[number];
export const STEP_LABELS: Record<StepName, string> = {
  fetch: "Fetch",
  resolve: "Resolve",
  "live-edits": "Live edits",
  plan: "Plan",
  preflight: "Pre-flight",
  switch: "Switch",
  up: "Up",
  verify: "Verify",
};

export type StepStatus = "pending" | "running" | "ok" | "failed" | "skipped";
export interface Step {
  name: StepName;
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  detail?: string;
}

/** One image that ran verified: what the compose file said, and what it resolved to. */
export interface ServiceImage {
  stack: string;
  service: string;
  /** The image reference in the compose file (e.g. registry/web:stable). */
  image: string;
  /** The local image ID (sha256:…). */
  imageId: string | null;
  /** The repo digest (name@sha256:…) when the image came from a registry. */
  digest: string | null;
}

export interface StackChange {
  stack: string;
  change: "added" | "removed" | "changed";
  /** The Docker host it runs on (set by the pre-flight; absent in records from before several hosts). */
  host?: string;
  /** The host it ran on before, when the release moves it (x-oresi.host changed): taken down there once `host` is verified. */
  movedFrom?: string;
}

export interface VerificationRow {
  stack: string;
  /** A service name, a Kuma monitor name, or "logs". */
  subject: string;
  signal: "container" | "kuma" | "logs";
  required: string;
  seen: string;
  ok: boolean;
  /** Counted but not required (e.g. error lines when x-oresi.verify.logs is off). */
  informational?: boolean;
}

export interface Verification {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  timeoutMs: number;
  rows: VerificationRow[];
  summary: string;
}

export interface Actor {
  name: string;
  kind: string;
  via?: string | null;
}

export interface Deployment {
  id: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  from: string | null;
  to: string | null;
  toSha: string | null;
  stacks: StackChange[];
  actor: Actor;
  force: boolean;
  /** Started by the engine itself (automatic rollback). */
  auto: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  steps: Step[];
  verification: Verification | null;
  services: ServiceImage[] | null;
  rollbackOf: string | null;
  rolledBackBy: string | null;
  /** What the preview said would happen (computed at the plan step) and, after `up`, whether it did. */
  preview: DeploymentPreviewRecord | null;
  url: string;
}

export type DeploymentPreviewRecord = DeploymentPreview & { outcome?: PreviewOutcome };

export interface LogLine {
  id: number;
  ts: string;
  step: string | null;
  stream: "info" | "stdout" | "stderr" | "warn" | "error";
  line: string;
}

/** What the live page receives over server-sent events. */
export type DeploymentEvent = { type: "log"; deploymentId: string; log: LogLine } | { type: "deployment"; deploymentId: string; deployment: Deployment };

export interface StartInput {
  kind: "rollout" | "rollback" | "sync";
  to?: string;
  force?: boolean;
}
