// The webhook body is capped while it is read: a chunked (no Content-Length) oversized body over
// real HTTP gets a 413 once the cap is passed, and the server stops reading there.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { POST as githubRoute } from "@/app/api/webhooks/github/route";
import { reloadConfig } from "../config";
import { closeDb } from "../db";
import { sign } from "./signature";
import { WEBHOOK_MAX_BODY } from "./webhook";

const SECRET = "webhook-secret-for-tests-0123456789";
let server: http.Server;
let port: number;
let bytesRead = 0;

beforeAll(async () => {
  closeDb();
  Object.assign(process.env, { STACKS_DIR: makeTempDir("hook-body-stacks"), DATA_DIR: makeTempDir("hook-body-data"), WEBHOOK_SECRET: SECRET });
  reloadConfig();
  // a real HTTP server handing the request stream to the route handler as it arrives
  server = http.createServer((req, res) => {
    req.on("data", (c: Buffer) => (bytesRead += c.length));
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    headers.set("x-oresi-peer", "127.0.0.1");
    const nreq = new NextRequest(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method,
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as ConstructorParameters<typeof NextRequest>[1]);
    void githubRoute(nreq, { params: Promise.resolve({}) }).then(async (r) => {
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain", connection: "close" });
      res.end(Buffer.from(await r.arrayBuffer()));
      req.destroy();
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  closeDb();
  delete process.env.WEBHOOK_SECRET;
  reloadConfig();
});

/** POST a body of `total` bytes in 64 KiB chunks, chunked transfer encoding (no Content-Length). */
function chunkedPost(total: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/api/webhooks/github", method: "POST", headers });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (e) => (answered ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const write = () => {
      if (answered || req.destroyed) return;
      if (sent >= total) return void req.end();
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(write);
      else req.once("drain", write);
    };
    write();
  });
}

describe("POST /api/webhooks/github body cap", () => {
  it("answers 413 to a chunked body past the cap, before the signature check, and stops reading", async () => {
    const total = 16 * 1024 * 1024;
    const r = await chunkedPost(total, { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": "sha256=" + "0".repeat(64) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.message).toMatch(/larger than 1 MiB/);
    expect(bytesRead).toBeLessThan(total / 2);
  });

  it("a body under the cap still reaches the signature check (401 for a bad signature, 200 for a good one)", async () => {
    const raw = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const post = (sig: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({
          host: "127.0.0.1",
          port,
          path: "/api/webhooks/github",
          method: "POST",
          headers: { "content-type": "application/json", "x-github-event": "ping", "x-hub-signature-256": sig },
        });
        req.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0)));
        req.on("error", reject);
        req.write(raw.slice(0, 10));
        req.end(raw.slice(10));
      });
    expect(await post("sha256=" + "0".repeat(64))).toBe(401);
    expect(await post(sign(raw, SECRET))).toBe(200);
    expect(WEBHOOK_MAX_BODY).toBe(1024 * 1024);
  });
});
