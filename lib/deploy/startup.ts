import "server-only";
import { onStartup } from "../startup";
import { registerStatusSection } from "../status";
import { lockHolder } from "./lock";
import { recoverInterrupted } from "./recover";
import { listHolds } from "./holds";

/** Start-up: mark deployments left running by a dead process `interrupted` and free the lock. */
export function registerDeploy(): void {
  onStartup("deploy.recover", () => {
    recoverInterrupted();
  });
  registerStatusSection("deployments", () => ({ running: lockHolder()?.holder ?? null, holds: listHolds().map((h) => h.release) }));
}
