// DELETE /api/deployments/holds/{release} – lift a hold so that sync may roll the release out again (operator, audited)
import { route } from "@/lib/http/route";
import { releaseTag } from "@/lib/domain";
import { liftHold } from "@/lib/deploy";

export const dynamic = "force-dynamic";

export const DELETE = route<{ release: string }>({ access: "operator" }, async (ctx) => {
  const release = releaseTag(ctx.params.release);
  const hold = liftHold(release);
  ctx.audit({ action: "release.hold.lift", target: release, params: { reason: hold.reason, deploymentId: hold.deploymentId }, result: "ok", status: 200 });
  return { lifted: hold };
});
