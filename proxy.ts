// Next.js 16 proxy (the former middleware; Node.js runtime): the address allowlist for
// pages and assets, everything but /healthz. API routes are refused (and audited) by
// route() itself; page refusals are queued here and audited by the server (lib/access/refusals.ts). Sign-in and roles are decided by route() and pageCaller(), never here
// alone (CVE-2025-29927).
import { NextResponse, type NextRequest } from "next/server";
import { addressAllowed, clientIpFrom, PATH_HEADER } from "@/lib/access/address";
import { logger } from "@/lib/logger";
import { queueRefusal } from "@/lib/access/refusals";

export function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  if (path === "/healthz" || path.startsWith("/api/")) return NextResponse.next();
  const ip = clientIpFrom(req.headers);
  if (!addressAllowed(ip)) {
    logger.info("request refused", { path, ip, code: "forbidden", err: "address not in CHATOPS_IP_ALLOWLIST" });
    queueRefusal({
      at: new Date().toISOString(),
      ip,
      method: req.method,
      path: path.slice(0, 300),
      status: 403,
      reason: "address not in CHATOPS_IP_ALLOWLIST",
    });
    return new NextResponse(`403 Forbidden: requests from ${ip} are not allowed here.\n`, {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  // Tell pages where the person was going, for the sign-in redirect (overwrites any client value).
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, path + req.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}
