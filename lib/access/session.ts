import "server-only";
import { decode, type JWT } from "next-auth/jwt";
import { config } from "../config";
import type { Caller } from "./caller";
import { findLocalAccount } from "./local-accounts";
import { isRole, type Role } from "./roles";
import { authSecret } from "./secret";

/** https → Secure cookies with the __Secure- prefix (next-auth's useSecureCookies). */
export function secureCookies(): boolean {
  const url = config().NEXTAUTH_URL ?? config().PUBLIC_URL ?? "";
  return url.startsWith("https://");
}

export function sessionCookieName(): string {
  return `${secureCookies() ? "__Secure-" : ""}next-auth.session-token`;
}

export interface SessionToken extends JWT {
  name: string;
  role: Role;
  provider: string;
}

/** The session JWT from a cookie jar (next-auth splits large cookies into name.0, name.1…). */
export async function readSession(cookies: { name: string; value: string }[]): Promise<SessionToken | null> {
  const name = sessionCookieName();
  let raw = cookies.find((c) => c.name === name)?.value;
  if (!raw) {
    const chunks = cookies
      .filter((c) => c.name.startsWith(name + "."))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    raw = chunks.map((c) => c.value).join("") || undefined;
  }
  if (!raw) return null;
  try {
    const t = await decode({ token: raw, secret: authSecret() });
    if (!t || typeof t.name !== "string" || !isRole(t.role) || typeof t.provider !== "string") return null;
    if (typeof t.exp === "number" && t.exp * 1000 < Date.now()) return null;
    return t as SessionToken;
  } catch {
    return null; // tampered, expired or signed with another secret
  }
}

/**
 * A session becomes a caller. A local account is looked up again, so removing a user
 * or changing their role takes effect at once; an OIDC role is fixed at sign-in.
 */
export async function callerFromSession(t: SessionToken, ip: string): Promise<Caller | null> {
  if (t.provider === "credentials") {
    const acc = await findLocalAccount(t.name);
    if (!acc) return null;
    return { kind: "user", name: acc.name, role: acc.role, ip };
  }
  return { kind: "user", name: t.name, role: t.role, ip };
}
