import "server-only";
import { onStartup } from "../startup";
import { ensureFirstRunAdmin } from "./first-run";
import { authSecret } from "./secret";

/** At start-up: the session secret exists, and on a first run the admin password is in the log. */
export function registerAccess(): void {
  onStartup("access", async () => {
    authSecret();
    await ensureFirstRunAdmin();
  });
}
