import "server-only";
import type { Caller } from "../access/caller";
import { audit } from "../audit/record";
import { config } from "../config";
import { AppError } from "../errors";
import { classifyGithubEvent } from "./github-event";
import { requestSync } from "./run";
import { verifySignature } from "./signature";

/** The largest webhook body read (GitHub push payloads carry at most 20 commits: far below this). */
export const WEBHOOK_MAX_BODY = 1024 * 1024;
const TOO_LARGE = "The webhook payload is larger than 1 MiB, the most Oresi reads; send push and create events only (not every event).";

/**
 * Read a request body, at most `max` bytes: counted while reading (chunked bodies have no
 * Content-Length), and reading stops (the stream is cancelled) as soon as the cap is passed.
 */
export async function readCappedBody(req: Request, max: number, message: string): Promise<Buffer> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > max) throw new AppError("payload_too_large", message);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("payload_too_large", message);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export interface WebhookAnswer {
  status: 200 | 202;
  body: { accepted: boolean; event: string | null; reason: string; queued?: boolean };
}

/**
 * A GitHub delivery: verify X-Hub-Signature-256 over the raw body (constant time) before
 * anything else, then start a sync for tag pushes, tag creation and pushes to the main branch.
 * A wrong or missing signature is an AppError("unauthorized"): route() answers 401 and audits it.
 */
export async function handleGithubWebhook(req: Request, ip: string): Promise<WebhookAnswer> {
  const secret = config().WEBHOOK_SECRET;
  if (!secret)
    throw new AppError("unauthorized", "Webhooks are off: set WEBHOOK_SECRET on the server and the same secret in the repository's webhook settings.");
  const raw = await readCappedBody(req, WEBHOOK_MAX_BODY, TOO_LARGE);
  if (!verifySignature(raw, req.headers.get("x-hub-signature-256"), secret))
    throw new AppError(
      "unauthorized",
      "The X-Hub-Signature-256 signature is missing or does not match: the webhook's secret must equal WEBHOOK_SECRET, with content type application/json.",
    );

  const event = req.headers.get("x-github-event");
  let payload: unknown;
  try {
    const text = raw.toString("utf8");
    payload = /application\/x-www-form-urlencoded/i.test(req.headers.get("content-type") ?? "")
      ? JSON.parse(new URLSearchParams(text).get("payload") ?? "")
      : JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The webhook payload is not valid JSON.");
  }
  const c = config();
  const decision = classifyGithubEvent(event, payload, { repository: c.WEBHOOK_REPOSITORY, branch: c.GIT_MAIN_BRANCH });
  if (decision.action !== "sync") return { status: 200, body: { accepted: false, event, reason: decision.reason } };

  const caller: Caller = { kind: "webhook", name: "github-webhook", role: null, ip };
  const { queued } = requestSync("webhook");
  audit({
    caller,
    action: "sync.request",
    target: `github ${event}`,
    params: { delivery: req.headers.get("x-github-delivery"), reason: decision.reason },
    result: "accepted",
    status: 202,
  });
  return { status: 202, body: { accepted: true, event, reason: decision.reason, queued } };
}
