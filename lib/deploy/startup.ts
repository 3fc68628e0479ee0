import "server-only";
import { lockHolder } from "./lock";
import { recoverInterrupted, recoverWorkTree } from "./recover";
import { listHolds } from "./holds";

/**
 * Start-up: mark deployments left running by a dead process `interrupted`, free the lock
 * (not one a live process on the same DATA_DIR holds), and repair a checkout a killed git left.
 */
export async function recoverDeployments(): Promise<void> {
  const ids = recoverInterrupted();
  await recoverWorkTree(ids);
}

/** What /api/status shows under sections.deployments: the running deployment and the held releases. */
export function deploymentsStatus() {
  return { running: lockHolder()?.holder ?? null, holds: listHolds().map((h) => h.release) };
}
