import "server-only";
import { onStartup } from "../startup";
import { scheduleUpdateChecks } from "./updates";

/** Registers the slow image-update check (UPDATE_CHECK_INTERVAL; never on a page view). */
export function registerStacks(): void {
  onStartup("stacks.update-check", () => scheduleUpdateChecks());
}
