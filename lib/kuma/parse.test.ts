import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { incidentsOf, buildMonitors, monitorsFromMetrics } from "./model";
import { parsePrometheus, parseSampleLine } from "./prometheus";
import { heartbeatSchema, statusPageSchema } from "./schemas";
import { kumaTime, toKumaTime } from "./time";
import { countStates, sortWorstFirst, stateOf, worstState } from "./types";

const fx = (f: string) => fs.readFileSync(path.join(__dirname, "..", "..", "e2e", "fixtures", "kuma", f), "utf8");

describe("Prometheus text format", () => {
  it("reads the recorded /metrics of Kuma 2.5.3", () => {
    const { samples, badLines } = parsePrometheus(fx("metrics.txt"));
    expect(badLines).toBe(0);
    const status = samples.filter((s) => s.name === "monitor_status");
    expect(status.map((s) => [s.labels.monitor_name, s.value])).toEqual([
      ["Web OK (200)", 1],
      ["API Broken (500)", 0],
      ["Backup Job (push)", 1],
    ]);
    expect(status[0].labels.monitor_hostname).toBe("null");
  });

  it("handles escaped quotes, backslashes, newlines, spaces, timestamps and special values", () => {
    const s = parseSampleLine(String.raw`monitor_status{monitor_name="Say \"hi\" \\ to C:\\x",monitor_id="7", note="a\nb",} 1 1700000000000`);
    expect(s).toEqual({ name: "monitor_status", labels: { monitor_name: 'Say "hi" \\ to C:\\x', monitor_id: "7", note: "a\nb" }, value: 1 });
    expect(parseSampleLine('m{a="}{,="} -1')!.labels.a).toBe("}{,=");
    expect(parseSampleLine("up 2.5e3")!.value).toBe(2500);
    expect(parseSampleLine("x NaN")!.value).toBeNaN();
    expect(parseSampleLine("x +Inf")!.value).toBe(Infinity);
  });

  it("counts broken lines instead of throwing", () => {
    const r = parsePrometheus('ok 1\nmonitor_status{monitor_name="unterminated} 1\n{{{\nm{a=b} 1\nm 1 2 3\nm abc\n# comment\n');
    expect(r.samples).toHaveLength(1);
    expect(r.badLines).toBe(5);
  });

  it("builds one monitor per id; -1 response time and 'null' labels become null; paused ones are absent", () => {
    const ms = monitorsFromMetrics(parsePrometheus(fx("metrics.txt")));
    expect(ms).toEqual([
      { id: 1, name: "Web OK (200)", type: "http", state: "up", responseTimeMs: 4, uptime24h: 1 },
      { id: 2, name: "API Broken (500)", type: "http", state: "down", responseTimeMs: null, uptime24h: 0 },
      { id: 4, name: "Backup Job (push)", type: "push", state: "up", responseTimeMs: 45, uptime24h: null },
    ]);
  });
});

describe("Kuma times and states", () => {
  it("reads UTC times without a zone suffix", () => {
    expect(kumaTime("2026-11-25 14:43:41.008")).toBe("2026-11-25T14:43:41.008Z");
    expect(kumaTime("2026-11-25 14:47:09")).toBe("2026-11-25T14:47:09.000Z");
    expect(kumaTime("2026-11-25T14:47:09+01:00")).toBe("2026-11-25T13:47:09.000Z");
    expect(kumaTime("yesterday")).toBeNull();
    expect(kumaTime(null)).toBeNull();
    expect(kumaTime(toKumaTime(new Date("2026-01-02T03:04:05.678Z")))).toBe("2026-01-02T03:04:05.678Z");
  });

  it("maps 0/1/2/3 and ranks down worst", () => {
    expect([0, 1, 2, 3, 9, null].map(stateOf)).toEqual(["down", "up", "pending", "maintenance", "unknown", "unknown"]);
    expect(worstState(["up", "maintenance", "pending"])).toBe("pending");
    expect(worstState(["up", "down", "unknown"])).toBe("down");
    expect(worstState([])).toBeNull();
    expect(
      sortWorstFirst([
        { name: "b", state: "up" as const },
        { name: "a", state: "down" as const },
      ]).map((m) => m.name),
    ).toEqual(["a", "b"]);
  });
});

describe("status page model", () => {
  const page = statusPageSchema.parse(JSON.parse(fx("status-page.json")));
  const beats = heartbeatSchema.parse(JSON.parse(fx("heartbeat.json")));

  it("reads monitors, last beats, 24 h uptime and sparkline data from the status page", () => {
    const ms = buildMonitors({ page, heartbeats: beats });
    expect(ms.map((m) => [m.id, m.name, m.state, m.group])).toEqual([
      [1, "Web OK (200)", "up", "Services"],
      [2, "API Broken (500)", "down", "Services"],
      [3, "Paused Service", "up", "Services"],
      [4, "Backup Job (push)", "up", "Services"],
    ]);
    const web = ms[0];
    expect(web.lastHeartbeat).toBe("2026-11-25T14:46:41.014Z");
    expect(web.responseTimeMs).toBe(4);
    expect(web.uptime24h).toBe(1);
    expect(web.beats).toHaveLength(10);
    expect(web.beats[0].time < web.beats[9].time).toBe(true);
    expect(ms[1].responseTimeMs).toBeNull();
    expect(countStates(ms)).toEqual({ up: 3, down: 1, pending: 0, maintenance: 0, unknown: 0, total: 4 });
  });

  it("merges /metrics: its state wins, and a monitor missing there is paused", () => {
    const ms = buildMonitors({ page, heartbeats: beats, metrics: monitorsFromMetrics(parsePrometheus(fx("metrics.txt"))) });
    const paused = ms.find((m) => m.id === 3)!;
    expect(paused).toMatchObject({ paused: true, state: "unknown", sources: ["status-page"] });
    expect(ms.find((m) => m.id === 1)!.sources).toEqual(["status-page", "metrics"]);
    expect(countStates(ms)).toEqual({ up: 2, down: 1, pending: 0, maintenance: 0, unknown: 1, total: 4 });
  });

  it("reads incidents in both shapes (Kuma ≥ 2.1 incidents[], ≤ 2.0 incident)", () => {
    const withIncident = JSON.parse(fx("status-page-with-incident.json"));
    expect(incidentsOf(statusPageSchema.parse(withIncident))).toEqual([
      { title: "API degraded", content: "The API returns HTTP 500; investigating.", style: "danger", createdAt: "2026-11-25T14:47:09.000Z" },
    ]);
    const { incidents, ...legacy } = withIncident;
    expect(incidentsOf(statusPageSchema.parse({ ...legacy, incident: incidents[0] }))[0].title).toBe("API degraded");
    expect(incidentsOf(statusPageSchema.parse({ ...legacy, incident: null }))).toEqual([]);
    expect(incidentsOf(page)).toEqual([]);
  });

  it("accepts the empty answer of an unknown slug and rejects a wrong shape", () => {
    expect(heartbeatSchema.parse(JSON.parse(fx("heartbeat-unknown-slug.json")))).toEqual({ heartbeatList: {}, uptimeList: {} });
    expect(statusPageSchema.safeParse({ publicGroupList: [{ monitorList: [{ id: "1", name: 2 }] }] }).success).toBe(false);
    expect(statusPageSchema.safeParse(JSON.parse(fx("status-page-not-found.json"))).success).toBe(false);
  });
});
