import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import type { NextRequest } from "next/server";
import { config } from "../config";
import { AppError } from "../errors";
import type { Caller } from "./caller";
import { hasRole, type Role } from "./roles";

/** Minimum access a route needs. "public" routes skip everything but the allowlist. */
export type Access = "public" | Role;

export const PEER_HEADER = "x-oresi-peer";

/** The client address: the socket peer, or X-Forwarded-For when the peer is a trusted proxy. */
export function clientIp(req: NextRequest): string {
  const peer = req.headers.get(PEER_HEADER) ?? "unknown";
  return peer.replace(/^::ffff:/, "");
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

export async function resolveCaller(req: NextRequest): Promise<Caller> {
  const ip = clientIp(req);
  const token = bearer(req);
  if (token !== null) {
    const key = config().CHATOPS_API_KEY;
    if (!key || !token || !safeEqual(token, key)) throw new AppError("unauthorized", "The API key is missing or wrong.");
    return { kind: "key", name: "api-key", role: config().CHATOPS_API_ROLE, ip };
  }
  return { kind: "anonymous", name: "anonymous", role: null, ip };
}

export async function authorize(req: NextRequest, access: Access): Promise<Caller> {
  if (access === "public") return { kind: "anonymous", name: "anonymous", role: null, ip: clientIp(req) };
  const caller = await resolveCaller(req);
  if (!caller.role) throw new AppError("unauthorized", "Sign in, or send an API key as 'Authorization: Bearer <key>'.");
  if (!hasRole(caller.role, access))
    throw new AppError("forbidden", `This needs the ${access} role; ${caller.name} has ${caller.role}.`);
  return caller;
}
