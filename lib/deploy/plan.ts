// Pure decisions about deployments (no I/O): which release a rollback goes to, and what
// the confirmation dialog says will change. Tested without React, a database or Docker.
import type { Deployment, ServiceImage } from "./types";

type HistoryItem = Pick<Deployment, "id" | "kind" | "status" | "to" | "toSha" | "finishedAt" | "services" | "actor">;

export interface ReleasePoint {
  release: string;
  sha: string | null;
  deploymentId: string;
  at: string | null;
  by: string;
}

export interface ServiceChange {
  service: string;
  from: string | null;
  to: string | null;
  /** The exact image the target ran verified (digest or image ID), shown shortened. */
  exact: string | null;
}

export interface StackPlan {
  stack: string;
  change: "added" | "removed" | "changed";
  services: ServiceChange[];
}

export interface RollbackPlan {
  available: boolean;
  /** Why no rollback is offered (no history, nothing before the current release). */
  reason?: string;
  current: ReleasePoint | null;
  target: ReleasePoint | null;
  stacks: StackPlan[];
  /** One sentence for the dialog: "1 stack: web — oresi-test/web 1.1.0 → 1.0.0". */
  summary: string;
}

function point(d: HistoryItem): ReleasePoint {
  return { release: d.to!, sha: d.toSha, deploymentId: d.id, at: d.finishedAt, by: d.actor.name };
}

/**
 * The chain of releases that were deployed, as a stack: a rollout pushes its release,
 * a rollback pops back to its target. So "Roll back" twice goes back two releases,
 * never forth and back between the last two.
 */
export function deployedChain(history: readonly HistoryItem[]): HistoryItem[] {
  const chain: HistoryItem[] = [];
  for (const d of history) {
    if (d.status !== "succeeded" || !d.to) continue;
    const top = chain[chain.length - 1];
    if (d.kind === "rollback") {
      const idx = chain.map((c) => c.to).lastIndexOf(d.to);
      if (idx >= 0) {
        chain.length = idx;
        chain.push(d);
        continue;
      }
    }
    if (top && top.to === d.to) chain[chain.length - 1] = d;
    else chain.push(d);
  }
  return chain;
}

/** Shorten an image reference change for a person: "oresi-test/web 1.1.0 → 1.0.0". */
export function describeImageChange(from: string | null, to: string | null): string {
  if (!from) return `new ${to}`;
  if (!to) return `${from} removed`;
  const split = (r: string) => {
    const at = r.indexOf("@");
    const base = at >= 0 ? r.slice(0, at) : r;
    const colon = base.lastIndexOf(":");
    const slash = base.lastIndexOf("/");
    return colon > slash ? { repo: base.slice(0, colon), tag: base.slice(colon + 1) } : { repo: base, tag: "latest" };
  };
  const a = split(from);
  const b = split(to);
  return a.repo === b.repo ? `${a.repo} ${a.tag} → ${b.tag}` : `${from} → ${to}`;
}

export function shortId(id: string | null | undefined): string | null {
  if (!id) return null;
  const m = /sha256:([0-9a-f]{12})/.exec(id);
  return m ? `sha256:${m[1]}` : id.slice(0, 19);
}

/** Per stack and service: what changes between two recorded sets of images. */
export function diffServices(from: readonly ServiceImage[], to: readonly ServiceImage[]): StackPlan[] {
  const key = (s: ServiceImage) => `${s.stack}\u0000${s.service}`;
  const a = new Map(from.map((s) => [key(s), s]));
  const b = new Map(to.map((s) => [key(s), s]));
  const stacks = new Map<string, StackPlan>();
  const stacksFrom = new Set(from.map((s) => s.stack));
  const stacksTo = new Set(to.map((s) => s.stack));
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    const same = x && y && x.image === y.image && (!x.imageId || !y.imageId || x.imageId === y.imageId);
    if (same) continue;
    const stack = (x ?? y)!.stack;
    const change = !stacksFrom.has(stack) ? "added" : !stacksTo.has(stack) ? "removed" : "changed";
    if (!stacks.has(stack)) stacks.set(stack, { stack, change, services: [] });
    stacks.get(stack)!.services.push({
      service: (x ?? y)!.service,
      from: x?.image ?? null,
      to: y?.image ?? null,
      exact: shortId(y?.digest ?? y?.imageId ?? null),
    });
  }
  return [...stacks.values()].sort((p, q) => p.stack.localeCompare(q.stack));
}

export function summarize(stacks: readonly StackPlan[]): string {
  if (!stacks.length) return "No stack changes its images (the release's other files are switched back).";
  const parts = stacks.map((s) => {
    const what = s.services
      .map((c) => (c.from === c.to ? `${c.from} (back to ${c.exact ?? "the recorded image"})` : describeImageChange(c.from, c.to)))
      .join(", ");
    return `${s.stack}${s.change === "changed" ? "" : ` (${s.change === "added" ? "comes back" : "removed"})`} — ${what}`;
  });
  return `${stacks.length} stack${stacks.length === 1 ? "" : "s"}: ${parts.join("; ")}`;
}

/** What "Roll back" would do, from the deployment history (oldest first). */
export function planRollback(history: readonly HistoryItem[]): RollbackPlan {
  const chain = deployedChain(history);
  const cur = chain[chain.length - 1];
  const prev = chain[chain.length - 2];
  if (!cur) return { available: false, reason: "Nothing has been deployed yet.", current: null, target: null, stacks: [], summary: "" };
  if (!prev)
    return {
      available: false,
      reason: `${cur.to} is the first release deployed here; there is nothing earlier to go back to.`,
      current: point(cur),
      target: null,
      stacks: [],
      summary: "",
    };
  const stacks = diffServices(cur.services ?? [], prev.services ?? []);
  return { available: true, current: point(cur), target: point(prev), stacks, summary: summarize(stacks) };
}
