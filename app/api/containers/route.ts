// GET /api/containers – every container (one shared Docker list call per host), optionally one project's or one host's
import { z } from "zod";
import { route } from "@/lib/http/route";
import { HOST_NAME_RE } from "@/lib/config";
import { containersQuery } from "@/lib/stacks/hosts";
import { stackNameSchema } from "@/lib/domain";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  project: stackNameSchema.optional(),
  state: z.enum(["running", "exited", "restarting", "paused", "created", "dead"]).optional(),
  host: z.string().regex(HOST_NAME_RE, "a host name such as nas").optional(),
});

export const GET = route({ access: "viewer" }, async (ctx) => {
  return containersQuery(ctx.query(querySchema));
});
