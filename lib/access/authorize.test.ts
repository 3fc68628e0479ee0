import fs from "node:fs";
import path from "node:path";
import { freshDataDir, NO_ACCESS_EXTRAS, saveEnv, setEnv } from "@/test/fixtures/env";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reloadConfig } from "../config";
import { closeDb, db } from "../db";
import { resetSingleton } from "../singleton";
import { AppError } from "../errors";
import { authorize } from "./authorize";
import { hashPassword } from "./passwords";
import { ROLES, type Role } from "./roles";
import { sessionCookie, testRequest, TEST_SECRET } from "./testing";
import { signInLocal, oidcProvider, oidcRole } from "./auth-options";
import { readSession } from "./session";

const KEY = "k".repeat(32);
const URL_ = "http://127.0.0.1:3000/api/x";
let dataDir: string;
const restoreEnv = saveEnv();

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof AppError) return e.status;
    throw e;
  }
}

beforeAll(async () => {
  const h = await hashPassword("pw-viewer-1", 1024);
  const ho = await hashPassword("pw-operator-1", 1024);
  const ha = await hashPassword("pw-admin-1", 1024);
  dataDir = freshDataDir("access");
  setEnv({
    STACKS_DIR: dataDir,
    NEXTAUTH_SECRET: TEST_SECRET,
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "operator",
    USERS: `vera:viewer:${h};otto:operator:${ho};ada:admin:${ha}`,
    ...NO_ACCESS_EXTRAS,
  });
});

afterAll(() => {
  closeDb();
  restoreEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => setEnv({ CHATOPS_IP_ALLOWLIST: undefined, TRUSTED_PROXIES: undefined, CHATOPS_API_ROLE: "operator" }));

const users: Record<Role, string> = { viewer: "vera", operator: "otto", admin: "ada" };

describe("each role against each level of action", () => {
  for (const have of ROLES)
    for (const need of ROLES) {
      const allowed = ROLES.indexOf(have) >= ROLES.indexOf(need);
      it(`${have} ${allowed ? "may" : "may not"} do ${need} actions (GET and same-origin POST)`, async () => {
        const cookie = await sessionCookie(users[have], have);
        for (const method of ["GET", "POST"]) {
          const req = testRequest(URL_, { method, headers: { cookie, "sec-fetch-site": "same-origin" } });
          expect(await status(authorize(req, need))).toBe(allowed ? 200 : 403);
        }
      });
    }
});

describe("sessions", () => {
  it("an expired, tampered or foreign-secret cookie is nobody", async () => {
    const expired = await sessionCookie("otto", "operator", { maxAge: -10 });
    const foreign = await sessionCookie("otto", "operator", { secret: "another-secret-0123456789abcdef" });
    const good = await sessionCookie("otto", "operator");
    const tampered = good.slice(0, -4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const cookie of [expired, foreign, tampered]) expect(await status(authorize(testRequest(URL_, { headers: { cookie } }), "viewer"))).toBe(401);
    expect(await status(authorize(testRequest(URL_, { headers: { cookie: good } }), "viewer"))).toBe(200);
  });

  it("a local user's role comes from the configuration now, and a removed user is signed out", async () => {
    const cookie = await sessionCookie("otto", "admin"); // the token claims admin
    const c = await authorize(testRequest(URL_, { headers: { cookie } }), "viewer");
    expect(c.role).toBe("operator");
    const ghost = await sessionCookie("mallory", "admin");
    expect(await status(authorize(testRequest(URL_, { headers: { cookie: ghost } }), "viewer"))).toBe(401);
  });

  it("the session token is read back with name, role and provider", async () => {
    const cookie = await sessionCookie("ada", "admin");
    const [name, value] = cookie.split("=");
    const t = await readSession([{ name, value }]);
    expect(t).toMatchObject({ name: "ada", role: "admin", provider: "credentials" });
  });
});

describe("the API key", () => {
  it("right key gets its own role; wrong or empty key is 401 even with a valid session", async () => {
    const cookie = await sessionCookie("ada", "admin");
    expect((await authorize(testRequest(URL_, { method: "POST", headers: { authorization: `Bearer ${KEY}` } }), "operator")).kind).toBe("key");
    expect(await status(authorize(testRequest(URL_, { method: "POST", headers: { authorization: `Bearer ${KEY}` } }), "admin"))).toBe(403);
    expect(await status(authorize(testRequest(URL_, { headers: { authorization: `Bearer ${KEY}x`, cookie } }), "viewer"))).toBe(401);
    expect(await status(authorize(testRequest(URL_, { headers: { authorization: "Bearer " } }), "viewer"))).toBe(401);
    expect(await status(authorize(testRequest(URL_, { headers: { authorization: "Basic Zm9vOmJhcg==" } }), "viewer"))).toBe(401);
    expect(await status(authorize(testRequest(URL_), "viewer"))).toBe(401);
  });

  it("a key request needs no Origin (no ambient credentials)", async () => {
    const req = testRequest(URL_, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "sec-fetch-site": "cross-site" } });
    expect(await status(authorize(req, "operator"))).toBe(200);
  });
});

