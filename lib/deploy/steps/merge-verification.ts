import type { Verification } from "../types";

/** Two hosts' verifications as one record: every row, ok when both are, the later summary. */
export function mergeVerifications(a: Verification, b: Verification): Verification {
  const rows = [...a.rows, ...b.rows];
  const ok = a.ok && b.ok;
  return {
    ok,
    startedAt: a.startedAt,
    finishedAt: b.finishedAt,
    timeoutMs: Math.max(a.timeoutMs, b.timeoutMs),
    rows,
    summary: ok ? `Verified: ${rows.filter((x) => x.ok && !x.informational).length} check(s) passed.` : b.ok ? a.summary : b.summary,
  };
}
