// Which stack a monitor belongs to. Pure: tested without Kuma or git.
//
// 1. A stack names its monitors in its compose file: `x-oresi: { kuma: ["Jellyfin"] }`.
//    The name is looked up exactly, then ignoring case and surrounding spaces.
//    A monitor named by several stacks belongs to each of them.
// 2. A monitor that no stack names is matched by name: both names are lower-cased and runs of
//    spaces, "-" and "_" count as one space; the monitor belongs to the stack when its name
//    equals the stack name or starts with it followed by a space, ":", "/" or "(".
//    "Jellyfin", "jellyfin: HTTPS", "Home Assistant (LAN)" match the stacks jellyfin and
//    home-assistant; "Jellyfin2" does not match jellyfin. When several stacks match, the
//    longest stack name wins (media-server before media).
// 3. Otherwise the monitor is unassigned.
import { worstState, type MonitorState, type StackMonitor, type StackMonitors } from "./types";

export interface StackKumaConfig {
  stack: string;
  /** Monitor names from x-oresi.kuma. */
  kuma: string[];
  error?: string;
}

export function normalizeName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\s_-]+/g, " ")
    .trim();
}

export function nameMatchesStack(monitorName: string, stack: string): boolean {
  const m = normalizeName(monitorName);
  const s = normalizeName(stack);
  if (!s) return false;
  if (m === s) return true;
  return m.startsWith(s) && [" ", ":", "/", "("].includes(m[s.length]);
}

interface MonitorLike {
  id: number;
  name: string;
  state: MonitorState;
}

export function mapMonitorsToStacks(monitors: MonitorLike[], stacks: StackKumaConfig[]): { stacks: StackMonitors[]; unassigned: number[] } {
  const byExact = new Map<string, MonitorLike>();
  const byLower = new Map<string, MonitorLike>();
  for (const m of monitors) {
    if (!byExact.has(m.name)) byExact.set(m.name, m);
    const k = m.name.trim().toLowerCase();
    if (!byLower.has(k)) byLower.set(k, m);
  }
  const named = new Set<number>();
  const out: StackMonitors[] = stacks.map((s) => {
    const list: StackMonitor[] = [];
    const missing: string[] = [];
    for (const name of s.kuma) {
      const m = byExact.get(name) ?? byLower.get(name.trim().toLowerCase());
      if (!m) {
        missing.push(name);
        continue;
      }
      if (list.some((x) => x.monitorId === m.id)) continue;
      named.add(m.id);
      list.push({ name: m.name, monitorId: m.id, via: "x-oresi", state: m.state });
    }
    return { stack: s.stack, state: null, monitors: list, missing, ...(s.error ? { error: s.error } : {}) };
  });

  const unassigned: number[] = [];
  const byLength = [...out].sort((a, b) => normalizeName(b.stack).length - normalizeName(a.stack).length);
  for (const m of monitors) {
    if (named.has(m.id)) continue;
    const target = byLength.find((s) => nameMatchesStack(m.name, s.stack));
    if (target) target.monitors.push({ name: m.name, monitorId: m.id, via: "name", state: m.state });
    else unassigned.push(m.id);
  }
  for (const s of out) {
    s.state = worstState([...s.monitors.map((m) => m.state), ...s.missing.map(() => "unknown" as const)]);
  }
  return { stacks: out, unassigned };
}
