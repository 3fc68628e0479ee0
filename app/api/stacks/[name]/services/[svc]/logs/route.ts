// GET /api/stacks/{name}/services/{svc}/logs – a Swarm stack's service: the tail of every task on
// every node (?tail=N&since=ISO) or, with ?follow=1, server-sent events; each line names its task
// (slot) and node. Only services of Swarm stacks in the stacks repository (404 otherwise); a
// Compose stack is a 409 pointing to the container logs.
import { route } from "@/lib/http/route";
import { logQuerySchema, wantsFollow } from "@/lib/stacks/log-stream";
import { followStackServiceLogs, stackServiceLogs } from "@/lib/stacks/swarm";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string; svc: string }>({ access: "viewer" }, async (ctx) => {
  const q = ctx.query(logQuerySchema);
  const opts = { tail: q.tail, since: q.since, signal: ctx.req.signal };
  return wantsFollow(q) ? followStackServiceLogs(ctx.params.name, ctx.params.svc, opts) : stackServiceLogs(ctx.params.name, ctx.params.svc, opts);
});
