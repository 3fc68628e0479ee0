import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import type { NextRequest } from "next/server";
import { config } from "../config";
import { AppError } from "../errors";
import type { Caller } from "./caller";
import { hasRole, type Role } from "./roles";
import { PEER_HEADER, addressAllowed, clientIpFrom } from "./address";
import { isSameOrigin, SAFE_METHODS } from "./csrf";
import { callerFromSession, readSession } from "./session";

/**
 * Minimum access a route needs.
 * - "public": no sign-in (only next-auth's own endpoints; /healthz is outside app/api).
 * - "webhook": no session or key; the handler itself must verify a signature and throw
 *   AppError("unauthorized") first thing when it does not match.
 * - a role: a signed-in person or the API key with at least that role.
 * The allowlist applies to all of them.
 */
export type Access = "public" | "webhook" | Role;

export { PEER_HEADER, addressAllowed, clientIpFrom };

export function clientIp(req: NextRequest): string {
  return clientIpFrom(req.headers);
}

/** Compare two secrets in constant time (hashing first, so lengths do not leak). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function bearer(req: NextRequest): string | null {
  const h = req.headers.get("authorization");
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : "";
}

/** Who is asking: the API key (Bearer), else the next-auth session cookie, else nobody. */
export async function resolveCaller(req: NextRequest): Promise<Caller> {
  const ip = clientIp(req);
  const token = bearer(req);
  if (token !== null) {
    const key = config().CHATOPS_API_KEY;
    if (!key || !token || !safeEqual(token, key)) throw new AppError("unauthorized", "The API key is missing or wrong.");
    return { kind: "key", name: "api-key", role: config().CHATOPS_API_ROLE, ip };
  }
  const session = await readSession(req.cookies.getAll());
  if (session) {
    const caller = await callerFromSession(session, ip);
    if (caller) return caller;
  }
  return { kind: "anonymous", name: "anonymous", role: null, ip };
}

/** A refusal that remembers who was refused, for the audit trail. */
function refuse(code: "unauthorized" | "forbidden", message: string, caller: Caller): AppError {
  const e = new AppError(code, message);
  Object.defineProperty(e, "caller", { value: caller, enumerable: false });
  return e;
}

export function refusedCaller(e: unknown): Caller | undefined {
  return (e as { caller?: Caller } | null)?.caller;
}

export async function authorize(req: NextRequest, access: Access): Promise<Caller> {
  const ip = clientIp(req);
  const nobody: Caller = { kind: "anonymous", name: "anonymous", role: null, ip };
  if (!addressAllowed(ip)) throw refuse("forbidden", `Requests from ${ip} are not allowed (CHATOPS_IP_ALLOWLIST).`, nobody);
  if (access === "public" || access === "webhook") return nobody;
  let caller: Caller;
  try {
    caller = await resolveCaller(req);
  } catch (e) {
    Object.defineProperty(e, "caller", { value: { ...nobody, kind: "key", name: "api-key (wrong)" }, enumerable: false });
    throw e;
  }
  if (!caller.role) throw refuse("unauthorized", "Sign in, or send an API key as 'Authorization: Bearer <key>'.", caller);
  if (!hasRole(caller.role, access)) throw refuse("forbidden", `This needs the ${access} role; ${caller.name} has ${caller.role}.`, caller);
  const origin = config().NEXTAUTH_URL ?? config().PUBLIC_URL;
  if (caller.kind === "user" && !SAFE_METHODS.has(req.method.toUpperCase()) && !isSameOrigin(req.headers, origin))
    throw refuse("forbidden", "Cross-site request refused: send it from the dashboard's own pages (same origin).", caller);
  return caller;
}
