// POST /api/repo/clone – first run: clone the stacks repository into STACKS_DIR (admin); GET – its progress
import { z } from "zod";
import { route } from "@/lib/http/route";
import { audit } from "@/lib/audit/record";
import { cloneStatus, startClone } from "@/lib/git/clone";
import { redact } from "@/lib/redact";
import { invalidateStatus } from "@/lib/status";
import { isAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const cloneBodySchema = z.object({ url: z.string().min(1).max(500) });

export const GET = route({ access: "viewer" }, async () => cloneStatus());

export const POST = route({ access: "admin" }, async (ctx) => {
  const { url } = await ctx.body(cloneBodySchema);
  const caller = ctx.caller;
  try {
    const { job } = startClone(url, {
      onFinish: (j) => {
        if (j.state === "done") invalidateStatus(); // the Overview stops asking to set up the repository at its next render
        audit({ caller, action: "repo.clone", target: j.url, result: j.state === "done" ? "ok" : "failed", params: j.error ? { error: j.error } : undefined });
      },
    });
    ctx.audit({ action: "repo.clone.start", target: job.url, result: "accepted", status: 202 });
    return Response.json(job, { status: 202 });
  } catch (e) {
    ctx.audit({
      action: "repo.clone.start",
      target: redact(url).slice(0, 200),
      result: isAppError(e) ? e.code : "internal",
      status: isAppError(e) ? e.status : 500,
    });
    throw e;
  }
});
