// A small writer for the Prometheus text exposition format (version 0.0.4):
// HELP/TYPE lines, escaped label values, histograms with cumulative `le` buckets, _sum, _count.
// Pure code (no server-only), so tests and the route share it.

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type Labels = Record<string, string>;
export type MetricType = "counter" | "gauge" | "histogram";

export interface Sample {
  labels?: Labels;
  value: number;
}

export interface HistogramSeries {
  labels?: Labels;
  /** Observed values (seconds for a duration). */
  values: number[];
}

/** Escape a label value: backslash, double quote and line feed. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Escape HELP text: backslash and line feed. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push(extra);
  if (!pairs.length) return "";
  for (const [k] of pairs) {
    if (!LABEL.test(k) || k.startsWith("__")) throw new Error(`Invalid Prometheus label name: ${k}`);
  }
  return "{" + pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",") + "}";
}

export class Exposition {
  private lines: string[] = [];
  private names = new Set<string>();

  private header(name: string, type: MetricType, help: string) {
    if (!NAME.test(name)) throw new Error(`Invalid Prometheus metric name: ${name}`);
    if (this.names.has(name)) throw new Error(`Metric ${name} written twice`);
    this.names.add(name);
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  counter(name: string, help: string, samples: Sample[]): this {
    if (!name.endsWith("_total")) throw new Error(`Counter ${name} must end in _total`);
    this.header(name, "counter", help);
    for (const s of samples) this.lines.push(`${name}${labelText(s.labels)} ${formatValue(s.value)}`);
    return this;
  }

  gauge(name: string, help: string, samples: Sample[]): this {
    this.header(name, "gauge", help);
    for (const s of samples) this.lines.push(`${name}${labelText(s.labels)} ${formatValue(s.value)}`);
    return this;
  }

  /** Buckets are upper bounds, ascending; +Inf is added. */
  histogram(name: string, help: string, buckets: number[], series: HistogramSeries[]): this {
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => b !== buckets[i] || !Number.isFinite(b))) throw new Error(`Histogram ${name}: buckets must be finite and ascending`);
    this.header(name, "histogram", help);
    for (const s of series) {
      if (s.labels && "le" in s.labels) throw new Error(`Histogram ${name}: "le" is reserved`);
      for (const b of sorted) {
        const n = s.values.filter((v) => v <= b).length;
        this.lines.push(`${name}_bucket${labelText(s.labels, ["le", formatValue(b)])} ${n}`);
      }
      this.lines.push(`${name}_bucket${labelText(s.labels, ["le", "+Inf"])} ${s.values.length}`);
      this.lines.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.values.reduce((a, v) => a + v, 0))}`);
      this.lines.push(`${name}_count${labelText(s.labels)} ${s.values.length}`);
    }
    return this;
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}
