// Every route in app/api is guarded: walk the folder, import each route module, and prove
// that each handler went through route() (lib/http/route.ts), that only next-auth's own
// endpoints are public, and that every mutating handler refuses an anonymous request,
// a wrong key, a viewer (where it needs more), a cross-site cookie request and a
// disallowed address — before its own code runs. A route added later is covered by this
// walk without anyone editing this file.
import fs from "node:fs";
import path from "node:path";
import { freshDataDir, NO_ACCESS_EXTRAS, saveEnv, setEnv } from "@/test/fixtures/env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { GUARDED } from "@/lib/http/route";
import { hashPassword } from "@/lib/access/passwords";
import { sessionCookie, testRequest, TEST_SECRET } from "@/lib/access/testing";

const root = path.resolve(__dirname, "..");
const apiDir = path.join(root, "app", "api");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// The only routes that may be public: next-auth's own sign-in, sign-out, session and CSRF endpoints.
const PUBLIC_ALLOWED = new Set(["/api/auth/[...nextauth]"]);
const KEY = "route-guard-key-0123456789abcdef";
const ORIGIN = "http://127.0.0.1:3000";

type Handler = ((req: unknown, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>) & {
  [GUARDED]?: string;
};

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /^route\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

const files = walk(apiDir);
const routes = files.map((f) => {
  const rel = "/" + path.relative(path.join(root, "app"), path.dirname(f)).split(path.sep).join("/");
  // dynamic segments get a harmless value; the refusals happen before any handler code runs
  const params: Record<string, string | string[]> = {};
  const url = rel.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, rest: string | undefined, name: string) => {
    params[name] = rest ? ["x"] : "x";
    return "x";
  });
  return { file: f, path: rel, url: ORIGIN + url, params };
});

let dataDir: string;
const restoreEnv = saveEnv();
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const h = await hashPassword("route-guard-pw", 1024);
  dataDir = freshDataDir("guard");
  setEnv({
    STACKS_DIR: path.join(dataDir, "stacks"),
    NEXTAUTH_SECRET: TEST_SECRET,
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "admin",
    USERS: `vera:viewer:${h},otto:operator:${h},ada:admin:${h}`,
    ...NO_ACCESS_EXTRAS,
    WEBHOOK_SECRET: "route-guard-webhook-secret",
    LOG_LEVEL: "error",
  });
  cookies.viewer = await sessionCookie("vera", "viewer");
  cookies.operator = await sessionCookie("otto", "operator");
  cookies.admin = await sessionCookie("ada", "admin");
});

afterAll(() => {
  closeDb();
  restoreEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function call(h: Handler, r: (typeof routes)[number], method: string, init: Parameters<typeof testRequest>[1] = {}) {
  const req = testRequest(r.url, { method, ...init, body: MUTATING.has(method) ? "{}" : undefined });
  const res = await h(req, { params: Promise.resolve(r.params) });
  return res.status;
}

function refusals(): number {
  return (db().prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'request.refused'").get() as { n: number }).n;
}

it("finds the route files (the walk itself works)", () => {
  expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(["/api/audit", "/api/auth/[...nextauth]", "/api/status"]));
});

describe.each(routes)("$path", (r) => {
  let mod: Record<string, unknown>;
  beforeAll(async () => {
    mod = await import(/* @vite-ignore */ r.file);
  });

  it("exports only handlers made by route(), public only where allowed", () => {
    const handlers = METHODS.filter((m) => typeof mod[m] === "function");
    expect(handlers.length, `${r.path} exports no HTTP handler`).toBeGreaterThan(0);
    for (const m of handlers) {
      const access = (mod[m] as Handler)[GUARDED];
      expect(access, `${m} ${r.path} is not wrapped in route() from lib/http/route.ts`).toBeDefined();
      if (access === "public") expect(PUBLIC_ALLOWED.has(r.path), `${m} ${r.path} must not be public`).toBe(true);
    }
  });

  it("refuses a disallowed address with 403, whatever the credentials or X-Forwarded-For", async () => {
    setEnv({ CHATOPS_IP_ALLOWLIST: "100.64.0.0/10,fd7a:115c:a1e0::/48" });
    try {
      for (const m of METHODS.filter((x) => typeof mod[x] === "function")) {
        const h = mod[m] as Handler;
        const key = { authorization: `Bearer ${KEY}` };
        expect(await call(h, r, m, { peer: "203.0.113.7", headers: key }), `${m} ${r.path}`).toBe(403);
        expect(await call(h, r, m, { peer: "2001:db8::7", headers: { ...key, "x-forwarded-for": "100.64.0.1" } }), `${m} ${r.path} spoofed XFF`).toBe(403);
      }
    } finally {
      setEnv({ CHATOPS_IP_ALLOWLIST: undefined });
    }
  });

  it("refuses anonymous requests and wrong keys (401), and a viewer where it needs more (403)", async () => {
    for (const m of METHODS.filter((x) => typeof mod[x] === "function")) {
      const h = mod[m] as Handler;
      const access = h[GUARDED];
      if (access === "public") continue;
      if (!MUTATING.has(m) && access === "webhook") continue;
      if (!MUTATING.has(m)) {
        // reads refuse anonymous callers too (GET handlers are safe to reach with a key; not done here)
        expect(await call(h, r, m), `anonymous ${m} ${r.path}`).toBe(401);
        continue;
      }
      const before = refusals();
      expect(await call(h, r, m), `anonymous ${m} ${r.path}`).toBe(401);
      expect(await call(h, r, m, { headers: { authorization: "Bearer wrong-key-0123456789abcdef" } }), `wrong key ${m} ${r.path}`).toBe(401);
      expect(await call(h, r, m, { headers: { authorization: "Bearer " } }), `empty key ${m} ${r.path}`).toBe(401);
      if (access === "webhook") {
        // a session or key is no signature
        expect(await call(h, r, m, { headers: { cookie: cookies.admin, origin: ORIGIN } }), `session ${m} ${r.path}`).toBe(401);
      } else if (access === "operator" || access === "admin") {
        expect(await call(h, r, m, { headers: { cookie: cookies.viewer, origin: ORIGIN } }), `viewer session ${m} ${r.path}`).toBe(403);
        if (access === "admin")
          expect(await call(h, r, m, { headers: { cookie: cookies.operator, origin: ORIGIN } }), `operator session ${m} ${r.path}`).toBe(403);
        setEnv({ CHATOPS_API_ROLE: "viewer" });
        try {
          expect(await call(h, r, m, { headers: { authorization: `Bearer ${KEY}` } }), `viewer key ${m} ${r.path}`).toBe(403);
        } finally {
          setEnv({ CHATOPS_API_ROLE: "admin" });
        }
      }
      if (access !== "webhook") {
        // CSRF: a valid admin cookie sent by another site, or with no origin at all
        const csrf: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { origin: "http://evil.example" }, {}];
        for (const hdr of csrf)
          expect(await call(h, r, m, { headers: { cookie: cookies.admin, ...hdr } }), `cross-site ${m} ${r.path} ${JSON.stringify(hdr)}`).toBe(403);
      }
      expect(refusals(), `refusals of ${m} ${r.path} are audited`).toBeGreaterThan(before);
    }
  });
});
