import "server-only";
import { scheduleUpdateChecks } from "./updates";

/** Start-up: the slow image-update check (UPDATE_CHECK_INTERVAL; never on a page view). */
export function startUpdateChecks(): void {
  scheduleUpdateChecks();
}
