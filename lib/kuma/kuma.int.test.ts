// Oresi against a local server replaying the responses of a real Uptime Kuma 2.5.3,
// both ways (status page, /metrics), and each fault: down, slow, HTML, malformed JSON.
import { resetKumaServer, stopKuma, setKumaEnv } from "@/test/fixtures/kuma";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startKumaServer, type KumaFixtureServer } from "@/e2e/fixtures/kuma-server";
import { reloadConfig } from "../config";
import { resetKumaCache } from "./cache";
import { kumaDependency, kumaStatus } from "./status";

let kuma: KumaFixtureServer;

function configure(env: { page?: boolean; metrics?: boolean; key?: string; timeout?: string }) {
  setKumaEnv({ url: kuma.url, page: env.page ? "homelab" : "", key: env.metrics ? (env.key ?? kuma.apiKey) : "", timeout: env.timeout ?? "2s" });
}

beforeAll(async () => {
  kuma = await startKumaServer({ slowMs: 1500 });
});
afterAll(() => stopKuma(kuma));
beforeEach(() => resetKumaServer(kuma));

describe("reading Kuma", () => {
  it("is unconfigured without KUMA_URL", async () => {
    process.env.KUMA_URL = "";
    process.env.KUMA_STATUS_PAGE = "";
    process.env.KUMA_API_KEY = "";
    reloadConfig();
    const s = await kumaStatus();
    expect(s.state).toBe("unconfigured");
    expect(s.reason).toMatch(/KUMA_URL/);
    expect((await kumaDependency()).status).toBe("unconfigured");
  });

  it("reads the status page and its heartbeats (no credentials)", async () => {
    configure({ page: true });
    const s = await kumaStatus();
    expect(s.state).toBe("ok");
    expect(s.source).toEqual({ statusPage: true, metrics: false, answered: ["status-page"] });
    expect(s.counts).toEqual({ up: 3, down: 1, pending: 0, maintenance: 0, unknown: 0, total: 4 });
    const api = s.monitors.find((m) => m.name === "API Broken (500)")!;
    expect(api).toMatchObject({ state: "down", lastHeartbeat: "2026-11-25T14:46:41.051Z", uptime24h: 0 });
    expect(api.beats).toHaveLength(10);
    expect(kuma.count("/metrics")).toBe(0);
  });

  it("reads /metrics with the API key as basic-auth password", async () => {
    configure({ metrics: true });
    const s = await kumaStatus();
    expect(s.state).toBe("ok");
    expect(s.source.answered).toEqual(["metrics"]);
    expect(s.monitors.map((m) => [m.name, m.state, m.responseTimeMs])).toEqual([
      ["Web OK (200)", "up", 4],
      ["API Broken (500)", "down", null],
      ["Backup Job (push)", "up", 45],
    ]);
  });

  it("reads both ways and merges them (paused monitor, metrics state)", async () => {
    configure({ page: true, metrics: true });
    const s = await kumaStatus();
    expect(s.state).toBe("ok");
    expect(s.source.answered).toEqual(["status-page", "metrics"]);
    expect(s.monitors.find((m) => m.id === 3)).toMatchObject({ paused: true, state: "unknown" });
    expect(await kumaDependency()).toMatchObject({ name: "kuma", status: "ok", reason: expect.stringContaining("1 down") });
  });

  it("reports a wrong API key and an unknown status page as degraded, with what to fix", async () => {
    configure({ page: true, metrics: true, key: "wrong" });
    process.env.KUMA_STATUS_PAGE = "no-such-slug";
    reloadConfig();
    const s = await kumaStatus();
    expect(s.state).toBe("degraded");
    expect(s.errors.map((e) => e.endpoint).sort()).toEqual(["metrics", "status-page"]);
    expect(s.reason).toMatch(/KUMA_API_KEY/);
    expect(s.reason).toMatch(/no status page "no-such-slug"/);
    expect(s.reason).not.toContain("wrong");
  });

  it("shows incidents in the ≥ 2.1 and ≤ 2.0 shapes", async () => {
    configure({ page: true });
    await kuma.setMode("incident");
    expect((await kumaStatus()).incidents.map((i) => i.title)).toEqual(["API degraded"]);
    resetKumaCache();
    await kuma.setMode("legacy");
    expect((await kumaStatus()).incidents.map((i) => i.title)).toEqual(["API degraded"]);
  });
});

