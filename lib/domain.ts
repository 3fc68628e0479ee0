// The product's shared vocabulary: pure names, patterns and shapes used by the server, the
// routes and the client alike. No server imports here (the client bundles this module).

/** The health of one dependency in /api/status. */
export type Health = "ok" | "degraded" | "down" | "unconfigured";

/** One line of /api/status's dependencies. */
export interface DependencyStatus {
  name: "stacks" | "docker" | "kuma" | "database";
  status: Health;
  reason: string;
  latencyMs: number;
  /** What a person should do about it, when something is wrong. */
  hint?: string;
}
