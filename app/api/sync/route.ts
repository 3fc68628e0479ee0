// GET /api/sync – sync state and notification targets (masked); POST /api/sync – "Sync now"
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { targetSummaries } from "@/lib/notify/queue";
import { requestSync } from "@/lib/sync/run";
import { syncStatus } from "@/lib/sync/scheduler";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => ({ sync: syncStatus(), targets: targetSummaries() }));

export const POST = route({ access: "operator" }, async (ctx) => {
  const { queued } = requestSync("manual");
  ctx.audit({ action: "sync.request", target: "sync now", result: "accepted", status: 202 });
  return NextResponse.json({ accepted: true, queued, sync: syncStatus() }, { status: 202 });
});
