import "server-only";
import { config } from "../config";
import { redact } from "../redact";
import { cached, KUMA_CACHE_MS } from "./cache";
import { monitorsFromMetrics, type MetricsMonitor } from "./model";
import { parsePrometheus } from "./prometheus";
import { heartbeatSchema, SLUG_RE, statusPageSchema, type HeartbeatPayload, type StatusPagePayload } from "./schemas";
import type { EndpointError } from "./types";

// The only HTTP Oresi speaks to Uptime Kuma: three fixed GET paths, a timeout on every request
// (KUMA_TIMEOUT, body included), no redirects followed, and errors a person can act on.

export type Endpoint = EndpointError["endpoint"];

export type KumaErrorKind = "unconfigured" | "unreachable" | "timeout" | "aborted" | "http" | "unauthorized" | "not_found" | "html" | "malformed";

export class KumaError extends Error {
  constructor(
    readonly kind: KumaErrorKind,
    readonly endpoint: Endpoint,
    message: string,
  ) {
    super(message);
    this.name = "KumaError";
  }
}

const MAX_BODY = 8 * 1024 * 1024;

export function kumaConfigured(): { statusPage: boolean; metrics: boolean } {
  const c = config();
  return { statusPage: !!(c.KUMA_URL && c.KUMA_STATUS_PAGE), metrics: !!(c.KUMA_URL && c.KUMA_API_KEY) };
}

function pathOf(endpoint: Endpoint): string {
  if (endpoint === "metrics") return "/metrics";
  const slug = config().KUMA_STATUS_PAGE;
  if (!slug || !SLUG_RE.test(slug)) throw new KumaError("unconfigured", endpoint, "KUMA_STATUS_PAGE is not set to a status page slug.");
  const s = encodeURIComponent(slug);
  return endpoint === "status-page" ? `/api/status-page/${s}` : `/api/status-page/heartbeat/${s}`;
}

function base(): string {
  const u = config().KUMA_URL;
  if (!u) throw new KumaError("unconfigured", "status-page", "KUMA_URL is not set.");
  return u;
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (e as { code?: string })?.code;
  if (code === "ECONNREFUSED") return "refused the connection (is it running, and is KUMA_URL right?)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "has a host name that does not resolve (check KUMA_URL)";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "closed the connection before answering";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "is not reachable on the network";
  return `could not be reached (${redact(cause?.message ?? (e as Error)?.message ?? String(e))})`;
}

/** fetch, retried once when a kept-alive socket turns out to be closed (Kuma restarted meanwhile). */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const code = (e as { cause?: { code?: string } })?.cause?.code;
    if (init.signal?.aborted || (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET")) throw e;
    return fetch(url, init);
  }
}

