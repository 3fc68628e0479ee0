// A small line diff (LCS via Myers' O(ND)) producing unified-diff hunks. Pure.

export type DiffLine = { kind: " " | "+" | "-"; text: string; oldNo: number | null; newNo: number | null };
export interface Hunk {
  header: string;
  lines: DiffLine[];
}

function myers(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Backtrack.
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vv = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vv[max + k - 1] < vv[max + k + 1]) ? k + 1 : k - 1;
    const prevX = vv[max + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ kind: " ", text: a[x - 1], oldNo: x, newNo: y });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ kind: "+", text: b[y - 1], oldNo: null, newNo: y });
      else out.push({ kind: "-", text: a[x - 1], oldNo: x, newNo: null });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

const splitLines = (s: string | null) => (s == null || s === "" ? [] : s.replace(/\n$/, "").split("\n"));

/** Unified-diff hunks between two texts (null = file absent), with `context` lines around changes. */
export function unifiedDiff(before: string | null, after: string | null, context = 3): Hunk[] {
  const lines = myers(splitLines(before), splitLines(after));
  const changed = lines.map((l, i) => (l.kind !== " " ? i : -1)).filter((i) => i >= 0);
  if (!changed.length) return [];
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let end = Math.min(lines.length - 1, changed[i] + context);
    while (i + 1 < changed.length && changed[i + 1] - context <= end + 1) {
      i++;
      end = Math.min(lines.length - 1, changed[i] + context);
    }
    i++;
    const slice = lines.slice(start, end + 1);
    const oldStart = slice.find((l) => l.oldNo !== null)?.oldNo ?? 0;
    const newStart = slice.find((l) => l.newNo !== null)?.newNo ?? 0;
    const oldLen = slice.filter((l) => l.kind !== "+").length;
    const newLen = slice.filter((l) => l.kind !== "-").length;
    hunks.push({ header: `@@ -${oldLen ? oldStart : oldStart}${oldLen === 1 ? "" : `,${oldLen}`} +${newStart}${newLen === 1 ? "" : `,${newLen}`} @@`, lines: slice });
  }
  return hunks;
}

/** The hunks as unified-diff text (for the API and copy/paste). */
export function formatUnified(path: string, hunks: Hunk[], status: "A" | "D" | "M"): string {
  const head = `--- ${status === "A" ? "/dev/null" : `a/${path}`}\n+++ ${status === "D" ? "/dev/null" : `b/${path}`}\n`;
  return head + hunks.map((h) => `${h.header}\n${h.lines.map((l) => l.kind + l.text).join("\n")}`).join("\n") + "\n";
}
