import "server-only";
import { onDeploymentFinished } from "../deploy/events";
import { notifyDeployment } from "../notify/deployments";
import { singleton } from "../singleton";
import { syncAfterDeployment } from "./run";
import { startScheduler } from "./scheduler";

/** Deployment notifications and the sync after a deployment (once per process). */
export function wireSync(): void {
  singleton("sync.listeners", () =>
    onDeploymentFinished((d) => {
      notifyDeployment(d);
      syncAfterDeployment();
    }),
  );
}

/** Start-up: wire sync and notifications, then start the schedule. */
export function startSync(): void {
  wireSync();
  startScheduler();
}
