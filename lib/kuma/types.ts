// Shapes of Uptime Kuma status as Oresi sees it. Pure types and tiny helpers:
// shared by lib/kuma, the route handler and the pages.

/** Kuma's numeric states 0/1/2/3, plus "unknown" when Kuma gave none or could not be read. */
export type MonitorState = "up" | "down" | "pending" | "maintenance" | "unknown";

export const KUMA_STATES: Record<number, MonitorState> = { 0: "down", 1: "up", 2: "pending", 3: "maintenance" };

export function stateOf(code: number | null | undefined): MonitorState {
  return (code !== null && code !== undefined && KUMA_STATES[code]) || "unknown";
}

/** Worst first: a stack is as bad as its worst monitor. */
export const STATE_RANK: Record<MonitorState, number> = { down: 0, unknown: 1, pending: 2, maintenance: 3, up: 4 };

export function worstState(states: MonitorState[]): MonitorState | null {
  if (!states.length) return null;
  return states.reduce((a, b) => (STATE_RANK[b] < STATE_RANK[a] ? b : a));
}

export interface Beat {
  state: MonitorState;
  /** ISO 8601 (UTC). */
  time: string;
  msg: string;
  pingMs: number | null;
}

export type KumaSource = "status-page" | "metrics";

export interface Monitor {
  id: number;
  name: string;
  type: string | null;
  /** The status page group it is shown in. */
  group: string | null;
  state: MonitorState;
  /** On the status page but missing from /metrics: Kuma removes paused monitors there. */
  paused: boolean;
  /** Time of the last heartbeat (ISO), from the status page. */
  lastHeartbeat: string | null;
  message: string | null;
  responseTimeMs: number | null;
  /** 0..1 over 24 hours. */
  uptime24h: number | null;
  /** Recent heartbeats, oldest first (at most 50). */
  beats: Beat[];
  sources: KumaSource[];
}

export interface Counts {
  up: number;
  down: number;
  pending: number;
  maintenance: number;
  unknown: number;
  total: number;
}

export interface Incident {
  title: string;
  content: string;
  style: string;
  createdAt: string | null;
}

export type KumaState = "ok" | "degraded" | "unconfigured";

export interface EndpointError {
  endpoint: "status-page" | "heartbeat" | "metrics";
  reason: string;
}

export interface KumaStatus {
  state: KumaState;
  /** One sentence: what was read, or what is wrong and what to do. */
  reason: string;
  /** The ways configured (status page, /metrics), and which answered. */
  source: { statusPage: boolean; metrics: boolean; answered: KumaSource[] };
  fetchedAt: string;
  monitors: Monitor[];
  counts: Counts;
  incidents: Incident[];
  errors: EndpointError[];
}

export interface StackMonitor {
  /** The monitor name as the stack names it (x-oresi) or as Kuma names it (name match). */
  name: string;
  monitorId: number | null;
  via: "x-oresi" | "name";
  state: MonitorState;
}

export interface StackMonitors {
  stack: string;
  /** Worst of its monitors; null when it has none. */
  state: MonitorState | null;
  monitors: StackMonitor[];
  /** Names listed in x-oresi.kuma that Kuma does not know. */
  missing: string[];
  /** A compose file whose x-oresi could not be read. */
  error?: string;
}

export interface KumaOverview extends KumaStatus {
  stacks: StackMonitors[];
  /** Monitors that no stack names and no stack name matches. */
  unassigned: number[];
  mapping: { commit: string | null; ref: string | null; error?: string };
}

export function countStates(monitors: { state: MonitorState }[]): Counts {
  const c: Counts = { up: 0, down: 0, pending: 0, maintenance: 0, unknown: 0, total: monitors.length };
  for (const m of monitors) c[m.state]++;
  return c;
}

/** Red first, then unknown, pending, maintenance, up; by name within a state. */
export function sortWorstFirst<T extends { state: MonitorState; name: string }>(monitors: T[]): T[] {
  return [...monitors].sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || a.name.localeCompare(b.name));
}
