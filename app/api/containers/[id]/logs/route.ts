// GET /api/containers/{id}/logs – tail (?tail=N&since=ISO) or, with ?follow=1, server-sent events;
// only containers of stacks in STACKS_DIR, never Oresi's own (403 otherwise)
import { z } from "zod";
import { route } from "@/lib/http/route";
import { HOST_NAME_RE } from "@/lib/config";
import { hostOfContainer } from "@/lib/docker/containers";
import { assertLogsReadable, containerLogs, containerRef } from "@/lib/docker/logs";
import { followLogsResponse, logQuerySchema, wantsFollow } from "@/lib/stacks/log-stream";

export const dynamic = "force-dynamic";

const querySchema = logQuerySchema.extend({
  /** The Docker host the container runs on (default: the host whose list has it). */
  host: z.string().regex(HOST_NAME_RE, "a host name such as nas").optional(),
});

export const GET = route<{ id: string }>({ access: "viewer" }, async (ctx) => {
  const id = containerRef(ctx.params.id);
  const q = ctx.query(querySchema);
  const host = await hostOfContainer(id, q.host);
  // only containers of stacks in the stacks repository, for every role (lib/docker/logs.ts)
  await assertLogsReadable(id, host);
  if (wantsFollow(q)) return followLogsResponse(id, { tail: q.tail, since: q.since, signal: ctx.req.signal, host });
  return containerLogs(id, { tail: q.tail, since: q.since, signal: ctx.req.signal, host });
});
