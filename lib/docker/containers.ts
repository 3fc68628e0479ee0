import "server-only";
import type Docker from "dockerode";
import { dockerError } from "./client";
import { dockerFor, hostName, hostNames, LOCAL_HOST, noteHost, recentFailure } from "./hosts";
import { singleton } from "../singleton";
import { sharedValue, type SharedValue } from "../cache";
import type { AppError } from "../errors";
import type { ContainerDetails, ContainerInfo, Health, ImageInfo } from "./types";

// Reads are shared: one Docker list call per refresh for every viewer (cached for a short
// TTL, and concurrent callers share the one request in flight).

const LIST_TTL_MS = 2000;

const stats = singleton("docker.stats", () => ({ list: 0, inspect: 0, images: 0 }));
// One cache per host (`local` keeps the names it had with one host).
const caches = singleton("docker.hostCaches", () => new Map<string, { list: SharedValue<ContainerInfo[]>; images: SharedValue<ImageInfo[]> }>());
function cachesOf(host: string) {
  let c = caches.get(host);
  if (!c) {
    const suffix = host === LOCAL_HOST ? "" : `@${host}`;
    c = { list: sharedValue<ContainerInfo[]>(`docker.containers${suffix}`), images: sharedValue<ImageInfo[]>(`docker.images${suffix}`) };
    caches.set(host, c);
  }
  return c;
}

/** How many Docker API calls this process made (benchmarks and tests). */
export function dockerCallStats(): { list: number; inspect: number; images: number } {
  return { ...stats };
}

function healthOf(status: string): Health {
  if (/\(healthy\)/.test(status)) return "healthy";
  if (/\(unhealthy\)/.test(status)) return "unhealthy";
  if (/\(health: starting\)/.test(status)) return "starting";
  return null;
}

export function toContainerInfo(c: Docker.ContainerInfo, host: string = LOCAL_HOST): ContainerInfo {
  const l = c.Labels ?? {};
  return {
    id: c.Id,
    host,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
    image: c.Image,
    imageId: c.ImageID,
    state: c.State,
    status: c.Status,
    health: healthOf(c.Status ?? ""),
    created: new Date(c.Created * 1000).toISOString(),
    project: l["com.docker.compose.project"] ?? null,
    service: l["com.docker.compose.service"] ?? null,
    oneoff: (l["com.docker.compose.oneoff"] ?? "False").toLowerCase() === "true",
    configHash: l["com.docker.compose.config-hash"] ?? null,
    version: l["org.opencontainers.image.version"] ?? null,
    ports: (c.Ports ?? [])
      .map((p) => ({ privatePort: p.PrivatePort, publicPort: p.PublicPort, type: p.Type, ip: p.IP }))
      .sort((a, b) => a.privatePort - b.privatePort),
  };
}

/** Every container (running or not) of one host, from one Docker list call shared by all callers for ~2 s. */
export function listContainersOn(host: string): Promise<ContainerInfo[]> {
  return cachesOf(host).list.get(async () => {
    stats.list++;
    try {
      const list = await dockerFor(host).listContainers({ all: true });
      noteHost(host, null);
      return list.map((c) => toContainerInfo(c, host)).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      const err = dockerError(e, "Listing containers", host);
      noteHost(host, err);
      throw err;
    }
  }, LIST_TTL_MS);
}

/**
 * Every container: of one host, or (no host) of every host merged, each tagged with its host.
 * Without a host, any host that fails fails the call (with one host: exactly as before); the
 * read side, which degrades per host, uses containersByHost().
 */
export async function listContainers(host?: string): Promise<ContainerInfo[]> {
  if (host) return listContainersOn(host);
  const hosts = hostNames();
  if (hosts.length === 1) return listContainersOn(hosts[0]);
  return (await Promise.all(hosts.map(listContainersOn))).flat();
}

export interface HostContainers {
  host: string;
  containers: ContainerInfo[];
  /** Set when the host did not answer (its containers are then empty). */
  error?: AppError;
}

/** Each host's containers or its error, never throwing: one host down leaves the others' lists intact. */
export function containersByHost(): Promise<HostContainers[]> {
  return Promise.all(
    hostNames().map(async (host): Promise<HostContainers> => {
      const recent = recentFailure(host);
      if (recent) return { host, containers: [], error: recent };
      try {
        return { host, containers: await listContainersOn(host) };
      } catch (e) {
        return { host, containers: [], error: e as AppError };
      }
    }),
  );
}

/** Forget the cached lists (after compose up/down, so the next read is fresh): of one host, or of all. */
export function invalidateContainers(host?: string): void {
  for (const h of host ? [host] : hostNames()) {
    cachesOf(h).list.invalidate();
    cachesOf(h).images.invalidate();
  }
}

