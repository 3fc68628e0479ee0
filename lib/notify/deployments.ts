import "server-only";
import { config } from "../config";
import type { Deployment } from "../deploy/types";
import { deploymentEvent } from "./events";
import { notify } from "./queue";

/** Announce a finished deployment (success, failure, automatic rollback). Returns at once. */
export function notifyDeployment(d: Deployment): void {
  const c = config();
  const ev = deploymentEvent(
    {
      id: d.id,
      kind: d.kind,
      status: d.status,
      from: d.from,
      to: d.to,
      error: d.error,
      actor: d.actor?.name ?? null,
      rollbackOf: d.rollbackOf,
      auto: d.auto,
    },
    c.PUBLIC_URL ?? c.NEXTAUTH_URL,
  );
  if (ev) notify(ev);
}
