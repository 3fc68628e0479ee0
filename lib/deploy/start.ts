import "server-only";
import { deploymentStartSchema } from "../domain";
import type { Caller } from "../access/caller";
import { hasRole } from "../access/roles";
import { config } from "../config";
import { AppError } from "../errors";
import { logger } from "../logger";
import { fetchOrigin } from "../git/remote";
import { dirtyFiles, repoState } from "../git/state";
import { invalidateReleases, resolveRelease } from "../git/tags";
import { assertSignedRelease } from "../git/signature";
import { adoptIfNeeded } from "./adopt";
import { deployedRelease } from "./deployed";
import { newDeploymentId } from "./ids";
import { acquireAndInsert, conflict, lockHolder } from "./lock";
import { planRollback } from "./plan";
import { deploymentTarget } from "./plan-changes";
import { runDeployment } from "./run";
import { historyRows, getDeploymentRow, listDeploymentRows } from "./store";
import type { Deployment, StartInput } from "./types";

/** A rollout, a rollback or a sync (lib/domain.ts: the API's request is the first two). */
export const deploymentBodySchema = deploymentStartSchema;

async function resolveOrFetch(tag: string) {
  try {
    return await resolveRelease(tag);
  } catch (e) {
    if ((e as AppError).code !== "not_found") throw e;
    // Maybe just tagged upstream: one fetch (with its timeout), then look again.
    try {
      await fetchOrigin(AbortSignal.timeout(config().GIT_TIMEOUT));
    } catch (f) {
      throw new AppError("not_found", `There is no release ${tag} here, and fetching from ${config().GIT_REMOTE} failed: ${(f as Error).message}`);
    }
    invalidateReleases();
    return resolveRelease(tag);
  }
}

/**
 * Start a rollout or rollback. The cheap checks run before answering (bad tag 400, unknown
 * release 404, a deployment running 409, live edits 422, force without admin 403: nothing
 * changed); the rest runs in the server process. Returns at once with the id and the page.
 */
export async function startDeployment(input: StartInput, caller: Caller): Promise<{ id: string; url: string; deployment: Deployment }> {
  const body = deploymentBodySchema.parse(input);
  if (body.force && !hasRole(caller.role, "admin")) throw new AppError("forbidden", "Only an admin may force a deployment past live edits.");
  const held = lockHolder();
  if (held) throw conflict(held.holder);

  await adoptIfNeeded();
  const deployed = deployedRelease();
  const { to, exactFrom } = deploymentTarget(body);
  const toSha = await resolveOrFetch(to);
  // RELEASE_SIGNERS: an unsigned or wrongly signed tag is refused here, before anything changes.
  await assertSignedRelease(to, toSha);

  const dirty = await dirtyFiles();
  if (dirty.length && !body.force)
    throw new AppError(
      "preflight_failed",
      `The work tree has uncommitted changes (live edits): ${dirty.slice(0, 10).join(", ")}${dirty.length > 10 ? `, and ${dirty.length - 10} more` : ""}. Commit or discard them, or ask an admin to force.`,
      { dirtyFiles: dirty },
    );

  const id = newDeploymentId();
  acquireAndInsert({
    id,
    kind: body.kind,
    status: "queued",
    from: deployed?.tag ?? (await repoState()).headRelease ?? null,
    to,
    toSha,
    actor: {
      name: caller.onBehalfOf ? `${caller.name} (for ${caller.onBehalfOf})` : caller.name,
      kind: caller.kind,
      via: caller.kind === "key" ? "api" : caller.kind === "system" ? "schedule" : "web",
    },
    force: !!body.force,
  });
  // The work goes on in this process; its record is in the database from here on.
  setImmediate(() => {
    runDeployment(id, { exactFrom }).catch((e) => logger.error("deployment runner crashed", { id, err: e as Error }));
  });
  return { id, url: `/deployments/${id}`, deployment: getDeploymentRow(id)! };
}

export function getDeployment(id: string): Deployment {
  const d = getDeploymentRow(id);
  if (!d) throw new AppError("not_found", `There is no deployment ${id}.`);
  return d;
}

export function listDeployments(opts: { limit?: number; before?: string; stack?: string } = {}): Deployment[] {
  return listDeploymentRows(opts);
}

export function isDeploying(): boolean {
  return !!lockHolder();
}

/** The rollback the Overview's button offers, from the history (what the dialog shows). */
export function rollbackPlan() {
  return planRollback(historyRows());
}
