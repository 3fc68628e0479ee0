// GET /api/containers – every container (one shared Docker list call), optionally one project's
import { z } from "zod";
import { route } from "@/lib/http/route";
import { listContainers } from "@/lib/docker/containers";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  project: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a compose project name").optional(),
  state: z.enum(["running", "exited", "restarting", "paused", "created", "dead"]).optional(),
});

export const GET = route({ access: "viewer" }, async (ctx) => {
  const q = ctx.query(querySchema);
  let list = await listContainers();
  if (q.project) list = list.filter((c) => c.project === q.project);
  if (q.state) list = list.filter((c) => c.state === q.state);
  return { containers: list, count: list.length };
});
