// GET /api/deployments – history, newest first; POST /api/deployments – start a rollout or rollback (202 {id,url})
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/http/route";
import { isAppError } from "@/lib/errors";
import { listDeployments, startDeployment } from "@/lib/deploy";
import { deploymentIdSchema, deploymentRequestSchema, stackNameSchema } from "@/lib/domain";

export const dynamic = "force-dynamic";

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: deploymentIdSchema.optional(),
  stack: stackNameSchema.optional(),
});

export const GET = route({ access: "viewer" }, async (ctx) => ({ deployments: listDeployments(ctx.query(listQuerySchema)) }));

export const POST = route({ access: "operator" }, async (ctx) => {
  const body = await ctx.body(deploymentRequestSchema);
  const target = body.kind === "rollout" ? body.to : "previous release";
  try {
    const r = await startDeployment(body, ctx.caller);
    if (body.force) ctx.audit({ action: "deployment.force", target, params: body, result: "accepted", status: 202, deploymentId: r.id });
    ctx.audit({ action: `deployment.${body.kind}`, target: r.deployment.to, params: body, result: "accepted", status: 202, deploymentId: r.id });
    return NextResponse.json({ id: r.id, url: r.url }, { status: 202, headers: { Location: r.url } });
  } catch (e) {
    if (isAppError(e) && e.status !== 401 && e.status !== 403)
      ctx.audit({ action: `deployment.${body.kind}`, target, params: body, result: e.code, status: e.status });
    throw e;
  }
});
