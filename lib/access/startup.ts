import "server-only";
import { audit } from "../audit/record";
import { pruneAudit } from "../audit/retention";
import { logger } from "../logger";
import { singleton } from "../singleton";
import { ensureFirstRunAdmin } from "./first-run";
import { takeRefusals } from "./refusals";
import { authSecret } from "./secret";

/** Move the page requests refused by proxy.ts into the audit trail. */
export function drainRefusals(): number {
  const list = takeRefusals();
  for (const r of list) {
    try {
      audit({
        caller: { kind: "anonymous", name: "anonymous", role: null, ip: r.ip },
        action: "request.refused",
        target: `${r.method} ${r.path}`,
        params: { reason: r.reason, at: r.at },
        result: "forbidden",
        status: r.status,
      });
    } catch (e) {
      logger.error("auditing a refused request failed", { err: e as Error });
    }
  }
  return list.length;
}

/** At start-up: the session secret exists, on a first run the admin password is in the log; refusals drain, old audit events leave. */
export async function startAccess(): Promise<void> {
  authSecret();
  await ensureFirstRunAdmin();
  singleton("access.refusal-drain", () => setInterval(drainRefusals, 1000).unref());
  // audit retention (AUDIT_RETENTION_DAYS): now, then once a day
  const prune = () => {
    try {
      pruneAudit();
    } catch (e) {
      logger.error("audit retention failed", { err: e as Error });
    }
  };
  singleton("audit.retention", () => {
    prune();
    return setInterval(prune, 86_400_000).unref();
  });
}
