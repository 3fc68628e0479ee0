// Drift as a pure function of what git says (desired) and what runs (containers, images,
// registry answers): tested without Docker, and the same code serves the API and the pages.
import type { ContainerDetails, ContainerInfo, Health, ImageInfo } from "../docker/types";
import type { MonitorState } from "../kuma/types";
import { serviceHealth, serviceSync, stackHealth, stackSync } from "./status-model";
import type { ContainerView, ProjectGroup, ServiceDrift, ServiceView, StackView } from "./types";

export interface DesiredInput {
  stack: string;
  services: { name: string; image: string | null; configHash: string | null }[];
  error?: string;
}

export interface DriftInput {
  desired: DesiredInput[];
  containers: ContainerInfo[];
  details: Map<string, ContainerDetails>;
  images: ImageInfo[];
  /** Registry digest per image reference, from the last update check. */
  remote: Map<string, { remoteDigest: string | null }>;
  /** Per stack: its monitors' worst state, counts and every monitor's state. */
  monitors?: Map<string, { state: MonitorState | null; total: number; down: number; states: MonitorState[] }>;
}

/** nginx → nginx:latest, docker.io/library/nginx:1 → nginx:1 (the way Docker names local tags). */
export function normalizeRef(ref: string): string {
  let r = ref
    .trim()
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "")
    .replace(/^library\//, "");
  if (r.includes("@")) return r;
  if (!r.slice(r.lastIndexOf("/") + 1).includes(":")) r += ":latest";
  return r;
}

function repoOf(ref: string): string {
  const r = normalizeRef(ref).split("@")[0];
  const colon = r.lastIndexOf(":");
  return colon > r.lastIndexOf("/") ? r.slice(0, colon) : r;
}

export function toView(c: ContainerInfo, d: ContainerDetails | undefined, images: ImageInfo[]): ContainerView {
  const configured = d?.configuredImage || c.image;
  const img = images.find((i) => i.id === c.imageId);
  const repo = repoOf(configured);
  const digest = img?.repoDigests.find((x) => repoOf(x.split("@")[0]) === repo)?.split("@")[1] ?? img?.repoDigests[0]?.split("@")[1] ?? null;
  return {
    ...c,
    // The list call is fresh each refresh; inspect details are cached for up to 30 s, so they
    // must not override a health that has changed since (starting → healthy).
    health: c.health ?? d?.health ?? null,
    configuredImage: configured,
    restartCount: d ? d.restartCount : null,
    startedAt: d?.startedAt ?? null,
    digest,
    version: c.version ?? img?.version ?? null,
  };
}

function tagOf(ref: string): string {
  const r = normalizeRef(ref);
  return r.slice(r.lastIndexOf(":") + 1);
}

/** The drift of one running container against the service's desired image and hash. */
export function containerDrift(
  c: ContainerView,
  want: { image: string | null; configHash: string | null },
  images: ImageInfo[],
  remote: DriftInput["remote"],
): ServiceDrift[] {
  const out: ServiceDrift[] = [];
  if (want.image && normalizeRef(c.configuredImage) !== normalizeRef(want.image)) {
    out.push({ kind: "image_differs", text: `runs ${c.configuredImage}${c.version ? ` (${c.version})` : ""}, the release says ${want.image}` });
  } else if (want.configHash && c.configHash && c.configHash !== want.configHash) {
    out.push({ kind: "config_differs", text: "its configuration differs from the release (changed by hand, or not brought up since)" });
  } else if (want.configHash && !c.configHash) {
    out.push({ kind: "config_differs", text: "was started outside Compose (no config hash)" });
  }
  const ref = want.image ?? c.configuredImage;
  const tagged = images.find((i) => i.repoTags.some((t) => normalizeRef(t) === normalizeRef(ref)));
  if (tagged && tagged.id !== c.imageId && normalizeRef(c.configuredImage) === normalizeRef(ref)) {
    // Compose v1 hashes the image ID into the config hash: a moved tag alone changes it.
    const i = out.findIndex((d) => d.kind === "config_differs");
    if (i >= 0) out.splice(i, 1);
    out.push({
      kind: "stale_image",
      text: `${ref} now points to a newer local image (${tagged.id.slice(7, 19)}) than the container runs (${c.imageId.slice(7, 19)}); bring the stack up again`,
    });
  }
  const r = remote.get(ref) ?? remote.get(normalizeRef(ref));
  if (r?.remoteDigest && c.digest && r.remoteDigest !== c.digest && normalizeRef(c.configuredImage) === normalizeRef(ref)) {
    const localHasIt = images.some((i) => i.repoDigests.some((d) => d.endsWith("@" + r.remoteDigest)));
    out.push({
      kind: "update_available",
      text: `the registry serves a different image for ${ref} (${r.remoteDigest.slice(7, 19)}) than the container runs (${c.digest.slice(7, 19)})${localHasIt ? ", already pulled" : ""}`,
    });
  }
  return out;
}

