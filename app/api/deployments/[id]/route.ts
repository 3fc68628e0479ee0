// GET /api/deployments/{id} – one deployment: status, steps, verification, linked rollback, log lines
import { z } from "zod";
import { route } from "@/lib/http/route";
import { getDeployment } from "@/lib/deploy";
import { logsOf } from "@/lib/deploy/store";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: z.string().regex(/^d-[0-9a-z-]{6,20}$/, "a deployment id such as d-mabc123-1f2e") });

export const GET = route<{ id: string }>({ access: "viewer" }, async (ctx) => {
  const { id } = paramsSchema.parse(ctx.params);
  const deployment = getDeployment(id);
  const logs = ctx.req.nextUrl.searchParams.get("logs") === "0" ? undefined : logsOf(id);
  return { ...deployment, logs };
});
