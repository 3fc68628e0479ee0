// GET /api/diff?from=&to= – per stack, unified diff of compose and env files (secrets masked); "deployed" names the deployed release
import { z } from "zod";
import { route } from "@/lib/http/route";
import { releaseDiff } from "@/lib/releases/diff";
import { refInputSchema } from "@/lib/domain";

export const dynamic = "force-dynamic";

const diffQuerySchema = z.object({ from: refInputSchema, to: refInputSchema });

export const GET = route({ access: "viewer" }, async (ctx) => {
  const q = ctx.query(diffQuerySchema);
  return releaseDiff(q.from, q.to);
});