function worstHealth(cs: ContainerView[]): Health {
  if (cs.some((c) => c.health === "unhealthy")) return "unhealthy";
  if (cs.some((c) => c.health === "starting")) return "starting";
  if (cs.some((c) => c.health === "healthy")) return "healthy";
  return null;
}

export function buildStacks(input: DriftInput): { stacks: StackView[]; others: ProjectGroup[] } {
  const views = input.containers.filter((c) => !c.oneoff).map((c) => toView(c, input.details.get(c.id), input.images));
  const byProject = new Map<string, ContainerView[]>();
  const outside: ContainerView[] = [];
  for (const v of views) {
    if (!v.project) outside.push(v);
    else {
      if (!byProject.has(v.project)) byProject.set(v.project, []);
      byProject.get(v.project)!.push(v);
    }
  }
  const stacks: StackView[] = input.desired.map((d) => {
    const running = byProject.get(d.stack) ?? [];
    byProject.delete(d.stack);
    const services: ServiceView[] = [];
    for (const s of d.services) {
      const cs = running.filter((c) => c.service === s.name);
      const drift: ServiceDrift[] = [];
      if (!cs.length) drift.push({ kind: "missing", text: `no container runs; the release has it (${s.image ?? "built image"})` });
      for (const c of cs) for (const x of containerDrift(c, s, input.images, input.remote)) if (!drift.some((y) => y.kind === x.kind)) drift.push(x);
      const desiredImg = s.image ? input.images.find((i) => i.repoTags.some((t) => normalizeRef(t) === normalizeRef(s.image!))) : undefined;
      services.push({
        name: s.name,
        desired: { image: s.image, configHash: s.configHash, version: desiredImg?.version ?? (s.image ? tagOf(s.image) : null) },
        containers: cs,
        drift,
        sync: serviceSync(drift),
        health: serviceHealth(cs, true),
        healthcheck: worstHealth(cs),
      });
    }
    const known = new Set(d.services.map((s) => s.name));
    const extras = new Map<string, ContainerView[]>();
    for (const c of running) {
      if (known.has(c.service ?? "")) continue;
      const k = c.service ?? c.name;
      if (!extras.has(k)) extras.set(k, []);
      extras.get(k)!.push(c);
    }
    for (const [name, cs] of extras) {
      const drift: ServiceDrift[] = [{ kind: "extra", text: "runs, but the release has no such service" }];
      services.push({ name, desired: null, containers: cs, drift, sync: serviceSync(drift), health: serviceHealth(cs, false), healthcheck: worstHealth(cs) });
    }
    const m = input.monitors?.get(d.stack);
    const model = { services, monitors: m?.states, desiredError: !!d.error };
    const drifted = services.some((s) => s.drift.length > 0);
    const monitors = m ? { state: m.state, total: m.total, down: m.down } : null;
    return { name: d.stack, sync: stackSync(model), health: stackHealth(model), drifted, services, ...(d.error ? { desiredError: d.error } : {}), monitors };
  });
  const others: ProjectGroup[] = [...byProject.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([project, containers]) => ({ project, containers }));
  if (outside.length) others.push({ project: null, containers: outside });
  return { stacks, others };
}
