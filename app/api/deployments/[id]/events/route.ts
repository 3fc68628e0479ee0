// GET /api/deployments/{id}/events – server-sent events: replay from the database, then live steps, lines and status
import { z } from "zod";
import { route } from "@/lib/http/route";
import { getDeployment } from "@/lib/deploy";
import { deploymentIdSchema } from "@/lib/domain";
import { deploymentEvents } from "@/lib/deploy/sse";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: deploymentIdSchema });

export const GET = route<{ id: string }>({ access: "viewer" }, async (ctx) => {
  const { id } = paramsSchema.parse(ctx.params);
  getDeployment(id); // 404 before opening a stream
  const after = Number(ctx.req.headers.get("last-event-id") ?? ctx.req.nextUrl.searchParams.get("after") ?? 0) || 0;
  return new Response(deploymentEvents(id, after, ctx.req.signal), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