describe("CSRF", () => {
  it("refuses a cookie-authenticated POST from another site or without Origin", async () => {
    const cookie = await sessionCookie("ada", "admin");
    const post = (headers: Record<string, string>) => status(authorize(testRequest(URL_, { method: "POST", headers: { cookie, ...headers } }), "operator"));
    expect(await post({ "sec-fetch-site": "cross-site" })).toBe(403);
    expect(await post({ origin: "http://evil.example" })).toBe(403);
    expect(await post({})).toBe(403);
    expect(await post({ origin: "http://127.0.0.1:3000" })).toBe(200);
    expect(await status(authorize(testRequest(URL_, { headers: { cookie, "sec-fetch-site": "cross-site" } }), "viewer"))).toBe(200); // GET is safe
  });
});

describe("the address allowlist", () => {
  it("lets IPv4, IPv6 and CIDR matches in and refuses the rest with 403, key or not", async () => {
    setEnv({ CHATOPS_IP_ALLOWLIST: "100.64.0.0/10,fd7a:115c:a1e0::/48,192.0.2.10" });
    const key = { authorization: `Bearer ${KEY}` };
    expect(await status(authorize(testRequest(URL_, { peer: "100.100.1.2", headers: key }), "viewer"))).toBe(200);
    expect(await status(authorize(testRequest(URL_, { peer: "::ffff:100.100.1.2", headers: key }), "viewer"))).toBe(200);
    expect(await status(authorize(testRequest(URL_, { peer: "fd7a:115c:a1e0::9", headers: key }), "viewer"))).toBe(200);
    expect(await status(authorize(testRequest(URL_, { peer: "192.0.2.10", headers: key }), "viewer"))).toBe(200);
    expect(await status(authorize(testRequest(URL_, { peer: "192.0.2.11", headers: key }), "viewer"))).toBe(403);
    expect(await status(authorize(testRequest(URL_, { peer: "2001:db8::1", headers: key }), "viewer"))).toBe(403);
    expect(await status(authorize(testRequest(URL_, { peer: "203.0.113.5" }), "public"))).toBe(403);
  });

  it("ignores a spoofed X-Forwarded-For from an untrusted peer, and honours it behind a trusted proxy", async () => {
    setEnv({ CHATOPS_IP_ALLOWLIST: "100.64.0.0/10", TRUSTED_PROXIES: "127.0.0.1" });
    const spoof = { authorization: `Bearer ${KEY}`, "x-forwarded-for": "100.64.0.7" };
    expect(await status(authorize(testRequest(URL_, { peer: "203.0.113.5", headers: spoof }), "viewer"))).toBe(403);
    expect(await status(authorize(testRequest(URL_, { peer: "127.0.0.1", headers: spoof }), "viewer"))).toBe(200);
    const forgedLeft = { authorization: `Bearer ${KEY}`, "x-forwarded-for": "100.64.0.7, 203.0.113.5" };
    expect(await status(authorize(testRequest(URL_, { peer: "127.0.0.1", headers: forgedLeft }), "viewer"))).toBe(403);
  });
});

describe("local sign-in", () => {
  function audits(action: string): { actor: string; result: string; source_ip: string }[] {
    return db().prepare("SELECT actor, result, source_ip FROM audit_events WHERE action = ? ORDER BY id").all(action) as never;
  }

  it("accepts the right password, refuses others, audits both", async () => {
    resetSingleton("access.signInLimiter");
    expect(await signInLocal("otto", "pw-operator-1", "10.9.0.1")).toMatchObject({ name: "otto", role: "operator" });
    expect(await signInLocal("otto", "wrong", "10.9.0.1")).toBeNull();
    expect(await signInLocal("nobody", "pw-operator-1", "10.9.0.1")).toBeNull();
    expect(audits("auth.sign_in").at(-1)).toMatchObject({ actor: "otto", result: "ok", source_ip: "10.9.0.1" });
    expect(
      audits("auth.sign_in_failed")
        .slice(-2)
        .map((a) => a.result),
    ).toEqual(["wrong_password", "unknown_user"]);
  });

  it("rate-limits failures per user, across addresses, even for the right password", async () => {
    resetSingleton("access.signInLimiter");
    for (let i = 0; i < 5; i++) expect(await signInLocal("vera", "nope", `10.8.0.${i}`)).toBeNull();
    await expect(signInLocal("vera", "pw-viewer-1", "10.8.0.99")).rejects.toThrow(/Too many failed sign-ins/);
    expect(audits("auth.sign_in_failed").at(-1)).toMatchObject({ actor: "vera", result: "rate_limited" });
    expect(await signInLocal("otto", "pw-operator-1", "10.8.0.99")).not.toBeNull(); // other users unaffected
  });

  it("rate-limits failures per address, across user names", async () => {
    resetSingleton("access.signInLimiter");
    for (let i = 0; i < 20; i++) await signInLocal(`guess${i}`, "nope", "10.7.0.1");
    await expect(signInLocal("ada", "pw-admin-1", "10.7.0.1")).rejects.toThrow(/Too many/);
    expect(await signInLocal("ada", "pw-admin-1", "10.7.0.2")).not.toBeNull();
  });
});

