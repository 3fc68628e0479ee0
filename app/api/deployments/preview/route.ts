// GET /api/deployments/preview?kind=rollout&to=vX.Y.Z (or ?kind=rollback) – what the deployment would do, per service; changes nothing
import { route } from "@/lib/http/route";
import { previewDeployment, previewQuerySchema } from "@/lib/deploy/preview";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async (ctx) => previewDeployment(ctx.query(previewQuerySchema)));
