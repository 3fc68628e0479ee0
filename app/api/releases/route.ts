// GET /api/releases – releases newest first (with changed stacks and image changes), other tags apart
// POST /api/releases – tag a release on the main branch and push it to origin (admin)
import { z } from "zod";
import { route } from "@/lib/http/route";
import { isAppError } from "@/lib/errors";
import { releasePage } from "@/lib/releases/list";
import { createRelease } from "@/lib/releases/create";
import { refInputSchema } from "@/lib/domain";

export const dynamic = "force-dynamic";

const listQuerySchema = z.object({
  q: z.string().max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const GET = route({ access: "viewer" }, async (ctx) => releasePage(ctx.query(listQuerySchema)));

const createReleaseBodySchema = z.object({
  tag: refInputSchema,
  ref: z.string().max(128).optional(),
  message: z.string().max(20_000).optional(),
  backport: z.boolean().optional(),
  changelog: z.boolean().optional(),
});

export const POST = route({ access: "admin" }, async (ctx) => {
  const body = await ctx.body(createReleaseBodySchema);
  const params = { ref: body.ref ?? "origin/main", backport: !!body.backport, changelog: !!body.changelog };
  try {
    const r = await createRelease(body, ctx.caller);
    ctx.audit({
      action: "release.tag",
      target: r.release.tag,
      params: { ...params, sha: r.release.sha, changelogCommit: r.changelogCommit },
      result: "ok",
      status: 201,
    });
    return Response.json(r, { status: 201 });
  } catch (e) {
    ctx.audit({
      action: "release.tag",
      target: body.tag.slice(0, 128),
      params,
      result: isAppError(e) ? e.code : "internal",
      status: isAppError(e) ? e.status : 500,
    });
    throw e;
  }
});
