import "server-only";
import { cachedKuma, KumaError, kumaConfigured } from "./client";
import { buildMonitors, type MetricsMonitor } from "./model";
import type { Monitor, MonitorState } from "./types";

// "Are these monitors all up, with a heartbeat newer than the rollout's start?" — the Kuma
// signal of a deployment's verification. /metrics is preferred when KUMA_API_KEY is set
// (Kuma does not cache it); otherwise the status page's heartbeats are polled (Kuma caches
// them for up to a minute) until each monitor has a heartbeat newer than `since`.
// Kuma unreachable is "unknown", never "up".

export interface VerifyMonitorsInput {
  /** Monitor names as the stacks name them (x-oresi.kuma); matched exactly, then ignoring case. */
  names: string[];
  /** The rollout's start: heartbeats at or before it do not count (status-page way). */
  since: Date | string | number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** How often to ask Kuma again (default 2000 ms). */
  pollMs?: number;
  /** A line for the deployment log whenever the picture changes. */
  onProgress?: (line: string) => void;
}

export interface MonitorVerdict {
  name: string;
  ok: boolean;
  status: MonitorState;
  /** ISO time of the newest heartbeat seen (status-page way), else null. */
  lastHeartbeat: string | null;
  /** Why it is ok or not, in one sentence. */
  reason: string;
  monitorId: number | null;
}

export interface VerifyMonitorsResult {
  /** Every monitor ok (true for an empty list). */
  ok: boolean;
  source: "metrics" | "status-page" | "none";
  /** Stopped because the timeout passed (or the signal aborted) with monitors not ok. */
  timedOut: boolean;
  monitors: MonitorVerdict[];
  checkedAt: string;
}

/** Errors that do not fix themselves while we wait. */
const TERMINAL = new Set(["unconfigured", "unauthorized", "not_found"]);

interface Judgement {
  verdicts: MonitorVerdict[];
  /** Nothing will change by waiting (all ok, or only terminal problems left). */
  settled: boolean;
}

function find<T extends { name: string }>(list: T[], name: string): T | undefined {
  return list.find((m) => m.name === name) ?? list.find((m) => m.name.trim().toLowerCase() === name.trim().toLowerCase());
}

const STATE_WORDS: Record<MonitorState, string> = {
  up: "up",
  down: "down",
  pending: "pending (Kuma is retrying)",
  maintenance: "in maintenance (Kuma does not check it now)",
  unknown: "unknown",
};

function unreachable(names: string[], e: unknown): Judgement {
  const msg = e instanceof KumaError ? e.message : ((e as Error)?.message ?? String(e));
  const terminal = e instanceof KumaError && TERMINAL.has(e.kind);
  return {
    verdicts: names.map((name) => ({ name, ok: false, status: "unknown", lastHeartbeat: null, reason: `Unknown: ${msg}`, monitorId: null })),
    settled: terminal,
  };
}

function judgeMetrics(names: string[], metrics: MetricsMonitor[]): Judgement {
  let settled = true;
  const verdicts = names.map((name): MonitorVerdict => {
    const m = find(metrics, name);
    if (!m)
      return {
        name,
        ok: false,
        status: "unknown",
        lastHeartbeat: null,
        monitorId: null,
        reason: `No active monitor named "${name}" in Uptime Kuma's /metrics (paused, or named differently: check x-oresi.kuma).`,
      };
    const ok = m.state === "up";
    if (!ok) settled = false;
    return {
      name,
      ok,
      status: m.state,
      lastHeartbeat: null,
      monitorId: m.id,
      reason: ok
        ? `Up in Uptime Kuma (/metrics${m.responseTimeMs !== null ? `, ${m.responseTimeMs} ms` : ""}).`
        : `${STATE_WORDS[m.state][0].toUpperCase()}${STATE_WORDS[m.state].slice(1)} in Uptime Kuma (/metrics).`,
    };
  });
  return { verdicts, settled };
}

