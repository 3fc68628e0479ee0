// Pure: turn an event into the request each kind of target expects.
import { redact } from "../redact";
import type { NotifyEvent, TargetType } from "./types";

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const COLOR: Record<NotifyEvent["kind"], number> = {
  "deployment.succeeded": 0x059669,
  "deployment.failed": 0xdc2626,
  "deployment.rolled_back": 0xd97706,
  "release.found": 0x2563eb,
  "drift.found": 0xd97706,
  test: 0x64748b,
};

const ICON: Record<NotifyEvent["kind"], string> = {
  "deployment.succeeded": "✅",
  "deployment.failed": "❌",
  "deployment.rolled_back": "↩️",
  "release.found": "🆕",
  "drift.found": "⚠️",
  test: "🔔",
};

const NTFY_TAGS: Record<NotifyEvent["kind"], string[]> = {
  "deployment.succeeded": ["white_check_mark"],
  "deployment.failed": ["x"],
  "deployment.rolled_back": ["leftwards_arrow_with_hook"],
  "release.found": ["new"],
  "drift.found": ["warning"],
  test: ["bell"],
};

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

/** Slack mrkdwn needs &, < and > escaped; links are <url|text>. */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Credentials in a target URL become a Basic Authorization header (fetch refuses them in the URL). */
export function splitCredentials(raw: string): { url: string; authorization?: string } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw };
  const auth = "Basic " + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64");
  u.username = "";
  u.password = "";
  return { url: u.toString(), authorization: auth };
}

export function formatRequest(type: TargetType, targetUrl: string, event: NotifyEvent): OutgoingRequest {
  // A failure message can quote Compose output: no secret leaves in a notification.
  const e: NotifyEvent = { ...event, title: redact(event.title), message: redact(event.message) };
  const { url, authorization } = splitCredentials(targetUrl);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "oresi-releases" };
  if (authorization) headers.authorization = authorization;
  const link = e.url ? `\n${e.url}` : "";
  switch (type) {
    case "discord":
      return {
        url,
        headers,
        body: JSON.stringify({
          username: "Oresi Releases",
          content: clip(`${ICON[e.kind]} **${e.title}**\n${e.message}${link}`, 2000),
          allowed_mentions: { parse: [] },
        }),
      };
    case "slack":
      return {
        url,
        headers,
        body: JSON.stringify({
          text: clip(`${ICON[e.kind]} *${slackEscape(e.title)}*\n${slackEscape(e.message)}${e.url ? `\n<${e.url}|Open in Oresi Releases>` : ""}`, 3000),
        }),
      };
    case "ntfy": {
      // JSON publishing (POST to the server root with the topic in the body) keeps
      // non-ASCII titles intact, which HTTP headers would not.
      const u = new URL(url);
      const parts = u.pathname.split("/").filter(Boolean);
      const topic = parts.pop() ?? "";
      u.pathname = "/" + parts.join("/");
      u.search = "";
      return {
        url: u.toString(),
        headers,
        body: JSON.stringify({
          topic,
          title: clip(e.title, 200),
          message: clip(e.message, 1000),
          tags: NTFY_TAGS[e.kind],
          priority: e.kind === "deployment.failed" || e.kind === "deployment.rolled_back" ? 4 : 3,
          ...(e.url ? { click: e.url, actions: [{ action: "view", label: "Open", url: e.url }] } : {}),
        }),
      };
    }
    case "webhook":
      return {
        url,
        headers,
        body: JSON.stringify({
          source: "oresi-releases",
          event: e.kind,
          title: e.title,
          message: e.message,
          url: e.url ?? null,
          release: e.release ?? null,
          deploymentId: e.deploymentId ?? null,
          at: e.at,
          color: `#${COLOR[e.kind].toString(16).padStart(6, "0")}`,
        }),
      };
  }
}