/** Every image of a host (default local), from one Docker call (tags, digests, version label), shared for ~5 s. */
export function listImages(host: string = LOCAL_HOST): Promise<ImageInfo[]> {
  return cachesOf(host).images.get(async () => {
    stats.images++;
    try {
      const list = await dockerFor(host).listImages({ all: false });
      return list.map((i) => ({
        id: i.Id,
        repoTags: (i.RepoTags ?? []).filter((t) => t !== "<none>:<none>"),
        repoDigests: (i.RepoDigests ?? []).filter((d) => !d.startsWith("<none>")),
        created: new Date(i.Created * 1000).toISOString(),
        version: i.Labels?.["org.opencontainers.image.version"] ?? null,
      }));
    } catch (e) {
      throw dockerError(e, "Listing images", host);
    }
  }, 5000);
}

// Details (restart count, start time, configured image) need one inspect per container:
// cached by container id + state, fetched with bounded concurrency.
const detailCache = singleton("docker.details", () => new Map<string, { key: string; at: number; value: ContainerDetails }>());
const DETAIL_TTL_MS = 30_000;

export async function inspectContainer(id: string, host: string = LOCAL_HOST): Promise<ContainerDetails> {
  stats.inspect++;
  try {
    const i = await dockerFor(host).getContainer(id).inspect();
    const h = i.State?.Health?.Status;
    return {
      id: i.Id,
      configuredImage: i.Config?.Image ?? "",
      startedAt: i.State?.StartedAt && !i.State.StartedAt.startsWith("0001") ? i.State.StartedAt : null,
      finishedAt: i.State?.FinishedAt && !i.State.FinishedAt.startsWith("0001") ? i.State.FinishedAt : null,
      restartCount: i.RestartCount ?? 0,
      health: h === "healthy" || h === "unhealthy" || h === "starting" ? h : null,
      tty: !!i.Config?.Tty,
    };
  } catch (e) {
    throw dockerError(e, `Container ${id.slice(0, 12)}`, host);
  }
}

/** Details of several containers; cached per id and state, at most `concurrency` inspects at once. Removed containers are left out. */
type DetailKey = Pick<ContainerInfo, "id" | "state" | "status"> & { host?: string };

export async function containerDetails(containers: DetailKey[], concurrency = 6): Promise<Map<string, ContainerDetails>> {
  const out = new Map<string, ContainerDetails>();
  const todo: DetailKey[] = [];
  for (const c of containers) {
    const hit = detailCache.get(c.id);
    // The state word changes on start/stop/restart; "Restarting"/"Up Less than a second" too.
    const key = `${c.state}:${/less than a second|restarting/i.test(c.status) ? c.status : ""}`;
    if (hit && hit.key === key && Date.now() - hit.at < DETAIL_TTL_MS) out.set(c.id, hit.value);
    else todo.push(c);
  }
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const c = todo[next++];
      try {
        const d = await inspectContainer(c.id, c.host ?? LOCAL_HOST);
        detailCache.set(c.id, { key: `${c.state}:${/less than a second|restarting/i.test(c.status) ? c.status : ""}`, at: Date.now(), value: d });
        out.set(c.id, d);
      } catch (e) {
        if ((e as { code?: string }).code === "not_found") continue; // removed mid-request
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  if (detailCache.size > 2000) for (const k of [...detailCache.keys()].slice(0, 500)) detailCache.delete(k);
  return out;
}

/** Details already cached (however old), without asking Docker. */
export function peekDetails(ids: string[]): Map<string, ContainerDetails> {
  const out = new Map<string, ContainerDetails>();
  for (const id of ids) {
    const hit = detailCache.get(id);
    if (hit) out.set(id, hit.value);
  }
  return out;
}

/** Normalize an image reference the way Docker names local tags: nginx → nginx:latest, docker.io/library/x → x. */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  r = r.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "");
  r = r.replace(/^library\//, "");
  if (r.includes("@")) return r;
  const lastSlash = r.lastIndexOf("/");
  if (!r.slice(lastSlash + 1).includes(":")) r += ":latest";
  return r;
}

/** The local image a tag points to now (null when it is not present). */
export function imageForTag(images: ImageInfo[], ref: string): ImageInfo | null {
  const want = normalizeImageRef(ref);
  return images.find((i) => i.repoTags.some((t) => normalizeImageRef(t) === want)) ?? null;
}

/**
 * The host a container runs on: the one named (checked), else the first host whose list has
 * it (by id prefix or name; lists are the shared ones), else `local` (which then answers 404).
 */
export async function hostOfContainer(ref: string, host?: string): Promise<string> {
  if (host) return hostName(host);
  const hosts = hostNames();
  if (hosts.length === 1) return hosts[0];
  for (const h of await containersByHost()) if (h.containers.some((c) => c.id.startsWith(ref) || c.name === ref)) return h.host;
  return LOCAL_HOST;
}