/** GET one fixed Kuma path; returns the body text of a 2xx answer, or throws a KumaError. */
async function get(endpoint: Endpoint, signal?: AbortSignal): Promise<{ text: string; contentType: string }> {
  const c = config();
  const url = base() + pathOf(endpoint);
  const shown = `GET ${redact(url)}`;
  const headers: Record<string, string> = { accept: endpoint === "metrics" ? "text/plain" : "application/json" };
  if (endpoint === "metrics") {
    if (!c.KUMA_API_KEY) throw new KumaError("unconfigured", endpoint, "KUMA_API_KEY is not set.");
    // Kuma takes an API key as the password of HTTP basic auth, with an empty user name.
    headers.authorization = "Basic " + Buffer.from(":" + c.KUMA_API_KEY).toString("base64");
  }
  const timeout = AbortSignal.timeout(c.KUMA_TIMEOUT);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const fail = (e: unknown): never => {
    if (e instanceof KumaError) throw e;
    if (signal?.aborted) throw new KumaError("aborted", endpoint, `${shown} was cancelled.`);
    if (timeout.aborted) throw new KumaError("timeout", endpoint, `Uptime Kuma did not answer ${shown} within ${c.KUMA_TIMEOUT} ms (KUMA_TIMEOUT).`);
    throw new KumaError("unreachable", endpoint, `Uptime Kuma at ${redact(c.KUMA_URL!)} ${networkReason(e)}.`);
  };
  try {
    const res = await fetchOnce(url, { headers, signal: combined, redirect: "manual", cache: "no-store" });
    const contentType = res.headers.get("content-type") ?? "";
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new KumaError("http", endpoint, `Uptime Kuma redirected ${shown} (${res.status}); set KUMA_URL to Kuma's own address.`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new KumaError("unauthorized", endpoint, `Uptime Kuma refused ${shown} (${res.status}): check KUMA_API_KEY (Kuma: Settings → API Keys).`);
    }
    if (res.status === 404 && endpoint !== "metrics") {
      await res.body?.cancel();
      throw new KumaError(
        "not_found",
        endpoint,
        `Uptime Kuma has no status page "${c.KUMA_STATUS_PAGE}" (404): check KUMA_STATUS_PAGE and that the page is published.`,
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new KumaError("http", endpoint, `Uptime Kuma answered ${res.status} to ${shown}.`);
    }
    if (Number(res.headers.get("content-length") ?? 0) > MAX_BODY) {
      await res.body?.cancel();
      throw new KumaError("malformed", endpoint, `Uptime Kuma's answer to ${shown} is larger than ${MAX_BODY} bytes.`);
    }
    const text = await res.text();
    if (/text\/html/i.test(contentType) || /^\s*</.test(text))
      throw new KumaError("html", endpoint, `Uptime Kuma answered HTML to ${shown}: is KUMA_URL Kuma's base URL (not a proxy or login page)?`);
    return { text, contentType };
  } catch (e) {
    return fail(e);
  }
}

function shapeError(endpoint: Endpoint, what: string, issue?: { path: PropertyKey[]; message: string }): KumaError {
  const where = issue ? `: ${issue.path.map(String).join(".") || "(root)"} ${issue.message}` : "";
  return new KumaError("malformed", endpoint, `Uptime Kuma answered ${what}${where}.`);
}

async function getJson(endpoint: "status-page" | "heartbeat", signal?: AbortSignal): Promise<unknown> {
  const { text } = await get(endpoint, signal);
  try {
    return JSON.parse(text);
  } catch {
    throw shapeError(endpoint, `malformed JSON to GET ${pathOf(endpoint)}`);
  }
}

export async function fetchStatusPage(signal?: AbortSignal): Promise<StatusPagePayload> {
  const r = statusPageSchema.safeParse(await getJson("status-page", signal));
  if (!r.success) throw shapeError("status-page", `an unexpected status page shape`, r.error.issues[0]);
  return r.data;
}

export async function fetchHeartbeats(signal?: AbortSignal): Promise<HeartbeatPayload> {
  const r = heartbeatSchema.safeParse(await getJson("heartbeat", signal));
  if (!r.success) throw shapeError("heartbeat", `an unexpected heartbeat shape`, r.error.issues[0]);
  return r.data;
}

export async function fetchMetrics(signal?: AbortSignal): Promise<MetricsMonitor[]> {
  const { text } = await get("metrics", signal);
  const parsed = parsePrometheus(text);
  const monitors = monitorsFromMetrics(parsed);
  if (!parsed.samples.length || (!monitors.length && parsed.badLines > 0))
    throw new KumaError("malformed", "metrics", `Uptime Kuma's /metrics answer is not in the Prometheus text format (${parsed.badLines} unreadable lines).`);
  return monitors;
}

function key(endpoint: Endpoint): string {
  const c = config();
  return `${endpoint}|${c.KUMA_URL}|${endpoint === "metrics" ? "" : c.KUMA_STATUS_PAGE}`;
}

/** The same three reads, shared by every caller for `maxAgeMs` (in-flight requests are coalesced). */
export const cachedKuma = {
  statusPage: (maxAgeMs = KUMA_CACHE_MS) => cached(key("status-page"), maxAgeMs, () => fetchStatusPage()),
  heartbeats: (maxAgeMs = KUMA_CACHE_MS) => cached(key("heartbeat"), maxAgeMs, () => fetchHeartbeats()),
  metrics: (maxAgeMs = KUMA_CACHE_MS) => cached(key("metrics"), maxAgeMs, () => fetchMetrics()),
};
