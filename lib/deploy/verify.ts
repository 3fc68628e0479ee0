import "server-only";
import { invalidateContainers, listContainers, containerDetails } from "../docker/containers";
import { LOCAL_HOST } from "../docker/hosts";
import type { ContainerInfo } from "../docker/types";
import type { XOresi } from "../docker/x-oresi";
import type { VerificationRow } from "./types";

// Verification of the containers of the stacks a deployment changed: every service has
// a container that is running, healthy where it has a healthcheck, and not restarting,
// within the stack's timeout. Polls the (shared, cached) container list every POLL_MS.

export const POLL_MS = 250;
/** A container without a healthcheck must stay running this long to count as up. */
export const SETTLE_MS = 1500;
/** Unhealthy for this long (Docker already waited its retries) is a definite failure; shorter may recover under load. */
export const UNHEALTHY_GRACE_MS = 10_000;

export interface StackToVerify {
  stack: string;
  /** Its Docker host (unset: `local`). */
  host?: string;
  services: string[];
  settings: XOresi;
  timeoutMs: number;
}

export interface ContainerVerdict {
  rows: VerificationRow[];
  ok: boolean;
  /** A definite failure (unhealthy, exited, missing after up): no point waiting longer. */
  final: boolean;
}

function judge(
  stack: StackToVerify,
  containers: ContainerInfo[],
  firstOk: Map<string, number>,
  now: number,
  restarts: Map<string, number>,
  firstBad: Map<string, number>,
): ContainerVerdict {
  const rows: VerificationRow[] = [];
  let final = false;
  for (const svc of stack.services) {
    const mine = containers.filter((c) => c.project === stack.stack && c.host === (stack.host ?? LOCAL_HOST) && c.service === svc && !c.oneoff);
    const required = "running, healthy if it has a healthcheck, not restarting";
    if (!mine.length) {
      rows.push({ stack: stack.stack, subject: svc, signal: "container", required, seen: "no container", ok: false });
      continue;
    }
    for (const c of mine) {
      let seen: string;
      let ok = false;
      const restarted = restarts.get(c.id) ?? 0;
      if (c.state === "restarting") seen = "restarting";
      else if (c.state !== "running") {
        seen = `${c.state} (${c.status})`;
        if (c.state === "exited" || c.state === "dead") final = true;
      } else if (c.health === "unhealthy") {
        seen = "running, unhealthy";
        const since = firstBad.get(c.id) ?? now;
        firstBad.set(c.id, since);
        if (now - since >= UNHEALTHY_GRACE_MS) final = true;
      } else if (c.health === "starting") seen = "running, health: starting";
      else if (restarted > 0) seen = `running, restarted ${restarted}×`;
      else if (c.health === "healthy") {
        seen = "running, healthy";
        ok = true;
      } else {
        const since = firstOk.get(c.id) ?? now;
        firstOk.set(c.id, since);
        ok = now - since >= SETTLE_MS;
        seen = ok ? "running (no healthcheck)" : "running, settling";
      }
      if (c.state !== "running") firstOk.delete(c.id);
      if (c.health !== "unhealthy") firstBad.delete(c.id);
      rows.push({ stack: stack.stack, subject: mine.length > 1 ? `${svc} (${c.name})` : svc, signal: "container", required, seen, ok });
    }
  }
  return { rows, ok: rows.every((r) => r.ok), final };
}

/**
 * Poll until every container of the stacks is fine, one is definitely broken, or the
 * timeout passes. Returns the last verdict per stack (rows for the verification table).
 */
export async function verifyContainers(
  stacks: StackToVerify[],
  opts: { signal?: AbortSignal; onProgress?: (line: string) => void; since: number },
): Promise<{ ok: boolean; rows: VerificationRow[]; timedOut: boolean }> {
  const firstOk = new Map<string, number>();
  const firstBad = new Map<string, number>();
  const start = Date.now();
  const deadline = new Map(stacks.map((s) => [s.stack, start + s.timeoutMs]));
  const done = new Map<string, ContainerVerdict>();
  let lastReport = "";
  for (;;) {
    invalidateContainers();
    // Only the hosts of these stacks are asked (another host being down does not matter here).
    const list = (await Promise.all([...new Set(stacks.map((s) => s.host ?? LOCAL_HOST))].map((h) => listContainers(h)))).flat();
    // Restart counts come from inspect (cached by state); only containers created by this deployment count.
    const ours = list.filter(
      (c) => stacks.some((s) => s.stack === c.project && (s.host ?? LOCAL_HOST) === c.host) && new Date(c.created).getTime() >= opts.since - 1000,
    );
    const details = ours.length ? await containerDetails(ours) : new Map();
    const restarts = new Map([...details.values()].map((d) => [d.id, d.restartCount]));
    const now = Date.now();
    for (const s of stacks) {
      if (done.has(s.stack)) continue;
      const v = judge(s, list, firstOk, now, restarts, firstBad);
      if (v.ok || v.final || now >= deadline.get(s.stack)!) done.set(s.stack, v);
      else {
        const report = v.rows.map((r) => `${r.subject}: ${r.seen}`).join(", ");
        if (report !== lastReport) opts.onProgress?.(`${s.stack}: ${report}`);
        lastReport = report;
      }
    }
    if (done.size === stacks.length) break;
    if (opts.signal?.aborted) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const rows = stacks.flatMap((s) => done.get(s.stack)?.rows ?? []);
  const timedOut = stacks.some((s) => {
    const v = done.get(s.stack);
    return v && !v.ok && !v.final;
  });
  return { ok: rows.every((r) => r.ok), rows, timedOut };
}
