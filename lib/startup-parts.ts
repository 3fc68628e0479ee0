import "server-only";
import { registerAccess } from "./access/startup";
import { registerDeploy } from "./deploy/startup";
import { registerIntents } from "./intents/startup";
import { registerKumaStatusCheck } from "./kuma/status";
import { registerSync } from "./sync/startup";
import { registerStacks } from "./stacks/startup";

// Each part of the product that needs start-up work imports its registration here,
// so that instrumentation stays one line and the order is visible in one place.
export function registerStartupParts(): void {
  registerDeploy(); // first: recover interrupted deployments before anything schedules one
  registerAccess(); // session secret; first-run admin password printed once
  registerIntents();
  registerKumaStatusCheck(); // the richer Kuma line of /api/status
  registerSync();
  registerStacks(); // image update checks on a slow schedule
}
