import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type ZodType } from "zod";
import { AppError, errorBody, isAppError, STATUS } from "../errors";
import { logger } from "../logger";
import { authorize, clientIp, refusedCaller, type Access } from "../access/authorize";
import { SAFE_METHODS } from "../access/csrf";
import type { Caller } from "../access/caller";
import { audit, type AuditInput } from "../audit/record";

export interface RouteContext<P> {
  req: NextRequest;
  params: P;
  caller: Caller;
  /** Parse the JSON body with a zod schema (400 on bad JSON or bad fields). */
  body<T>(schema: ZodType<T>): Promise<T>;
  /** Parse the query string with a zod schema. */
  query<T>(schema: ZodType<T>): T;
  /** Record an audit event for this request's caller. */
  audit(e: Omit<AuditInput, "caller">): void;
}

export interface RouteOptions {
  /**
   * Minimum access: "viewer" | "operator" | "admin" (a session or the API key with that role),
   * "webhook" (no session or key: the handler verifies a signature before anything else),
   * or "public" (only next-auth's own endpoints; test/route-guard.test.ts enforces that).
   * CHATOPS_IP_ALLOWLIST applies to every one of them.
   */
  access: Access;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | unknown>;
type NextHandler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export const GUARDED = Symbol.for("oresi.guarded");

/**
 * The one wrapper every route handler uses: access (key, session, allowlist, CSRF),
 * body/query validation, the error body, and an audit event for refusals.
 */
export function route<P = Record<string, string>>(opts: RouteOptions, handler: Handler<P>): NextHandler {
  const wrapped: NextHandler = async (req, nextCtx) => {
    let caller: Caller | undefined;
    try {
      caller = await authorize(req, opts.access);
      if (caller.kind === "key" && !SAFE_METHODS.has(req.method.toUpperCase())) {
        audit({ caller, action: "key.use", target: `${req.method} ${req.nextUrl.pathname}`, result: "accepted" });
      }
      const params = ((await nextCtx?.params) ?? {}) as P;
      const c = caller;
      const ctx: RouteContext<P> = {
        req,
        params,
        caller: c,
        async body(schema) {
          let raw: unknown;
          try {
            const text = await req.text();
            raw = text.trim() === "" ? {} : JSON.parse(text);
          } catch {
            throw new AppError("bad_request", "The request body is not valid JSON.");
          }
          return schema.parse(raw);
        },
        query(schema) {
          return schema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
        },
        audit(e) {
          audit({ ...e, caller: c });
        },
      };
      const out = await handler(ctx);
      if (out instanceof Response) return out;
      return NextResponse.json(out ?? { ok: true });
    } catch (e) {
      return errorResponse(e, req, caller);
    }
  };
  (wrapped as unknown as Record<symbol, Access>)[GUARDED] = opts.access;
  return wrapped;
}

export function errorResponse(e: unknown, req?: NextRequest, caller?: Caller): Response {
  if (e instanceof ZodError) {
    const details = e.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const msg = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ");
    return NextResponse.json(errorBody(new AppError("bad_request", msg || "Invalid input.", details)), { status: 400 });
  }
  if (isAppError(e)) {
    const status = STATUS[e.code];
    if (status >= 500) logger.error("request failed", { path: req?.nextUrl.pathname, code: e.code, err: e.message });
    else logger.info("request refused", { path: req?.nextUrl.pathname, code: e.code, err: e.message });
    if ((status === 401 || status === 403) && req) {
      try {
        audit({
          caller: caller ?? refusedCaller(e) ?? { kind: "anonymous", name: "anonymous", role: null, ip: clientIp(req) },
          action: "request.refused",
          target: `${req.method} ${req.nextUrl.pathname}`,
          result: e.code,
          status,
        });
      } catch {
        /* auditing must not turn a refusal into a 500 */
      }
    }
    const headers: Record<string, string> = status === 401 ? { "WWW-Authenticate": 'Bearer realm="oresi"' } : {};
    return NextResponse.json(errorBody(e), { status, headers });
  }
  logger.error("unhandled error", { path: req?.nextUrl.pathname, err: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  return NextResponse.json(errorBody(new AppError("internal", "Something went wrong on the server; see its log.")), {
    status: 500,
  });
}
