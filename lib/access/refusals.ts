// Page requests refused by proxy.ts (the allowlist) are audit events too. The proxy stays
// light, with no SQLite in its bundle: it queues each refusal in process memory (globalThis,
// shared by the proxy and the server bundles of this one process), and the server drains the
// queue into the audit trail (lib/access/startup.ts).
export interface QueuedRefusal {
  at: string;
  ip: string;
  method: string;
  path: string;
  status: number;
  reason: string;
}

const MAX = 1000;

function queue(): QueuedRefusal[] {
  const g = globalThis as { __oresiRefusals?: QueuedRefusal[] };
  return (g.__oresiRefusals ??= []);
}

/** Remember a refusal (bounded: a flood keeps the first MAX until the next drain). */
export function queueRefusal(r: QueuedRefusal): void {
  const q = queue();
  if (q.length < MAX) q.push(r);
}

/** Take every queued refusal, oldest first. */
export function takeRefusals(): QueuedRefusal[] {
  return queue().splice(0);
}
