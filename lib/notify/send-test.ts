import "server-only";
import { config } from "../config";
import { AppError } from "../errors";
import { link } from "./events";
import { notify } from "./queue";
import { notifyTargets } from "./targets";

/** Queue a test message for every configured target; returns their (masked) addresses. */
export function sendTestNotification(by: string): string[] {
  const targets = notifyTargets();
  if (!targets.length)
    throw new AppError(
      "preflight_failed",
      "No notification target is configured: set NOTIFY_WEBHOOK_URL, NOTIFY_DISCORD_URL, NOTIFY_SLACK_URL or NOTIFY_NTFY_URL.",
    );
  const c = config();
  notify({
    kind: "test",
    title: "Test notification from Oresi Releases",
    message: `Sent by ${by} from the settings page. If you can read this, this target works.`,
    url: link(c.PUBLIC_URL ?? c.NEXTAUTH_URL, "/settings"),
  });
  return targets.map((t) => t.display);
}