describe("OpenID Connect", () => {
  it("builds a discovery-based provider with PKCE, and maps groups to roles", async () => {
    setEnv({ OIDC_ISSUER: "https://auth.example.com/", OIDC_CLIENT_ID: "oresi", OIDC_CLIENT_SECRET: "s3cret", USER_ROLES: "ops:operator,alice:admin" });
    try {
      const c = reloadConfig();
      const p = oidcProvider(c)!;
      expect(p.wellKnown).toBe("https://auth.example.com/.well-known/openid-configuration");
      expect(p).toMatchObject({ id: "oidc", type: "oauth", clientId: "oresi", clientSecret: "s3cret", idToken: true, checks: ["pkce", "state"] });
      expect(oidcRole({ sub: "1", preferred_username: "bob", groups: ["dev", "ops"] }, c)).toBe("operator");
      expect(oidcRole({ sub: "2", email: "alice", groups: [] }, c)).toBe("admin");
      expect(oidcRole({ sub: "3", preferred_username: "carol" }, c)).toBe("viewer"); // OIDC_DEFAULT_ROLE
      const profile = (await p.profile!({ sub: "1", preferred_username: "bob", groups: "ops" }, {} as never)) as unknown as { role: string; name: string };
      expect(profile).toMatchObject({ name: "bob", role: "operator" });
    } finally {
      setEnv({ OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined, OIDC_CLIENT_SECRET: undefined, USER_ROLES: undefined });
    }
    expect(oidcProvider(reloadConfig())).toBeNull();
  });
});

describe("secrets, first run and cookies", () => {
  it("generates NEXTAUTH_SECRET into DATA_DIR (0600) when unset, and keeps it across restarts", async () => {
    const { authSecret } = await import("./secret");
    setEnv({ NEXTAUTH_SECRET: undefined });
    try {
      const s1 = authSecret();
      expect(s1.length).toBeGreaterThanOrEqual(32);
      const file = path.join(dataDir, "auth-secret");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      resetSingleton("access.secret");
      expect(authSecret()).toBe(s1);
    } finally {
      setEnv({ NEXTAUTH_SECRET: TEST_SECRET });
    }
  });

  it("first run without accounts makes one admin (hash 0600, same on the next start); none once USERS is set", async () => {
    const { ensureFirstRunAdmin, FIRST_RUN_FILE } = await import("./first-run");
    const { localAccounts } = await import("./local-accounts");
    const saveUsers = process.env.USERS;
    setEnv({ USERS: undefined });
    try {
      // The log line must carry the password in clear (the log is masked everywhere else).
      const lines: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
      let a: Awaited<ReturnType<typeof ensureFirstRunAdmin>>;
      try {
        a = await ensureFirstRunAdmin();
      } finally {
        process.stderr.write = write;
      }
      const printed = /initial admin password (\S+)/.exec(lines.join(""))?.[1];
      expect(printed).toMatch(/^[A-Za-z0-9_-]{20}$/);
      const { verifyPassword } = await import("./passwords");
      expect(await verifyPassword(printed!, a!.hash)).toBe(true);
      expect(a?.name).toBe("admin");
      expect(fs.statSync(path.join(dataDir, FIRST_RUN_FILE)).mode & 0o777).toBe(0o600);
      expect((await ensureFirstRunAdmin())?.hash).toBe(a?.hash);
      expect((await localAccounts()).map((x) => [x.name, x.role])).toEqual([["admin", "admin"]]);
    } finally {
      setEnv({ USERS: saveUsers });
    }
    expect(await ensureFirstRunAdmin()).toBeNull();
    expect((await localAccounts()).map((x) => x.name)).not.toContain("admin");
  });

  it("cookies are Secure with the __Secure- prefix behind https, and sessions last SESSION_MAX_AGE", async () => {
    const { sessionCookieName } = await import("./session");
    const { authOptions } = await import("./auth-options");
    expect(sessionCookieName()).toBe("next-auth.session-token");
    setEnv({ PUBLIC_URL: "https://oresi.example.ts.net", SESSION_MAX_AGE: "2h" });
    try {
      expect(sessionCookieName()).toBe("__Secure-next-auth.session-token");
      const o = authOptions();
      expect(o.useSecureCookies).toBe(true);
      expect(o.session?.maxAge).toBe(7200);
      expect(o.jwt?.maxAge).toBe(7200);
    } finally {
      setEnv({ PUBLIC_URL: undefined, SESSION_MAX_AGE: undefined });
      delete process.env.NEXTAUTH_URL;
    }
  });
});
