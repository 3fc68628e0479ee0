import "server-only";
import { redact } from "../redact";
import { formatRequest } from "./format";
import type { DeliveryResult, NotifyEvent, Target } from "./types";

export interface SendOptions {
  /** Per attempt. */
  timeoutMs?: number;
  /** Pause before the one retry. */
  retryDelayMs?: number;
}

export const SEND_DEFAULTS = { timeoutMs: 5_000, retryDelayMs: 1_000 } as const;

/** Worth a second try: no answer, a timeout, 429 or a 5xx. A 4xx means the target is misconfigured. */
const retryable = (status?: number) => status === undefined || status === 429 || status >= 500;

function describe(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return "no answer in time";
  const code = err?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  return redact(err?.cause?.message ?? err?.message ?? String(e));
}

/** POST one event to one target: a timeout per attempt and one retry. Never throws. */
export async function deliver(target: Target, event: NotifyEvent, opts: SendOptions = {}): Promise<DeliveryResult> {
  const timeoutMs = opts.timeoutMs ?? SEND_DEFAULTS.timeoutMs;
  const retryDelayMs = opts.retryDelayMs ?? SEND_DEFAULTS.retryDelayMs;
  const t0 = performance.now();
  let status: number | undefined;
  let error: string | undefined;
  let attempts = 0;
  let req;
  try {
    req = formatRequest(target.type, target.url, event);
  } catch (e) {
    error = `cannot build the request: ${describe(e)}`;
  }
  while (req && attempts < 2) {
    attempts++;
    status = undefined;
    error = undefined;
    try {
      const res = await fetch(req.url, {
        method: "POST",
        headers: req.headers,
        body: req.body,
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      // Read (and drop) the answer so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) break;
      error = `answered ${res.status}`;
    } catch (e) {
      error = describe(e);
    }
    if (!retryable(status) || attempts >= 2) break;
    await new Promise((r) => setTimeout(r, retryDelayMs));
  }
  return {
    target: target.type,
    display: target.display,
    kind: event.kind,
    title: event.title,
    ok: !error,
    ...(status !== undefined ? { status } : {}),
    ...(error ? { error } : {}),
    attempts,
    durationMs: Math.round(performance.now() - t0),
    at: new Date().toISOString(),
  };
}
