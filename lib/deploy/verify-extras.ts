import "server-only";
import { listContainers } from "../docker/containers";
import { LOCAL_HOST } from "../docker/hosts";
import { countErrorLines } from "../docker/logs";
import { kumaConfigured } from "../kuma/client";
import { verifyMonitors } from "../kuma/verify";
import type { LogLine, VerificationRow } from "./types";
import type { StackToVerify } from "./verify";

// The other two verification signals: the stacks' Uptime Kuma monitors (up, with a heartbeat
// newer than the start; only when Kuma is configured and the stack names monitors) and the
// count of error lines in their containers' logs since the start (required only when a stack
// sets x-oresi.verify.logs).

export async function verifyExtras(
  stacks: StackToVerify[],
  opts: { since: Date; log: (line: string, stream?: LogLine["stream"]) => void; signal?: AbortSignal },
): Promise<{ rows: VerificationRow[] }> {
  const [kuma, logs] = await Promise.all([kumaRows(stacks, opts), logRows(stacks, opts)]);
  return { rows: [...kuma, ...logs] };
}

async function kumaRows(stacks: StackToVerify[], opts: { since: Date; log: (l: string) => void; signal?: AbortSignal }): Promise<VerificationRow[]> {
  const named = stacks.filter((s) => s.settings.kuma.length);
  if (!named.length) return [];
  const conf = kumaConfigured();
  const rows: VerificationRow[] = [];
  const required = "up, with a heartbeat newer than the start";
  for (const s of named) {
    if (!s.settings.verify.kuma) {
      rows.push(
        ...s.settings.kuma.map((m) => ({
          stack: s.stack,
          subject: m,
          signal: "kuma" as const,
          required: "not required (x-oresi.verify.kuma: false)",
          seen: "not checked",
          ok: true,
          informational: true,
        })),
      );
      continue;
    }
    if (!conf.metrics && !conf.statusPage) {
      rows.push(
        ...s.settings.kuma.map((m) => ({
          stack: s.stack,
          subject: m,
          signal: "kuma" as const,
          required,
          seen: "not checked: Uptime Kuma is not configured",
          ok: true,
          informational: true,
        })),
      );
      continue;
    }
    const r = await verifyMonitors({
      names: s.settings.kuma,
      since: opts.since,
      timeoutMs: s.timeoutMs,
      signal: opts.signal,
      pollMs: 1000,
      onProgress: (l) => opts.log(`${s.stack}: ${l}`),
    });
    for (const m of r.monitors) rows.push({ stack: s.stack, subject: m.name, signal: "kuma", required, seen: m.reason, ok: m.ok });
  }
  return rows;
}

async function logRows(
  stacks: StackToVerify[],
  opts: { since: Date; log: (l: string, s?: LogLine["stream"]) => void; signal?: AbortSignal },
): Promise<VerificationRow[]> {
  const list = (await Promise.all([...new Set(stacks.map((s) => s.host ?? LOCAL_HOST))].map((h) => listContainers(h)))).flat();
  const rows: VerificationRow[] = [];
  await Promise.all(
    stacks.map(async (s) => {
      const v = s.settings.verify;
      const mine = list.filter((c) => c.project === s.stack && c.host === (s.host ?? LOCAL_HOST) && !c.oneoff && c.service && s.services.includes(c.service));
      for (const c of mine) {
        try {
          const n = await countErrorLines(c.id, opts.since, { signal: opts.signal, host: c.host });
          const ok = !v.logs || n.errors <= v.maxErrorLines;
          rows.push({
            stack: s.stack,
            subject: c.service!,
            signal: "logs",
            required: v.logs ? `at most ${v.maxErrorLines} error line(s)` : "counted, not required",
            seen: `${n.errors} error line(s) in ${n.lines} since the start`,
            ok,
            informational: !v.logs,
          });
          for (const l of n.samples.slice(0, 3)) opts.log(`${s.stack}/${c.service} log: ${l.text}`, v.logs ? "error" : "warn");
        } catch (e) {
          rows.push({
            stack: s.stack,
            subject: c.service!,
            signal: "logs",
            required: v.logs ? `at most ${v.maxErrorLines} error line(s)` : "counted, not required",
            seen: `could not read logs: ${(e as Error).message}`,
            ok: !v.logs,
            informational: !v.logs,
          });
        }
      }
    }),
  );
  return rows.sort((a, b) => `${a.stack}/${a.subject}`.localeCompare(`${b.stack}/${b.subject}`));
}
