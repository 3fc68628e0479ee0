// Unified-diff hunks between two texts, by the `diff` package (jsdiff's structuredPatch). Pure.
import { structuredPatch } from "diff";

export type DiffLine = { kind: " " | "+" | "-"; text: string; oldNo: number | null; newNo: number | null };
export interface Hunk {
  header: string;
  lines: DiffLine[];
}

/** Lines of a text, one trailing newline ignored (so "a" and "a\n" do not differ); null or "" = no lines. */
const splitLines = (s: string | null) => (s == null || s === "" ? [] : s.replace(/\n$/, "").split("\n"));
/** Every line newline-terminated, so jsdiff adds no "\ No newline at end of file" markers. */
const normalize = (s: string | null) =>
  splitLines(s)
    .map((l) => `${l}\n`)
    .join("");
const range = (start: number, len: number) => `${len === 0 ? start - 1 : start}${len === 1 ? "" : `,${len}`}`;

/** Unified-diff hunks between two texts (null = file absent), with `context` lines around changes. */
export function unifiedDiff(before: string | null, after: string | null, context = 3): Hunk[] {
  const patch = structuredPatch("a", "b", normalize(before), normalize(after), undefined, undefined, { context });
  return patch.hunks.map((h) => {
    let oldNo = h.oldStart;
    let newNo = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const kind = raw[0];
      const text = raw.slice(1);
      if (kind === "+") lines.push({ kind, text, oldNo: null, newNo: newNo++ });
      else if (kind === "-") lines.push({ kind, text, oldNo: oldNo++, newNo: null });
      else if (kind === " ") lines.push({ kind, text, oldNo: oldNo++, newNo: newNo++ });
    }
    return { header: `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, lines };
  });
}

/** The hunks as unified-diff text (for the API and copy/paste). */
export function formatUnified(path: string, hunks: Hunk[], status: "A" | "D" | "M"): string {
  const head = `--- ${status === "A" ? "/dev/null" : `a/${path}`}\n+++ ${status === "D" ? "/dev/null" : `b/${path}`}\n`;
  return head + hunks.map((h) => `${h.header}\n${h.lines.map((l) => l.kind + l.text).join("\n")}`).join("\n") + "\n";
}
