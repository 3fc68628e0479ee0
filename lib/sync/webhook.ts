import "server-only";
import type { Caller } from "../access/caller";
import { audit } from "../audit/record";
import { config } from "../config";
import { AppError } from "../errors";
import { classifyGithubEvent } from "./github-event";
import { requestSync } from "./run";
import { verifySignature } from "./signature";

const MAX_BODY = 5 * 1024 * 1024;

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
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_BODY) throw new AppError("bad_request", "The webhook payload is larger than 5 MB.");
  const raw = Buffer.from(await req.arrayBuffer());
  if (raw.length > MAX_BODY) throw new AppError("bad_request", "The webhook payload is larger than 5 MB.");
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