function judgeHeartbeats(names: string[], monitors: Monitor[], sinceMs: number): Judgement {
  let settled = true;
  const sinceIso = new Date(sinceMs).toISOString();
  const verdicts = names.map((name): MonitorVerdict => {
    const m = find(monitors, name);
    if (!m)
      return {
        name,
        ok: false,
        status: "unknown",
        lastHeartbeat: null,
        monitorId: null,
        reason: `No monitor named "${name}" on the Kuma status page (add it to the page, or check x-oresi.kuma).`,
      };
    const last = m.beats.at(-1);
    const base = { name, status: m.state, lastHeartbeat: last?.time ?? null, monitorId: m.id };
    if (!last) {
      settled = false;
      return { ...base, ok: false, reason: "No heartbeat yet." };
    }
    const fresh = Date.parse(last.time) > sinceMs;
    if (!fresh) {
      settled = false;
      return {
        ...base,
        ok: false,
        reason: `Last heartbeat (${STATE_WORDS[last.state]}) at ${last.time} is not newer than ${sinceIso}; waiting for a newer one (Kuma caches heartbeats for up to a minute).`,
      };
    }
    if (last.state === "up") return { ...base, ok: true, reason: `Up, heartbeat at ${last.time}.` };
    settled = false;
    return {
      ...base,
      ok: false,
      reason: `${STATE_WORDS[last.state][0].toUpperCase()}${STATE_WORDS[last.state].slice(1)} at ${last.time}${last.msg ? `: ${last.msg}` : ""}.`,
    };
  });
  return { verdicts, settled };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export async function verifyMonitors(input: VerifyMonitorsInput): Promise<VerifyMonitorsResult> {
  const { names, timeoutMs, signal, onProgress } = input;
  const pollMs = Math.max(50, input.pollMs ?? 2000);
  const sinceMs = input.since instanceof Date ? input.since.getTime() : typeof input.since === "number" ? input.since : Date.parse(input.since);
  const conf = kumaConfigured();
  const source: VerifyMonitorsResult["source"] = conf.metrics ? "metrics" : conf.statusPage ? "status-page" : "none";
  const finish = (j: Judgement, timedOut: boolean): VerifyMonitorsResult => ({
    ok: j.verdicts.every((v) => v.ok),
    source,
    timedOut,
    monitors: j.verdicts,
    checkedAt: new Date().toISOString(),
  });
  if (!names.length) return finish({ verdicts: [], settled: true }, false);
  if (source === "none")
    return finish(
      unreachable(names, new KumaError("unconfigured", "metrics", "Uptime Kuma is not configured (set KUMA_URL with KUMA_API_KEY or KUMA_STATUS_PAGE).")),
      false,
    );
  if (!Number.isFinite(sinceMs)) throw new TypeError("verifyMonitors: since is not a time");

  const deadline = Date.now() + Math.max(0, timeoutMs);
  let last = "";
  for (;;) {
    let j: Judgement;
    try {
      if (source === "metrics") {
        j = judgeMetrics(names, await cachedKuma.metrics(0));
      } else {
        const [page, beats] = await Promise.all([cachedKuma.statusPage(), cachedKuma.heartbeats(0)]);
        j = judgeHeartbeats(names, buildMonitors({ page, heartbeats: beats }), sinceMs);
      }
    } catch (e) {
      j = unreachable(names, e);
    }
    const line = j.verdicts.map((v) => `${v.name}: ${v.ok ? "ok" : v.reason}`).join("; ");
    if (line !== last) onProgress?.(`Kuma (${source}): ${line}`);
    last = line;
    const allOk = j.verdicts.every((v) => v.ok);
    if (allOk || j.settled) return finish(j, false);
    if (signal?.aborted || Date.now() >= deadline) {
      if (signal?.aborted) j.verdicts = j.verdicts.map((v) => (v.ok ? v : { ...v, reason: `${v.reason} (verification cancelled)` }));
      return finish(j, true);
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
  }
}
