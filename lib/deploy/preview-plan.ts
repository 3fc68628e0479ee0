// Pure decisions of the rollout preview (no I/O): per service, whether `compose up -d` will
// recreate, create, remove or leave it, and why; and the sentence a person reads. Compose
// recreates a container exactly when its config hash label differs from the hash of the
// service at the target, so the hashes decide; the normalized definitions only say why.
import { describeImageChange } from "./plan";
import type { DeploymentPreview, PreviewAction, PreviewOutcome, PreviewService, PreviewStack } from "./preview-types";

type Definition = Record<string, unknown>;

// Compose keys, grouped under the word a person looks for.
const REASON_OF: Record<string, string> = {
  image: "image",
  environment: "environment",
  env_file: "environment",
  volumes: "volumes",
  tmpfs: "volumes",
  ports: "ports",
  expose: "ports",
  command: "command",
  entrypoint: "command",
  working_dir: "command",
  user: "command",
  labels: "labels",
  networks: "networks",
  network_mode: "networks",
  extra_hosts: "networks",
  dns: "networks",
  hostname: "networks",
  healthcheck: "healthcheck",
};

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

/** Which parts of a service's definition differ ("image", "environment", …), in a fixed order. */
export function definitionReasons(before: Definition | null | undefined, after: Definition | null | undefined): string[] {
  if (!before || !after) return [];
  const out = new Set<string>();
  for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (stable(before[k]) !== stable(after[k])) out.add(REASON_OF[k] ?? k.replace(/_/g, " "));
  }
  const order = Object.values(REASON_OF);
  return [...out].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

export interface RunningContainer {
  service: string;
  image: string;
  configHash: string | null;
}

export interface StackSides {
  /** Services at the target, with Compose's config hash there (null: unknown). */
  target: { name: string; image: string | null; configHash: string | null }[];
  targetDefinitions: Record<string, Definition>;
  /** The same at the deployed release (or HEAD), to say why; null when the stack is new. */
  base: { hashes: Record<string, string | null>; definitions: Record<string, Definition> } | null;
  running: RunningContainer[];
  /** Services an exact rollback pins to a recorded image (service → pinned reference). */
  pinned: Map<string, string>;
}

