import "server-only";
import { onDeploymentFinished } from "../deploy/events";
import { notifyDeployment } from "../notify/deployments";
import { singleton } from "../singleton";
import { onStartup } from "../startup";
import { registerStatusSection } from "../status";
import { syncAfterDeployment } from "./run";
import { startScheduler, syncStatus } from "./scheduler";

/** The sync section of /api/status, and deployment notifications (once per process). */
export function wireSync(): void {
  registerStatusSection("sync", () => syncStatus());
  singleton("sync.listeners", () =>
    onDeploymentFinished((d) => {
      notifyDeployment(d);
      syncAfterDeployment();
    }),
  );
}

/** Start-up hook: wire sync and notifications, then start the schedule. */
export function registerSync(): void {
  onStartup("sync", () => {
    wireSync();
    startScheduler();
  });
}
