import "server-only";
import { config } from "../config";
import { maskUrl } from "./mask";
import type { Target, TargetType } from "./types";

const VARS: Record<TargetType, "NOTIFY_WEBHOOK_URL" | "NOTIFY_DISCORD_URL" | "NOTIFY_SLACK_URL" | "NOTIFY_NTFY_URL"> = {
  webhook: "NOTIFY_WEBHOOK_URL",
  discord: "NOTIFY_DISCORD_URL",
  slack: "NOTIFY_SLACK_URL",
  ntfy: "NOTIFY_NTFY_URL",
};

/** The notification targets configured by NOTIFY_*_URL. */
export function notifyTargets(): Target[] {
  const c = config();
  const out: Target[] = [];
  for (const [type, v] of Object.entries(VARS) as [TargetType, (typeof VARS)[TargetType]][]) {
    const url = c[v];
    if (url) out.push({ type, url, display: maskUrl(url) });
  }
  return out;
}
