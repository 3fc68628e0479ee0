import { describe, expect, it } from "vitest";
import { Exposition, escapeLabelValue } from "./exposition";
import { parseExposition } from "./parse-testing";

describe("Prometheus exposition writer", () => {
  it("writes HELP/TYPE, escapes label values and help text, and parses back", () => {
    const text = new Exposition()
      .counter("x_total", 'Counts "things"\nsecond line \\ end', [{ labels: { path: 'C:\\dir "quoted"\nnext' }, value: 3 }, { value: 0 }])
      .gauge("g", "A gauge.", [{ labels: { a: "1", b: "" }, value: -1.5 }, { value: NaN }])
      .toString();
    expect(text).toContain('# HELP x_total Counts "things"\\nsecond line \\\\ end\n# TYPE x_total counter\n');
    expect(text).toContain('x_total{path="C:\\\\dir \\"quoted\\"\\nnext"} 3\n');
    expect(text.endsWith("\n")).toBe(true);
    const m = parseExposition(text);
    expect(m.get("x_total")).toMatchObject({ type: "counter", help: 'Counts "things"\nsecond line \\ end' });
    expect(m.get("x_total")!.samples[0]).toEqual({ name: "x_total", labels: { path: 'C:\\dir "quoted"\nnext' }, value: 3 });
    expect(m.get("g")!.samples.map((s) => s.value)).toEqual([-1.5, NaN]);
    expect(escapeLabelValue("a\\b")).toBe("a\\\\b");
  });

  it("writes cumulative histogram buckets with le, +Inf, _sum and _count", () => {
    const text = new Exposition().histogram("d_seconds", "Durations.", [1, 5, 10], [{ labels: { kind: "rollout" }, values: [0.5, 1, 7, 30] }]).toString();
    const h = parseExposition(text).get("d_seconds")!;
    expect(h.type).toBe("histogram");
    const buckets = h.samples.filter((s) => s.name === "d_seconds_bucket").map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      ["1", 2],
      ["5", 2],
      ["10", 3],
      ["+Inf", 4],
    ]);
    expect(h.samples.find((s) => s.name === "d_seconds_sum")).toMatchObject({ labels: { kind: "rollout" }, value: 38.5 });
    expect(h.samples.find((s) => s.name === "d_seconds_count")).toMatchObject({ labels: { kind: "rollout" }, value: 4 });
  });

  it("refuses invalid names, a counter without _total, unsorted buckets and a reserved le label", () => {
    expect(() => new Exposition().gauge("bad-name", "x", [])).toThrow(/metric name/);
    expect(() => new Exposition().gauge("g", "x", [{ labels: { "bad-label": "v" }, value: 1 }])).toThrow(/label name/);
    expect(() => new Exposition().counter("c", "x", [])).toThrow(/_total/);
    expect(() => new Exposition().histogram("h", "x", [5, 1], [])).toThrow(/ascending/);
    expect(() => new Exposition().histogram("h", "x", [1], [{ labels: { le: "1" }, values: [] }])).toThrow(/reserved/);
    expect(() => new Exposition().gauge("g", "x", []).gauge("g", "x", [])).toThrow(/twice/);
  });
});
