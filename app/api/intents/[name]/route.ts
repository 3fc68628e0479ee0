import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/http/route";
import { previewIntent, runIntent } from "@/lib/intents/run";

const paramsSchema = z.record(z.string().max(40), z.union([z.string().max(200), z.boolean()]));

// GET /api/intents/{name}?to=v1.2.3 – the intent with its parameters resolved and its confirm text rendered (runs nothing)
export const GET = route<{ name: string }>({ access: "viewer" }, async (ctx) => {
  return previewIntent(ctx.params.name, ctx.query(paramsSchema), ctx.caller);
});

// POST /api/intents/{name} – run an intent; body: its parameters, e.g. {"to": "v1.2.3"}
export const POST = route<{ name: string }>({ access: "viewer" }, async (ctx) => {
  const params = await ctx.body(paramsSchema);
  const out = await runIntent(ctx.params.name, params, ctx.caller, "api");
  return NextResponse.json({ intent: out.intent.name, params: out.params, summary: out.summary, ...out.body }, { status: out.status });
});