/** Per service of a stack that `up` runs in: what happens, and why. */
export function classifyStack(s: StackSides): PreviewService[] {
  const out: PreviewService[] = [];
  const byService = new Map<string, RunningContainer[]>();
  for (const c of s.running) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  for (const svc of s.target) {
    const cs = byService.get(svc.name) ?? [];
    const pin = s.pinned.get(svc.name);
    const to = pin ?? svc.image;
    const from = cs[0]?.image ?? null;
    if (!cs.length) {
      out.push({ service: svc.name, action: "created", reasons: [], from: null, to });
      continue;
    }
    const stale = cs.filter((c) => !svc.configHash || c.configHash !== svc.configHash);
    if (!stale.length && !pin) {
      out.push({ service: svc.name, action: "untouched", reasons: [], from, to });
      continue;
    }
    let reasons = definitionReasons(s.base?.definitions[svc.name], s.targetDefinitions[svc.name]);
    const baseHash = s.base?.hashes[svc.name] ?? null;
    if (pin) reasons = ["image", ...reasons.filter((r) => r !== "image")];
    else if (!svc.configHash) reasons = ["configuration (its hash at the target is unknown)"];
    else if (stale.some((c) => !c.configHash)) reasons = ["not created by Compose", ...reasons];
    else if (baseHash && stale.some((c) => c.configHash !== baseHash)) reasons = ["differs from the deployed release", ...reasons];
    else if (!reasons.length) reasons = ["image"]; // same definition, another image behind the tag (Compose v1 hashes the image ID)
    out.push({ service: svc.name, action: "recreated", reasons, from, to });
  }
  const wanted = new Set(s.target.map((t) => t.name));
  for (const [service, cs] of byService) if (!wanted.has(service)) out.push({ service, action: "removed", reasons: [], from: cs[0].image, to: null });
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

/** Every container of a stack, with one action (a removed stack, or one the release leaves alone). */
export function allServices(running: RunningContainer[], action: "removed" | "untouched"): PreviewService[] {
  const seen = new Map<string, string>();
  for (const c of running) if (!seen.has(c.service)) seen.set(c.service, c.image);
  return [...seen]
    .map(([service, image]) => ({ service, action, reasons: [], from: image, to: action === "removed" ? null : image }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

function describe(stack: string, s: PreviewService): string {
  const name = `${stack}/${s.service}`;
  if (s.action === "created") return s.to ? `${name} ${s.to}` : name;
  if (s.action === "removed") return name;
  const other = s.reasons.filter((r) => r !== "image");
  const image = s.from && s.to && s.from !== s.to ? ` ${describeImageChange(s.from, s.to)}` : "";
  const why = image ? other : s.reasons;
  return `${name}${image}${why.length ? ` (${why.join(", ")})` : ""}`;
}

/** Counts and the one sentence: "2 services recreated: web/app oresi-test/web 1.0.0 → 1.1.0, proxy/caddy (environment); 3 untouched". */
export function summarizePreview(stacks: PreviewStack[]): Pick<DeploymentPreview, "counts" | "summary"> {
  const counts: Record<PreviewAction, number> = { recreated: 0, created: 0, removed: 0, untouched: 0 };
  const lists: Record<PreviewAction, string[]> = { recreated: [], created: [], removed: [], untouched: [] };
  for (const st of stacks)
    for (const s of st.services) {
      counts[s.action]++;
      lists[s.action].push(describe(st.stack, s));
    }
  const plural = (n: number) => `${n} service${n === 1 ? "" : "s"}`;
  const parts: string[] = [];
  for (const a of ["recreated", "created", "removed"] as const)
    if (counts[a]) parts.push(`${parts.length ? counts[a] : plural(counts[a])} ${a}: ${lists[a].join(", ")}`);
  const errors = stacks.filter((s) => s.error).map((s) => s.stack);
  let summary = parts.length ? parts.join("; ") : "No service is recreated, created or removed";
  if (counts.untouched) summary += `; ${counts.untouched} untouched`;
  if (errors.length) summary += `; pre-flight will refuse ${errors.join(", ")} (Compose refused its files)`;
  return { counts, summary };
}

export interface ObservedContainer {
  stack: string;
  service: string;
  /** Its Docker host (compared only with preview entries that name one). */
  host?: string;
  /** When the container was created (ISO). */
  created: string;
}

/**
 * After `up`: a container created since the up step began was created or recreated; one older
 * was left alone. Compares that with the preview, service by service, in the stacks `up` ran in.
 */
export function comparePreview(preview: Pick<DeploymentPreview, "stacks">, observed: ObservedContainer[], upStartedMs: number): PreviewOutcome {
  const mismatches: string[] = [];
  for (const st of preview.stacks) {
    if (st.change === "unchanged" || st.error) continue;
    for (const s of st.services) {
      const cs = observed.filter((c) => c.stack === st.stack && c.service === s.service && (!st.host || !c.host || c.host === st.host));
      // Docker stamps creation in whole seconds: a second of slack.
      const fresh = cs.some((c) => new Date(c.created).getTime() >= upStartedMs - 1000);
      const seen: PreviewAction | "missing" = !cs.length
        ? s.action === "removed"
          ? "removed"
          : "missing"
        : fresh
          ? s.action === "created"
            ? "created"
            : "recreated"
          : "untouched";
      const expected = s.action;
      const ok = seen === expected || (expected === "created" && seen === "recreated") || (expected === "recreated" && seen === "created");
      if (!ok) mismatches.push(`${st.stack}/${s.service}: previewed ${expected}, ${seen === "missing" ? "no container runs" : `was ${seen}`}`);
    }
  }
  return { matched: mismatches.length === 0, mismatches };
}
