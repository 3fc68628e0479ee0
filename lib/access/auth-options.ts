import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import CredentialsProvider from "next-auth/providers/credentials";
import { config, type Config } from "../config";
import { logger } from "../logger";
import { audit } from "../audit/record";
import type { Caller } from "./caller";
import { parseUserRoles, roleFor } from "./accounts";
import { clientIpFrom } from "./authorize";
import { findLocalAccount } from "./local-accounts";
import { dummyVerify, verifyPassword } from "./passwords";
import { signInLimiter } from "./rate-limit";
import { authContext } from "./request-context";
import type { Role } from "./roles";
import { authSecret } from "./secret";
import type { SessionToken } from "./session";
import { secureCookies } from "./session";

interface OresiUser extends User {
  name: string;
  role: Role;
}

type OidcProfile = Record<string, unknown> & { sub: string };

function claimList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  if (typeof v === "string") return v.split(/[,\s]+/).filter(Boolean);
  return [];
}

/** Role for an OIDC user: USER_ROLES entries for the user name or any group in the roles claim. */
export function oidcRole(profile: Record<string, unknown>, c: Pick<Config, "OIDC_ROLES_CLAIM" | "USER_ROLES" | "OIDC_DEFAULT_ROLE">): Role | null {
  const name = String(profile.preferred_username ?? profile.email ?? profile.sub ?? "");
  const groups = claimList(profile[c.OIDC_ROLES_CLAIM]);
  return roleFor([name, ...groups], parseUserRoles(c.USER_ROLES), c.OIDC_DEFAULT_ROLE);
}

/** The generic OpenID Connect provider (Authelia, Authentik, Keycloak, Google…), or null. */
export function oidcProvider(c: Config): OAuthConfig<OidcProfile> | null {
  if (!c.OIDC_ISSUER || !c.OIDC_CLIENT_ID || !c.OIDC_CLIENT_SECRET) return null;
  return {
    id: "oidc",
    name: c.OIDC_NAME,
    type: "oauth",
    wellKnown: `${c.OIDC_ISSUER}/.well-known/openid-configuration`,
    issuer: c.OIDC_ISSUER,
    clientId: c.OIDC_CLIENT_ID,
    clientSecret: c.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: c.OIDC_SCOPES } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile) {
      const name = String(profile.preferred_username ?? profile.email ?? profile.sub);
      const role = oidcRole(profile, c);
      return { id: profile.sub, name, email: typeof profile.email === "string" ? profile.email : null, role } as OresiUser;
    },
  };
}

function ipOf(headers: Record<string, unknown> | undefined): string {
  const h = headers ?? {};
  return clientIpFrom({ get: (n: string) => (typeof h[n] === "string" ? (h[n] as string) : null) });
}

function record(action: string, who: Partial<Caller> & { ip: string }, result: string, params?: unknown) {
  try {
    audit({
      caller: { kind: who.kind ?? "user", name: who.name ?? "unknown", role: who.role ?? null, ip: who.ip },
      action,
      target: who.name ?? null,
      params,
      result,
    });
  } catch (e) {
    logger.error("audit failed", { err: e as Error });
  }
}

/** Check a local user name and password: rate-limited, logged and audited. */
export async function signInLocal(username: string, password: string, ip: string): Promise<OresiUser | null> {
  const limiter = signInLimiter();
  const name = username.trim().slice(0, 64);
  // counted now, before the scrypt check: parallel attempts cannot get past the limit
  const { wait, at } = limiter.attempt(ip, name);
  if (wait > 0) {
    logger.warn("sign-in refused: too many failures", { user: name, ip, retryAfterSeconds: wait });
    record("auth.sign_in_failed", { kind: "anonymous", name, ip }, "rate_limited", { provider: "credentials" });
    throw new Error(`Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`);
  }
  const account = name ? await findLocalAccount(name) : undefined;
  const ok = account ? await verifyPassword(password, account.hash) : await dummyVerify(password);
  if (!ok || !account) {
    logger.warn("sign-in failed", { user: name, ip });
    record("auth.sign_in_failed", { kind: "anonymous", name, ip }, account ? "wrong_password" : "unknown_user", { provider: "credentials" });
    return null;
  }
  limiter.succeed(name, ip, at);
  logger.info("signed in", { user: account.name, role: account.role, ip });
  record("auth.sign_in", { kind: "user", name: account.name, role: account.role, ip }, "ok", { provider: "credentials" });
  return { id: account.name, name: account.name, role: account.role };
}

/** next-auth's options, built from the current configuration. */
export function authOptions(): NextAuthOptions {
  const c = config();
  // next-auth v4 reads its own origin from NEXTAUTH_URL; without one, it trusts the Host header.
  if (!process.env.NEXTAUTH_URL && c.PUBLIC_URL) process.env.NEXTAUTH_URL = c.PUBLIC_URL;
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "1";
  const maxAge = Math.max(60, Math.floor(c.SESSION_MAX_AGE / 1000));
  const oidc = oidcProvider(c);
  return {
    secret: authSecret(),
    useSecureCookies: secureCookies(),
    session: { strategy: "jwt", maxAge, updateAge: maxAge },
    jwt: { maxAge },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Local account",
        credentials: { username: { label: "User name", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(creds, req) {
          const ip = ipOf(req?.headers as Record<string, unknown> | undefined);
          return signInLocal(String(creds?.username ?? ""), String(creds?.password ?? ""), ip);
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider === "credentials") return true;
        const u = user as OresiUser;
        const ip = authContext()?.ip ?? "unknown";
        if (!u.role) {
          record("auth.sign_in_failed", { kind: "anonymous", name: u.name, ip }, "no_role", { provider: account?.provider });
          return false;
        }
        record("auth.sign_in", { kind: "user", name: u.name, role: u.role, ip }, "ok", { provider: account?.provider });
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          const u = user as OresiUser;
          return { ...token, name: u.name, role: u.role, provider: account.provider } satisfies Partial<SessionToken>;
        }
        return token;
      },
      async session({ session, token }) {
        const t = token as SessionToken;
        return { ...session, user: { name: t.name, role: t.role } } as typeof session;
      },
    },
    events: {
      async signOut({ token }) {
        const t = token as SessionToken | null;
        record("auth.sign_out", { kind: "user", name: t?.name ?? "unknown", role: t?.role ?? null, ip: authContext()?.ip ?? "unknown" }, "ok");
      },
    },
    logger: {
      error: (code, meta) => logger.error(`next-auth: ${code}`, { detail: meta instanceof Error ? meta.message : JSON.stringify(meta) }),
      warn: (code) => logger.warn(`next-auth: ${code}`),
      debug: () => {},
    },
  };
}
