// A small parser for the Prometheus text format 0.0.4 (what Kuma's /metrics answers).
// Robust on purpose: escaped quotes and backslashes in label values, optional timestamps,
// NaN/±Inf, comments; a line it cannot read is counted and skipped, never thrown.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedMetrics {
  samples: Sample[];
  /** Lines that were neither comments nor samples. */
  badLines: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(s: string): number | null {
  if (s === "NaN") return NaN;
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

/** One sample line, or null when it is not one. */
export function parseSampleLine(line: string): Sample | null {
  const nm = NAME.exec(line);
  if (!nm) return null;
  const name = nm[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === ",") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const ln = LABEL_NAME.exec(line.slice(i));
      if (!ln) return null;
      i += ln[0].length;
      while (line[i] === " ") i++;
      if (line[i] !== "=") return null;
      i++;
      while (line[i] === " ") i++;
      if (line[i] !== '"') return null;
      i++;
      let v = "";
      for (;;) {
        if (i >= line.length) return null; // unterminated value
        const ch = line[i];
        if (ch === "\\") {
          const nx = line[i + 1];
          v += nx === "n" ? "\n" : nx === '"' ? '"' : nx === "\\" ? "\\" : "\\" + (nx ?? "");
          i += 2;
          continue;
        }
        if (ch === '"') {
          i++;
          break;
        }
        v += ch;
        i++;
      }
      labels[ln[0]] = v;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === "") return null;
  const value = parseValue(rest[0]);
  if (value === null) return null;
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) return null;
  return { name, labels, value };
}

export function parsePrometheus(text: string): ParsedMetrics {
  const samples: Sample[] = [];
  let badLines = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const s = parseSampleLine(line);
    if (s) samples.push(s);
    else badLines++;
  }
  return { samples, badLines };
}
