// POST /api/webhooks/sync – start a sync now, with the API key (Gitea, Forgejo, GitLab, CI)
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { requestSync } from "@/lib/sync/run";
import { syncStatus } from "@/lib/sync/scheduler";

export const dynamic = "force-dynamic";

export const POST = route({ access: "operator" }, async (ctx) => {
  const { queued } = requestSync("api");
  ctx.audit({ action: "sync.request", target: "webhook", result: "accepted", status: 202 });
  return NextResponse.json({ accepted: true, queued, sync: syncStatus() }, { status: 202 });
});
