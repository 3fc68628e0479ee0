import "server-only";
import { onDeploymentFinished } from "../deploy/events";
import { notifyDeployment } from "../notify/deployments";
import { singleton } from "../singleton";
import { onStartup } from "../startup";
import { registerStatusSection } from "../status";
import { syncAfterDeployment } from "./run";
import { startScheduler, syncStatus } from "./scheduler";

/** Start-up hook: the sync section of /api/status, deployment notifications, the scheduler. */
export function registerSync(): void {
  onStartup("sync", () => {
    registerStatusSection("sync", () => syncStatus());
    singleton("sync.listeners", () =>
      onDeploymentFinished((d) => {
        notifyDeployment(d);
        syncAfterDeployment();
      }),
    );
    startScheduler();
  });
}
