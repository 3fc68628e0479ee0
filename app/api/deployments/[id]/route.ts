// GET /api/deployments/{id} – one deployment: status, steps, verification, linked rollback, log lines
import { z } from "zod";
import { route } from "@/lib/http/route";
import { getDeployment } from "@/lib/deploy";
import { deploymentIdSchema } from "@/lib/domain";
import { logsOf } from "@/lib/deploy/store";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: deploymentIdSchema });

export const GET = route<{ id: string }>({ access: "viewer" }, async (ctx) => {
  const { id } = paramsSchema.parse(ctx.params);
  const deployment = getDeployment(id);
  const logs = ctx.req.nextUrl.searchParams.get("logs") === "0" ? undefined : logsOf(id);
  return { ...deployment, logs };
});
