// verifyMonitors against the replayed Kuma: /metrics when an API key is set, otherwise a
// heartbeat newer than the rollout's start; unreachable is unknown, never up.
import { resetKumaServer, stopKuma, setKumaEnv } from "@/test/fixtures/kuma";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startKumaServer, type KumaFixtureServer } from "@/e2e/fixtures/kuma-server";
import { verifyMonitors } from "./verify";

let kuma: KumaFixtureServer;

function configure(way: "metrics" | "status-page" | "none") {
  if (way === "none") setKumaEnv({ timeout: "500ms" });
  else setKumaEnv({ url: kuma.url, page: "homelab", key: way === "metrics" ? kuma.apiKey : "", timeout: "500ms" });
}

beforeAll(async () => {
  kuma = await startKumaServer();
});
afterAll(() => stopKuma(kuma));
beforeEach(() => resetKumaServer(kuma));

describe("verifyMonitors via /metrics (KUMA_API_KEY set)", () => {
  it("up → ok at once", async () => {
    configure("metrics");
    const beatsBefore = kuma.count("/api/status-page/heartbeat/homelab");
    const r = await verifyMonitors({ names: ["Web OK (200)", "backup job (push)"], since: new Date(), timeoutMs: 5000, pollMs: 100 });
    expect(r).toMatchObject({ ok: true, source: "metrics", timedOut: false });
    expect(r.monitors.map((m) => [m.name, m.ok, m.status, m.monitorId])).toEqual([
      ["Web OK (200)", true, "up", 1],
      ["backup job (push)", true, "up", 4],
    ]);
    expect(kuma.count("/api/status-page/heartbeat/homelab")).toBe(beatsBefore);
  });

  it("down → not ok with the reason, after polling /metrics (not cached) until the timeout", async () => {
    configure("metrics");
    const before = kuma.count("/metrics");
    const t0 = Date.now();
    const r = await verifyMonitors({ names: ["Web OK (200)", "API Broken (500)"], since: new Date(), timeoutMs: 600, pollMs: 100 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(true);
    expect(r.monitors[0].ok).toBe(true);
    expect(r.monitors[1]).toMatchObject({ ok: false, status: "down", reason: "Down in Uptime Kuma (/metrics)." });
    expect(kuma.count("/metrics") - before).toBeGreaterThanOrEqual(4);
  });

  it("a paused or unknown monitor name gets a clear reason, without waiting for the timeout", async () => {
    configure("metrics");
    const t0 = Date.now();
    const r = await verifyMonitors({ names: ["Paused Service", "Web OK (200)"], since: new Date(), timeoutMs: 10_000, pollMs: 100 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.ok).toBe(false);
    expect(r.monitors[0]).toMatchObject({ ok: false, status: "unknown", monitorId: null });
    expect(r.monitors[0].reason).toMatch(/No active monitor named "Paused Service".*x-oresi\.kuma/);
  });
});

describe("verifyMonitors via status page heartbeats", () => {
  it("up with a heartbeat newer than the start → ok", async () => {
    configure("status-page");
    kuma.freshen({ ids: [1] });
    const metricsBefore = kuma.count("/metrics");
    const since = new Date(Date.now() - 1000);
    const r = await verifyMonitors({ names: ["Web OK (200)"], since, timeoutMs: 3000, pollMs: 100 });
    expect(r).toMatchObject({ ok: true, source: "status-page", timedOut: false });
    expect(Date.parse(r.monitors[0].lastHeartbeat!)).toBeGreaterThan(since.getTime());
    expect(kuma.count("/metrics")).toBe(metricsBefore);
  });

  it("stale heartbeat → waits, then times out with why", async () => {
    configure("status-page");
    const t0 = Date.now();
    const r = await verifyMonitors({ names: ["Web OK (200)"], since: new Date(), timeoutMs: 700, pollMs: 100 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(r.monitors[0]).toMatchObject({ ok: false, status: "up", lastHeartbeat: "2026-11-25T14:46:41.014Z" });
    expect(r.monitors[0].reason).toMatch(/is not newer than .*waiting for a newer one/);
  });

  it("waits for the heartbeat that comes in during verification", async () => {
    configure("status-page");
    const since = new Date(Date.now() - 50);
    setTimeout(() => kuma.freshen({ live: true }), 400);
    const lines: string[] = [];
    const r = await verifyMonitors({ names: ["Web OK (200)"], since, timeoutMs: 5000, pollMs: 100, onProgress: (l) => lines.push(l) });
    expect(r.ok).toBe(true);
    expect(lines[0]).toMatch(/waiting for a newer one/);
    expect(lines.at(-1)).toMatch(/Web OK \(200\): ok/);
  });

  it("down with a fresh heartbeat → not ok with the reason", async () => {
    configure("status-page");
    kuma.freshen({ ids: [2] });
    const r = await verifyMonitors({ names: ["API Broken (500)"], since: new Date(Date.now() - 1000), timeoutMs: 300, pollMs: 100 });
    expect(r.ok).toBe(false);
    expect(r.monitors[0]).toMatchObject({ status: "down", ok: false });
    expect(r.monitors[0].reason).toMatch(/^Down at 20/);
  });

  it("a name not on the status page is said so", async () => {
    configure("status-page");
    const r = await verifyMonitors({ names: ["Nope"], since: new Date(), timeoutMs: 5000, pollMs: 100 });
    expect(r.timedOut).toBe(false);
    expect(r.monitors[0].reason).toMatch(/No monitor named "Nope" on the Kuma status page/);
  });
});

describe("verifyMonitors when Kuma cannot answer", () => {
  it("unreachable → unknown, never up", async () => {
    configure("metrics");
    await kuma.setMode("down");
    const r = await verifyMonitors({ names: ["Web OK (200)"], since: new Date(), timeoutMs: 400, pollMs: 100 });
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(r.monitors[0]).toMatchObject({ ok: false, status: "unknown" });
    expect(r.monitors[0].reason).toMatch(/^Unknown: Uptime Kuma at .* refused the connection/);
  });

  it("HTML instead of JSON → unknown", async () => {
    configure("status-page");
    await kuma.setMode("html");
    const r = await verifyMonitors({ names: ["Web OK (200)"], since: new Date(), timeoutMs: 300, pollMs: 100 });
    expect(r.monitors[0]).toMatchObject({ ok: false, status: "unknown" });
  });

  it("not configured → unknown at once; an empty list → ok", async () => {
    configure("none");
    const r = await verifyMonitors({ names: ["Web OK (200)"], since: new Date(), timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, source: "none", timedOut: false });
    expect(r.monitors[0].reason).toMatch(/not configured/);
    expect((await verifyMonitors({ names: [], since: new Date(), timeoutMs: 5000 })).ok).toBe(true);
  });

  it("stops when the signal aborts", async () => {
    configure("status-page");
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 200);
    const t0 = Date.now();
    const r = await verifyMonitors({ names: ["Web OK (200)"], since: new Date(), timeoutMs: 10_000, pollMs: 100, signal: ctrl.signal });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(r.monitors[0].reason).toMatch(/cancelled/);
  });
});
