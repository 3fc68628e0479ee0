import "server-only";
import { onStartup } from "../startup";
import { registerStatusSection } from "../status";
import { lockHolder } from "./lock";
import { recoverInterrupted, recoverWorkTree } from "./recover";
import { listHolds } from "./holds";

/**
 * Start-up: mark deployments left running by a dead process `interrupted`, free the lock
 * (not one a live process on the same DATA_DIR holds), and repair a checkout a killed git left.
 */
export function registerDeploy(): void {
  onStartup("deploy.recover", async () => {
    const ids = recoverInterrupted();
    await recoverWorkTree(ids);
  });
  registerStatusSection("deployments", () => ({ running: lockHolder()?.holder ?? null, holds: listHolds().map((h) => h.release) }));
}
