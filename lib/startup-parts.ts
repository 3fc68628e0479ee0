import "server-only";
import { registerIntents } from "./intents/startup";

// Each part of the product that needs start-up work imports its registration here,
// so that instrumentation stays one line and the order is visible in one place.
export function registerStartupParts(): void {
  registerIntents();
}
