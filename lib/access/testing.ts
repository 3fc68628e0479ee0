// Helpers for tests that call route handlers: a real session cookie (next-auth's own
// encode()) and requests from a chosen address. Not imported by the app.
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import type { Role } from "./roles";

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789";

/** A session cookie as next-auth would set it after a local sign-in. */
export async function sessionCookie(name: string, role: Role, opts: { secret?: string; maxAge?: number; provider?: string } = {}): Promise<string> {
  const token = await encode({
    token: { name, role, provider: opts.provider ?? "credentials", sub: name },
    secret: opts.secret ?? TEST_SECRET,
    maxAge: opts.maxAge ?? 3600,
  });
  return `next-auth.session-token=${token}`;
}

export interface TestRequestInit {
  method?: string;
  peer?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A request as it reaches a route handler: stamped with the socket peer like lib/startup.ts does. */
export function testRequest(url: string, init: TestRequestInit = {}): NextRequest {
  const headers = new Headers(init.headers);
  headers.set("x-oresi-peer", init.peer ?? "127.0.0.1");
  if (!headers.has("host")) headers.set("host", new URL(url).host);
  return new NextRequest(url, { method: init.method ?? "GET", headers, body: init.body });
}
