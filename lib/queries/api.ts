// The one way the browser talks to the API: api<T>(path, init) sends and reads JSON and
// throws an ApiError carrying the server's { error: { code, message } }. Client-safe: no
// server imports. Same-origin requests with the session cookie, as a form on our own pages
// would: the CSRF check (lib/access/csrf.ts) reads the Sec-Fetch-Site / Origin headers the
// browser adds itself, so no token header is needed.
import type { ErrorCode } from "@/lib/errors";

/** The server's codes (lib/errors.ts), or what went wrong before an answer could be read. */
export type ApiErrorCode = ErrorCode | "network" | "bad_response";

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** The HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ApiErrorCode, message: string, status: number, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** True when no answer came at all (network down, server stopped): the action may or may not have run. */
export function isUnreachable(e: unknown): boolean {
  return e instanceof ApiError && e.code === "network";
}

/** The error an answer with this status and (parsed) body stands for. */
export function parseApiError(status: number, body: unknown): ApiError {
  const err = body && typeof body === "object" ? (body as { error?: unknown }).error : undefined;
  if (err && typeof err === "object") {
    const { code, message, details } = err as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof message === "string" && message)
      return new ApiError(typeof code === "string" && code ? (code as ApiErrorCode) : "bad_response", message, status, details);
  }
  return new ApiError("bad_response", `The server answered ${status}.`, status);
}

export interface ApiInit {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  /** Appended as ?k=v (undefined and empty values left out). */
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

/** `path` with `query` appended. */
export function withQuery(path: string, query?: ApiInit["query"]): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

/**
 * Call the API and return its JSON answer. Throws ApiError: the server's code and message
 * for a non-2xx answer, `network` (status 0) when there was no answer, `bad_response` when
 * an answer could not be read. An abort rejects with the AbortError itself (react-query
 * treats it as a cancellation, not a failure).
 */
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(withQuery(path, init.query), {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      signal: init.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    throw new ApiError("network", "The server could not be reached.", 0);
  }
  const text = await res.text().catch(() => null);
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) throw parseApiError(res.status, body);
  if (text === null || (text && body === undefined)) throw new ApiError("bad_response", `The server's answer (${res.status}) could not be read.`, res.status);
  return body as T;
}

/**
 * Shared retry rule for queries: once more when there was no answer or the server failed
 * (5xx), never for a refusal or bad input (4xx) that would only fail again.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 1) return false;
  return !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
}
