import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Caller } from "./caller";
import { addressAllowed, clientIpFrom, PATH_HEADER } from "./address";
import { callerFromSession, readSession } from "./session";
import { hasRole, type Role } from "./roles";

/** Where to come back to after signing in (set by proxy.ts; only a local path). */
async function returnPath(): Promise<string> {
  const p = (await headers()).get(PATH_HEADER) ?? "/";
  return p.startsWith("/") && !p.startsWith("//") ? p : "/";
}

export class AddressNotAllowedError extends Error {
  constructor(ip: string) {
    super(`Requests from ${ip} are not allowed (CHATOPS_IP_ALLOWLIST).`);
    this.name = "AddressNotAllowedError";
  }
}

/** The signed-in caller of a page, or null (no redirect). */
export async function currentCaller(): Promise<Caller | null> {
  const h = await headers();
  const ip = clientIpFrom(h);
  if (!addressAllowed(ip)) throw new AddressNotAllowedError(ip); // proxy.ts answers 403 first; this is the backstop
  const session = await readSession((await cookies()).getAll());
  return session ? callerFromSession(session, ip) : null;
}

/**
 * For server components: the signed-in person, or a redirect to /login (and back here afterwards).
 * With `need`, a person without that role is sent to the Overview.
 */
export async function pageCaller(need?: Role): Promise<Caller & { role: Role }> {
  const caller = await currentCaller();
  if (!caller?.role) redirect(`/login?callbackUrl=${encodeURIComponent(await returnPath())}`);
  if (need && !hasRole(caller.role, need)) redirect("/");
  return caller as Caller & { role: Role };
}
