// api<T>() against a real local HTTP server (node:http): what it sends, what it returns,
// and the ApiError it throws for the server's error body, other answers and no answer.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, ApiError, isUnreachable, parseApiError, shouldRetry, withQuery } from "./api";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
let last: Seen | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      last = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      const path = (req.url ?? "").split("?")[0];
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(v));
      };
      switch (path) {
        case "/api/echo":
          return json(200, { method: req.method, url: req.url, body: body ? JSON.parse(body) : null });
        case "/api/accepted":
          return json(202, { accepted: true, targets: ["webhook", "ntfy"] });
        case "/api/conflict":
          return json(409, { error: { code: "conflict", message: "A deployment is running; wait for it to finish.", details: { id: "d1" } } });
        case "/api/bad-input":
          return json(400, { error: { code: "bad_request", message: "to: a release tag such as v1.2.3" } });
        case "/api/plain-403":
          res.writeHead(403, { "content-type": "text/plain" });
          return res.end("403 Forbidden: requests from 10.0.0.9 are not allowed here.\n");
        case "/api/html-502":
          res.writeHead(502, { "content-type": "text/html" });
          return res.end("<html><body>Bad gateway</body></html>");
        case "/api/garbled":
          res.writeHead(200, { "content-type": "application/json" });
          return res.end("{not json");
        case "/api/empty":
          res.writeHead(204);
          return res.end();
        case "/api/slow":
          setTimeout(() => json(200, { late: true }), 5_000);
          return;
        default:
          return json(404, { error: { code: "not_found", message: `No route ${path}.` } });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error("expected the call to throw");
}

describe("api<T>()", () => {
  it("GETs JSON with an accept header, no body and no content type, and returns the answer", async () => {
    const r = await api<{ method: string; url: string; body: unknown }>(`${base}/api/echo`, { query: { tail: 200, since: undefined, q: "" } });
    expect(r).toEqual({ method: "GET", url: "/api/echo?tail=200", body: null });
    expect(last?.headers.accept).toBe("application/json");
    expect(last?.headers["content-type"]).toBeUndefined();
    expect(last?.body).toBe("");
  });

  it("sends the body as JSON with its content type, with the method asked for", async () => {
    const r = await api<{ method: string; body: unknown }>(`${base}/api/echo`, { method: "POST", body: { to: "v1.2.0", force: false } });
    expect(r).toMatchObject({ method: "POST", body: { to: "v1.2.0", force: false } });
    expect(last?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(last?.body ?? "")).toEqual({ to: "v1.2.0", force: false });
    await api(`${base}/api/echo`, { method: "DELETE" });
    expect(last?.method).toBe("DELETE");
  });

  it("takes any 2xx as success (202 with its body; 204 without one)", async () => {
    expect(await api(`${base}/api/accepted`, { method: "POST" })).toEqual({ accepted: true, targets: ["webhook", "ntfy"] });
    expect(await api(`${base}/api/empty`, { method: "DELETE" })).toBeUndefined();
  });

  it("throws the server's code, message, status and details for an error body", async () => {
    const e = await caught(api(`${base}/api/conflict`, { method: "POST", body: {} }));
    expect(e).toMatchObject({
      name: "ApiError",
      code: "conflict",
      status: 409,
      message: "A deployment is running; wait for it to finish.",
      details: { id: "d1" },
    });
    expect(isUnreachable(e)).toBe(false);
    expect(await caught(api(`${base}/api/bad-input`))).toMatchObject({ code: "bad_request", status: 400, message: "to: a release tag such as v1.2.3" });
    expect(await caught(api(`${base}/api/nope`))).toMatchObject({ code: "not_found", status: 404, message: "No route /api/nope." });
  });

  it("says which status came when the answer is not our error body (a proxy's page, plain text)", async () => {
    expect(await caught(api(`${base}/api/plain-403`))).toMatchObject({ code: "bad_response", status: 403, message: "The server answered 403." });
    expect(await caught(api(`${base}/api/html-502`))).toMatchObject({ code: "bad_response", status: 502, message: "The server answered 502." });
  });

  it("refuses a 2xx whose body is not JSON", async () => {
    expect(await caught(api(`${base}/api/garbled`))).toMatchObject({
      code: "bad_response",
      status: 200,
      message: "The server's answer (200) could not be read.",
    });
  });

  it("throws `network` with status 0 when nothing answers", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await caught(api(`http://127.0.0.1:${port}/api/echo`));
    expect(e).toMatchObject({ code: "network", status: 0, message: "The server could not be reached." });
    expect(isUnreachable(e)).toBe(true);
  });

  it("rejects with the AbortError itself when aborted (a cancellation, not a failure)", async () => {
    const ac = new AbortController();
    const p = api(`${base}/api/slow`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).not.toBeInstanceOf(ApiError);
    expect((e as Error).name).toBe("AbortError");
  });
});

describe("parseApiError", () => {
  it("reads { error: { code, message } } and falls back to the status for anything else", () => {
    expect(parseApiError(422, { error: { code: "preflight_failed", message: "web: image missing." } })).toMatchObject({
      code: "preflight_failed",
      status: 422,
      message: "web: image missing.",
    });
    expect(parseApiError(500, { error: { message: "Something went wrong on the server; see its log." } })).toMatchObject({
      code: "bad_response",
      message: "Something went wrong on the server; see its log.",
    });
    for (const body of [undefined, null, "text", { error: "conflict" }, { error: { code: "conflict" } }, { error: { code: "conflict", message: "" } }])
      expect(parseApiError(409, body)).toMatchObject({ code: "bad_response", status: 409, message: "The server answered 409." });
  });
});

describe("withQuery", () => {
  it("appends set values only, encoded", () => {
    expect(withQuery("/api/intents/rollout", { to: "v1.2.0", force: true, empty: "", none: undefined })).toBe("/api/intents/rollout?to=v1.2.0&force=true");
    expect(withQuery("/api/x?kind=a", { q: "a b&c" })).toBe("/api/x?kind=a&q=a+b%26c");
    expect(withQuery("/api/x", {})).toBe("/api/x");
    expect(withQuery("/api/x")).toBe("/api/x");
  });
});

describe("shouldRetry", () => {
  it("retries once after no answer or a server failure, never after a refusal or bad input", () => {
    expect(shouldRetry(0, new ApiError("network", "x", 0))).toBe(true);
    expect(shouldRetry(0, new ApiError("dependency_down", "x", 503))).toBe(true);
    expect(shouldRetry(0, new Error("a bug in a queryFn"))).toBe(true);
    expect(shouldRetry(1, new ApiError("network", "x", 0))).toBe(false);
    for (const [code, status] of [
      ["bad_request", 400],
      ["unauthorized", 401],
      ["forbidden", 403],
      ["not_found", 404],
      ["conflict", 409],
      ["preflight_failed", 422],
    ] as const)
      expect(shouldRetry(0, new ApiError(code, "x", status))).toBe(false);
  });
});
