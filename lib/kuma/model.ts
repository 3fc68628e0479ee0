// From Kuma payloads to Oresi's monitor model. Pure functions: tested on the recorded responses.
import type { ParsedMetrics } from "./prometheus";
import type { HeartbeatPayload, StatusPagePayload } from "./schemas";
import { kumaTime } from "./time";
import { stateOf, type Beat, type Incident, type KumaSource, type Monitor, type MonitorState } from "./types";

export const MAX_BEATS = 50;

export interface MetricsMonitor {
  id: number;
  name: string;
  type: string | null;
  state: MonitorState;
  responseTimeMs: number | null;
  uptime24h: number | null;
}

/** Kuma writes unset labels as the string "null". */
function label(v: string | undefined): string | null {
  return v === undefined || v === "null" || v === "" ? null : v;
}

/** One entry per monitor that /metrics reports (paused monitors are absent there). */
export function monitorsFromMetrics(parsed: ParsedMetrics): MetricsMonitor[] {
  const byId = new Map<number, MetricsMonitor>();
  for (const s of parsed.samples) {
    if (!s.name.startsWith("monitor_")) continue;
    const id = Number(label(s.labels.monitor_id));
    const name = label(s.labels.monitor_name);
    if (!Number.isInteger(id) || name === null) continue;
    let m = byId.get(id);
    if (!m) {
      m = { id, name, type: label(s.labels.monitor_type), state: "unknown", responseTimeMs: null, uptime24h: null };
      byId.set(id, m);
    }
    if (!Number.isFinite(s.value)) continue;
    if (s.name === "monitor_status") m.state = stateOf(s.value);
    else if (s.name === "monitor_response_time") m.responseTimeMs = s.value < 0 ? null : s.value;
    else if (s.name === "monitor_uptime_ratio" && s.labels.window === "1d") m.uptime24h = s.value;
  }
  return [...byId.values()].filter((m) => m.state !== "unknown" || m.responseTimeMs !== null || m.uptime24h !== null);
}

function beatsOf(list: HeartbeatPayload["heartbeatList"][string] | undefined): Beat[] {
  const out: Beat[] = [];
  for (const b of list ?? []) {
    const time = kumaTime(b.time);
    if (!time) continue;
    out.push({ state: stateOf(b.status), time, msg: b.msg ?? "", pingMs: b.ping ?? null });
  }
  // Kuma sends oldest first; sort anyway, so that "last" is the newest whatever the version.
  out.sort((a, b) => a.time.localeCompare(b.time));
  return out.slice(-MAX_BEATS);
}

export interface ModelInput {
  page?: StatusPagePayload | null;
  heartbeats?: HeartbeatPayload | null;
  metrics?: MetricsMonitor[] | null;
}

/**
 * Merge what each way answered. The status page gives names, groups and heartbeats (cached by
 * Kuma up to a minute); /metrics gives the current state of every monitor (not cached), so its
 * state wins where both know a monitor.
 */
export function buildMonitors({ page, heartbeats, metrics }: ModelInput): Monitor[] {
  const byId = new Map<number, Monitor>();
  for (const g of page?.publicGroupList ?? []) {
    for (const pm of g.monitorList) {
      if (byId.has(pm.id)) continue;
      const beats = beatsOf(heartbeats?.heartbeatList[String(pm.id)]);
      const last = beats.at(-1);
      const sources: KumaSource[] = ["status-page"];
      byId.set(pm.id, {
        id: pm.id,
        name: pm.name,
        type: pm.type ?? null,
        group: g.name ?? null,
        state: last?.state ?? "unknown",
        paused: false,
        lastHeartbeat: last?.time ?? null,
        message: last?.msg || null,
        responseTimeMs: last?.pingMs ?? null,
        uptime24h: heartbeats?.uptimeList[`${pm.id}_24`] ?? null,
        beats,
        sources,
      });
    }
  }
  if (metrics) {
    const seen = new Set<number>();
    for (const mm of metrics) {
      seen.add(mm.id);
      const m = byId.get(mm.id);
      if (m) {
        m.state = mm.state;
        m.responseTimeMs = mm.responseTimeMs;
        if (mm.uptime24h !== null) m.uptime24h = mm.uptime24h;
        m.sources.push("metrics");
      } else {
        byId.set(mm.id, {
          id: mm.id,
          name: mm.name,
          type: mm.type,
          group: null,
          state: mm.state,
          paused: false,
          lastHeartbeat: null,
          message: null,
          responseTimeMs: mm.responseTimeMs,
          uptime24h: mm.uptime24h,
          beats: [],
          sources: ["metrics"],
        });
      }
    }
    // /metrics lists every active monitor; one that is only on the status page is paused.
    for (const m of byId.values()) {
      if (!seen.has(m.id)) {
        m.paused = true;
        m.state = "unknown";
        m.message = "Paused in Uptime Kuma (not in /metrics)";
      }
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Incidents of either shape: `incidents[]` (Kuma ≥ 2.1) or one `incident` (≤ 2.0). */
export function incidentsOf(page: StatusPagePayload | null | undefined): Incident[] {
  if (!page) return [];
  const list = page.incidents ?? (page.incident ? [page.incident] : []);
  return list.map((i) => ({
    title: i.title ?? "Incident",
    content: i.content ?? "",
    style: i.style ?? "warning",
    createdAt: kumaTime(i.createdDate),
  }));
}
