import "server-only";
import { AppError } from "../errors";
import { listContainers } from "../docker/containers";
import { desiredStacks } from "./desired";
import { invalidateStacksReport } from "./report";
import { checkRemoteDigests, type RemoteCheck } from "./updates";

/** Ask the registries about one stack's images now (on demand; never on a page view). */
export async function checkStackUpdates(name: string): Promise<{ stack: string; checks: RemoteCheck[] }> {
  const { stacks, target } = await desiredStacks();
  const d = stacks.find((s) => s.stack === name);
  if (!d) throw new AppError("not_found", `There is no stack ${name} in ${target.ref}.`);
  const refs = d.services.map((s) => s.image ?? "").filter(Boolean);
  for (const c of await listContainers(d.host)) if (c.project === name && !c.image.startsWith("sha256:")) refs.push(c.image);
  const checks = await checkRemoteDigests(refs);
  invalidateStacksReport();
  return { stack: name, checks };
}
