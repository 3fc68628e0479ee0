import "server-only";
// The two deployment-engine functions sync needs, in one place (engine: lib/deploy, engineer E).
import { lockHolder } from "../deploy/lock";
import { AppError } from "../errors";
import type { Caller } from "../access/caller";

export function deploying(): boolean {
  return lockHolder() !== null;
}

export async function startRollout(_to: string, _caller: Caller): Promise<{ id: string; url: string }> {
  throw new AppError("dependency_down", "The deployment engine is not available yet.");
}
