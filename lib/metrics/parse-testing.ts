// A small parser of the Prometheus text format, for tests (checks what the writer produced).
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface ParsedFamily {
  name: string;
  type: string | null;
  help: string | null;
  samples: ParsedSample[];
}

function unescape(v: string, quotes: boolean): string {
  return v.replace(quotes ? /\\(["\\n])/g : /\\([\\n])/g, (_m, c: string) => (c === "n" ? "\n" : c));
}

function parseValue(v: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  if (v === "NaN") return NaN;
  const n = Number(v);
  if (v === "" || Number.isNaN(n)) throw new Error(`not a sample value: ${v}`);
  return n;
}

/** Families by name; histogram samples (_bucket, _sum, _count) belong to their family. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: null, help: null, samples: [] }));
    return f;
  };
  if (!text.endsWith("\n")) throw new Error("exposition must end with a line feed");
  for (const line of text.slice(0, -1).split("\n")) {
    let m: RegExpExecArray | null;
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line))) {
      family(m[1]).help = unescape(m[2], false);
      continue;
    }
    if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      const f = family(m[1]);
      if (f.samples.length) throw new Error(`TYPE after samples for ${m[1]}`);
      f.type = m[2];
      continue;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$)/gy;
      let lm: RegExpExecArray | null;
      let end = 0;
      while ((lm = re.exec(m[2]))) {
        labels[lm[1]] = unescape(lm[2], true);
        end = re.lastIndex;
        if (lm[3] === "") break;
      }
      if (end !== m[2].length) throw new Error(`bad labels: ${m[2]}`);
    }
    const name = m[1];
    const base = families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
    const f = families.get(base);
    if (!f || !f.type) throw new Error(`sample ${name} without TYPE`);
    if (base !== name && f.type !== "histogram" && f.type !== "summary") throw new Error(`sample ${name} in ${f.type} ${base}`);
    f.samples.push({ name, labels, value: parseValue(m[3]) });
  }
  return families;
}