describe("faults: degraded, never thrown", () => {
  it("Kuma down (connection refused)", async () => {
    configure({ page: true, metrics: true });
    await kuma.setMode("down");
    const s = await kumaStatus();
    expect(s.state).toBe("degraded");
    expect(s.monitors).toEqual([]);
    expect(s.reason).toMatch(/refused the connection/);
    expect((await kumaDependency()).status).toBe("down");
  });

  it("Kuma slow (beyond KUMA_TIMEOUT)", async () => {
    configure({ page: true, metrics: true, timeout: "300ms" });
    await kuma.setMode("slow");
    const t0 = Date.now();
    const s = await kumaStatus();
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(s.state).toBe("degraded");
    expect(s.errors).toHaveLength(3);
    expect(s.reason).toMatch(/did not answer .* within 300 ms \(KUMA_TIMEOUT\)/);
  });

  it("a slow Kuma does not hold up /api/status (and every page's layout)", async () => {
    configure({ page: true, timeout: "5s" });
    await kuma.setMode("slow");
    const t0 = Date.now();
    const d = await kumaDependency(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(d).toMatchObject({ status: "degraded", reason: expect.stringMatching(/not answered within 200 ms/) });
    // The answer still arrives and fills the shared cache.
    await kuma.setMode("normal");
    const s = await kumaStatus();
    expect(s.state).toBe("ok");
  });

  it("Kuma answers HTML (a proxy or login page)", async () => {
    configure({ page: true, metrics: true });
    await kuma.setMode("html");
    const s = await kumaStatus();
    expect(s.state).toBe("degraded");
    expect(s.errors.every((e) => /answered HTML/.test(e.reason))).toBe(true);
  });

  it("Kuma answers malformed JSON and broken metrics", async () => {
    configure({ page: true, metrics: true });
    await kuma.setMode("malformed");
    const s = await kumaStatus();
    expect(s.state).toBe("degraded");
    const by = Object.fromEntries(s.errors.map((e) => [e.endpoint, e.reason]));
    expect(by["status-page"]).toMatch(/malformed JSON/);
    expect(by.heartbeat).toMatch(/malformed JSON/);
    expect(by.metrics).toMatch(/not in the Prometheus text format/);
  });

  it("one way failing keeps the other's monitors", async () => {
    configure({ page: true, metrics: true, key: "wrong" });
    const s = await kumaStatus();
    expect(s.state).toBe("degraded");
    expect(s.source.answered).toEqual(["status-page"]);
    expect(s.counts.total).toBe(4);
    expect((await kumaDependency()).status).toBe("degraded");
  });
});

describe("sharing", () => {
  it("one Kuma request per endpoint and refresh, whatever the number of viewers", async () => {
    configure({ page: true, metrics: true });
    const before = kuma.count();
    const all = await Promise.all(Array.from({ length: 25 }, () => kumaStatus()));
    expect(all.every((s) => s.state === "ok")).toBe(true);
    await kumaStatus();
    expect(kuma.count() - before).toBe(3);
    expect(kuma.count("/metrics")).toBeGreaterThanOrEqual(1);
    // A new refresh (cache older than maxAge) asks again, once.
    await Promise.all([kumaStatus(0), kumaStatus(0)]);
    expect(kuma.count() - before).toBe(6);
  });

  it("remembers a failure as briefly as an answer, so a down Kuma is not hammered", async () => {
    configure({ page: true });
    await kuma.setMode("html");
    const before = kuma.count();
    for (let i = 0; i < 5; i++) await kumaStatus();
    expect(kuma.count() - before).toBe(2);
  });
});
