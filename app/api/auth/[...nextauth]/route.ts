// GET/POST /api/auth/* – next-auth: sign-in (local accounts, OIDC), sign-out, session, CSRF token.
// Public by necessity (it is how one signs in); the allowlist still applies through route().
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { route } from "@/lib/http/route";
import { authOptions } from "@/lib/access/auth-options";
import { withAuthContext } from "@/lib/access/request-context";

export const dynamic = "force-dynamic";

const handle = route<{ nextauth: string[] }>({ access: "public" }, async (ctx) => {
  const handler = NextAuth(authOptions()) as (req: NextRequest, c: { params: { nextauth: string[] } }) => Promise<Response>;
  return withAuthContext({ ip: ctx.caller.ip }, () => handler(ctx.req, { params: ctx.params }));
});

export const GET = handle;
export const POST = handle;
