import "server-only";
import type { DependencyStatus } from "../domain";
import { cachedKuma, KumaError, kumaConfigured, type Endpoint } from "./client";
import { KUMA_CACHE_MS } from "./cache";
import { buildMonitors, incidentsOf } from "./model";
import { countStates, type EndpointError, type KumaSource, type KumaStatus } from "./types";

function reasonOf(endpoint: Endpoint, e: unknown): EndpointError {
  return { endpoint, reason: e instanceof KumaError ? e.message : `Reading Uptime Kuma failed: ${(e as Error)?.message ?? String(e)}` };
}

/**
 * What Uptime Kuma says, read both ways when both are configured (status page + heartbeats,
 * and /metrics). Never throws: a Kuma that is down, slow or answers garbage gives
 * state "degraded" and a reason. Shared by all viewers for `maxAgeMs`.
 */
export async function kumaStatus(maxAgeMs = KUMA_CACHE_MS): Promise<KumaStatus> {
  const conf = kumaConfigured();
  const fetchedAt = new Date().toISOString();
  const source = { statusPage: conf.statusPage, metrics: conf.metrics, answered: [] as KumaSource[] };
  if (!conf.statusPage && !conf.metrics) {
    return {
      state: "unconfigured",
      reason: "Uptime Kuma is not configured: set KUMA_URL with KUMA_STATUS_PAGE (a status page slug) and/or KUMA_API_KEY (for /metrics).",
      source,
      fetchedAt,
      monitors: [],
      counts: countStates([]),
      incidents: [],
      errors: [],
    };
  }
  const none = Promise.resolve(null);
  const [page, beats, metrics] = await Promise.allSettled([
    conf.statusPage ? cachedKuma.statusPage(maxAgeMs) : none,
    conf.statusPage ? cachedKuma.heartbeats(maxAgeMs) : none,
    conf.metrics ? cachedKuma.metrics(maxAgeMs) : none,
  ]);
  const errors: EndpointError[] = [];
  if (page.status === "rejected") errors.push(reasonOf("status-page", page.reason));
  if (beats.status === "rejected") errors.push(reasonOf("heartbeat", beats.reason));
  if (metrics.status === "rejected") errors.push(reasonOf("metrics", metrics.reason));
  const pageV = page.status === "fulfilled" ? page.value : null;
  const beatsV = beats.status === "fulfilled" ? beats.value : null;
  const metricsV = metrics.status === "fulfilled" ? metrics.value : null;
  if (pageV) source.answered.push("status-page");
  if (metricsV) source.answered.push("metrics");
  const monitors = buildMonitors({ page: pageV, heartbeats: beatsV, metrics: metricsV });
  const ways = [conf.statusPage ? "the status page" : null, conf.metrics ? "/metrics" : null].filter(Boolean).join(" and ");
  const reason = errors.length
    ? [...new Set(errors.map((e) => e.reason))].join(" ")
    : `${monitors.length} monitor${monitors.length === 1 ? "" : "s"} read from ${ways}.`;
  return {
    state: errors.length ? "degraded" : "ok",
    reason,
    source,
    fetchedAt,
    monitors,
    counts: countStates(monitors),
    incidents: incidentsOf(pageV),
    errors,
  };
}

/**
 * A richer Kuma line for /api/status than the default probe. Every page's layout waits for
 * /api/status, so a slow Kuma is reported after `deadlineMs` while its answer keeps coming
 * into the shared cache in the background.
 */
export async function kumaDependency(deadlineMs = 1500): Promise<DependencyStatus> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const s = await Promise.race([
    kumaStatus(),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), deadlineMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const latencyMs = Math.round(performance.now() - t0);
  if (!s)
    return {
      name: "kuma",
      status: "degraded",
      reason: `Uptime Kuma has not answered within ${deadlineMs} ms (still waiting, up to KUMA_TIMEOUT).`,
      latencyMs,
      hint: "Kuma is slow; its status appears when it answers.",
    };
  if (s.state === "unconfigured")
    return { name: "kuma", status: "unconfigured", reason: s.reason, latencyMs, hint: "Set KUMA_URL and KUMA_STATUS_PAGE or KUMA_API_KEY to see monitors." };
  if (s.state === "ok") {
    const c = s.counts;
    return {
      name: "kuma",
      status: "ok",
      reason: `${c.up} up, ${c.down} down, ${c.pending} pending, ${c.maintenance} maintenance (${s.source.answered.join(" + ")})`,
      latencyMs,
    };
  }
  return {
    name: "kuma",
    status: s.source.answered.length ? "degraded" : "down",
    reason: s.reason,
    latencyMs,
    hint: "Monitors show as unknown until Uptime Kuma answers; deployments verify containers only or wait.",
  };
}
