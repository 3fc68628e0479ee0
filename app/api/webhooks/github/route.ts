// POST /api/webhooks/github – a signed GitHub push/create event starts a sync at once (202)
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { handleGithubWebhook } from "@/lib/sync/webhook";

export const dynamic = "force-dynamic";

// "webhook" access: no session or key; handleGithubWebhook verifies the HMAC signature first.
export const POST = route({ access: "webhook" }, async (ctx) => {
  const answer = await handleGithubWebhook(ctx.req, ctx.caller.ip);
  return NextResponse.json(answer.body, { status: answer.status });
});
