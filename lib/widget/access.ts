import "server-only";
import type { NextRequest } from "next/server";
import { config } from "../config";
import { authorize, clientIp, safeEqual } from "../access/authorize";
import type { Caller } from "../access/caller";

/**
 * Read-only access for GET /api/widget and GET /api/metrics: WIDGET_API_KEY (compared in
 * constant time), or whatever the rest of the API accepts for the viewer role (the API key,
 * a session). The address allowlist has already been applied by route().
 */
export async function readOnlyCaller(req: NextRequest): Promise<Caller> {
  const h = req.headers.get("authorization");
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  const widgetKey = config().WIDGET_API_KEY;
  if (m && widgetKey && safeEqual(m[1], widgetKey)) return { kind: "key", name: "widget-key", role: "viewer", ip: clientIp(req) };
  return authorize(req, "viewer");
}
