// POST /api/sync/test-notification – send a test message to every notification target (202)
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { sendTestNotification } from "@/lib/notify/send-test";

export const dynamic = "force-dynamic";

export const POST = route({ access: "operator" }, async (ctx) => {
  const targets = sendTestNotification(ctx.caller.name);
  ctx.audit({ action: "notify.test", target: targets.join(", ") || "none", result: "accepted", status: 202 });
  return NextResponse.json({ accepted: true, targets }, { status: 202 });
});
