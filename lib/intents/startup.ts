import "server-only";
import { intents } from "./load";

/** What /api/status shows under sections.intents: the folder, the loaded intents and each bad file. */
export function intentsStatus() {
  const s = intents();
  return {
    dir: s.dir,
    loaded: s.intents.map((i) => i.name),
    errors: s.errors,
    status: s.errors.length ? "degraded" : s.intents.length ? "ok" : "empty",
    loadedAt: s.loadedAt,
  };
}

/** Start-up: validate the folder; bad files are logged with file and line. */
export function loadIntents(): void {
  intents();
}
