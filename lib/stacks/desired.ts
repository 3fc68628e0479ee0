import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { config } from "../config";
import { deployedRelease } from "../deploy/deployed";
import { AppError } from "../errors";
import { composeConfig, composeFilesIn, configHashes, detectCompose } from "../docker/compose";
import { imageForTag, listImages } from "../docker/containers";
import { knownHostOfStack, LOCAL_HOST } from "../docker/hosts";
import type { ImageInfo } from "../docker/types";
import { parseXOresi, type XOresi } from "../docker/x-oresi";
import { exportStackAt, readFilesAt, stacksInTree, treeAt, type StackFiles } from "../git/read";
import type { Sha } from "../git/refs";
import { repoState } from "../git/state";
import { resolveRelease } from "../git/tags";
import { singleton } from "../singleton";

// What the deployed release says should run, per stack: services and images after .env
// interpolation, and the config hash Compose would label each container with. Computed by
// the Compose CLI on the stack's files exported at that commit, and cached per (stack, commit)
// for good: a commit never changes, so a warm page view spawns no process at all.

export interface DesiredService {
  name: string;
  image: string | null;
  build: boolean;
  configHash: string | null;
}

export interface DesiredStack {
  stack: string;
  commit: Sha;
  composeFile: string;
  /** The compose file's text at the commit (secrets live in .env, which is never shown). */
  composeText: string;
  services: DesiredService[];
  xOresi: XOresi;
  /** The Docker host it runs on (x-oresi.host; `local` by default). */
  host: string;
  /** x-oresi.host names a host that is not configured (the stack cannot be read or deployed). */
  hostError?: string;
  /** Compose refused the files (a bad file at the release); services are then empty. */
  error?: string;
}

export interface DesiredTarget {
  commit: Sha;
  /** The release tag, or "HEAD" before the first deployment. */
  ref: string;
  source: "deployed" | "head";
}

/** The commit the desired state is read at: the deployed release, else the release HEAD is at, else HEAD. */
export async function desiredTarget(): Promise<DesiredTarget> {
  let deployed = null;
  try {
    deployed = deployedRelease();
  } catch {
    deployed = null;
  }
  if (deployed) return { commit: deployed.sha ?? (await resolveRelease(deployed.tag)), ref: deployed.tag, source: "deployed" };
  const st = await repoState(2000);
  if (!st.head) throw new Error("The stacks repository has no commit yet.");
  return { commit: st.head, ref: st.headRelease ?? "HEAD", source: "head" };
}

const stacksByCommit = singleton("stacks.byCommit", () => new Map<string, Promise<StackFiles[]>>());
const stats = singleton("stacks.desired.stats", () => ({ computed: 0 }));

/** How many desired states were computed with the Compose CLI (tests: a warm view computes none). */
export function desiredStats(): { computed: number } {
  return { ...stats };
}

function memo<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>, max = 500): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = make();
    map.set(key, p);
    // Failures (Compose missing, a git hiccup) are retried on the next view, not cached forever.
    p.catch(() => setTimeout(() => map.delete(key), 30_000).unref());
    if (map.size > max) map.delete(map.keys().next().value!);
  }
  return p;
}

export function stacksAt(commit: Sha): Promise<StackFiles[]> {
  return memo(stacksByCommit, commit, async () => stacksInTree(await treeAt(commit)), 32);
}

// A few Compose processes at once at most, however many stacks are cold.
const gate = singleton("stacks.desired.gate", () => ({ running: 0, queue: [] as (() => void)[] }));
async function limited<T>(fn: () => Promise<T>, max = 3): Promise<T> {
  if (gate.running >= max) await new Promise<void>((r) => gate.queue.push(r));
  gate.running++;
  try {
    return await fn();
  } finally {
    gate.running--;
    gate.queue.shift()?.();
  }
}

export interface ConfigPart {
  composeText: string;
  services: { name: string; image: string | null; build: boolean }[];
  /** Each service as Compose normalized it (`config`): what the preview compares to say why a service is recreated. */
  definitions: Record<string, Record<string, unknown>>;
  error?: string;
}

type StackMode = "folder" | "export";

/**
 * "folder" when the work tree is at the commit with nothing edited in the stack folder, else
 * "export". The cache key says what the result depends on: in an export, Compose reads
 * relative env_file:/extends: files from the work tree, so the key names its HEAD too.
 */
async function stackMode(commit: Sha, files: StackFiles): Promise<{ mode: StackMode; key: string }> {
  const st = await repoState(2000).catch(() => null);
  const real = path.join(config().stacksDir, files.name);
  const edited = st?.dirtyFiles.some((f) => f === files.name || f.startsWith(`${files.name}/`));
  return st?.head === commit && !edited && fs.existsSync(real)
    ? { mode: "folder", key: "folder" }
    : { mode: "export", key: `export:${st?.head ?? "-"}${edited ? "+edits" : ""}` };
}

type StackOpts = { files?: string[]; profiles?: string[]; envFile?: string; projectDirectory?: string };

/**
 * Run fn on the stack as it is at the commit, the way `docker compose` typed in its folder
 * reads it. When the work tree is at the commit and nothing in the stack folder is edited,
 * that IS the folder: fn runs there with no file options, exactly the hand procedure.
 * Otherwise the whole stack folder is exported to a temp folder and Compose gets the file
 * list its own rules pick there (override file, COMPOSE_FILE, COMPOSE_PROFILES of the
 * release's .env), with the real folder as project directory so bind mounts hash as they
 * will when deployed. (Compose resolves relative `env_file:`/`extends:` paths against the
 * project directory, so in that case those are read from the work tree.)
 */
async function withStack<T>(commit: Sha, files: StackFiles, mode: StackMode, fn: (dir: string, opts: StackOpts) => Promise<T>): Promise<T> {
  const real = path.join(config().stacksDir, files.name);
  if (mode === "folder") return fn(real, {});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-desired-"));
  try {
    const dir = await exportStackAt(commit, files, tmp);
    const set = composeFilesIn(dir, (await detectCompose()).major);
    if (set.error) throw new AppError("upstream_error", `${files.name} at ${commit.slice(0, 12)}: ${set.error}`);
    // COMPOSE_FILE entries inside the stack folder come from the export; others (../x.yml) from the work tree.
    const list = set.files.map((f) => {
      const inExport = path.resolve(dir, f);
      return inExport.startsWith(dir + path.sep) ? inExport : path.resolve(real, f);
    });
    // The release's .env (or an empty one, so the work tree's is never read).
    let envFile = path.join(dir, ".env");
    if (!fs.existsSync(envFile)) {
      envFile = path.join(tmp, "empty.env");
      fs.writeFileSync(envFile, "");
    }
    return await fn(dir, { files: list, profiles: set.profiles, envFile, projectDirectory: real });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const configCache = singleton("stacks.desired.config", () => new Map<string, Promise<ConfigPart>>());
const hashCache = singleton("stacks.desired.hash", () => new Map<string, Promise<Record<string, string>>>());

/** The stack's Compose config at a commit (validated by Compose; cached per stack and commit for good). */
export async function desiredConfig(commit: Sha, files: StackFiles): Promise<ConfigPart> {
  return configAt(commit, files);
}

async function configAt(commit: Sha, files: StackFiles): Promise<ConfigPart> {
  const { mode, key } = await stackMode(commit, files);
  return memo(configCache, `${files.name}@${commit}@${key}`, () =>
    limited(async () => {
      stats.computed++;
      const text = (await readFilesAt(commit, [files.composeFile])).get(files.composeFile)?.toString("utf8") ?? "";
      try {
        const cfg = await withStack(commit, files, mode, (dir, opts) => composeConfig(dir, files.name, opts));
        const doc = YAML.parse(cfg.text) as { services?: Record<string, Record<string, unknown>> } | null;
        const names = new Set(cfg.services.map((s) => s.name));
        const definitions = Object.fromEntries(Object.entries(doc?.services ?? {}).filter(([n]) => names.has(n)));
        return { composeText: text, services: cfg.services.map((s) => ({ name: s.name, image: s.image, build: s.build })), definitions };
      } catch (e) {
        if ((e as { code?: string }).code === "upstream_error") return { composeText: text, services: [], definitions: {}, error: (e as Error).message };
        throw e;
      }
    }),
  );
}

/**
 * Compose v1 hashes the local image ID into the config hash (v2 does not), so for v1 the
 * key also names the IDs the service tags point to now: a pull or a re-tag recomputes once.
 */
async function hashesAt(commit: Sha, files: StackFiles, cfg: ConfigPart, images: ImageInfo[], host: string): Promise<Record<string, string>> {
  const v1 = (await detectCompose()).major === 1;
  const ids = v1 ? cfg.services.map((s) => (s.image ? (imageForTag(images, s.image)?.id.slice(7, 19) ?? "-") : "b")).join(",") : "";
  const { mode, key } = await stackMode(commit, files);
  // v1 asks the stack's engine for the image IDs it hashes: Compose runs against the stack's host.
  return memo(hashCache, `${files.name}@${commit}@${key}#${ids}${host === LOCAL_HOST ? "" : `@host:${host}`}`, () =>
    limited(async () => {
      stats.computed++;
      return withStack(commit, files, mode, (dir, opts) => configHashes(dir, files.name, { ...opts, host })).catch((e) => {
        if ((e as { code?: string }).code === "upstream_error") return {};
        throw e;
      });
    }),
  );
}

/**
 * The desired state of one stack at a commit (config cached for good; hashes per image IDs on v1).
 * `images`: the images of the stack's host, or a function giving them per host.
 */
export async function desiredStack(commit: Sha, files: StackFiles, images: ImageInfo[] | ((host: string) => Promise<ImageInfo[]>) = []): Promise<DesiredStack> {
  const cfg = await configAt(commit, files);
  const xOresi = parseXOresi(cfg.composeText).settings;
  const known = knownHostOfStack(xOresi);
  const host = known ?? xOresi.host ?? LOCAL_HOST;
  const hostError = known ? undefined : `x-oresi.host names Docker host ${host}, which is not configured; add it to DOCKER_HOSTS_FILE or fix the compose file.`;
  const imgs = typeof images === "function" ? (known ? await images(host) : []) : images;
  const hashes = cfg.error || hostError ? {} : await hashesAt(commit, files, cfg, imgs, host);
  return {
    stack: files.name,
    commit,
    composeFile: files.composeFile,
    composeText: cfg.composeText,
    xOresi,
    host,
    ...(hostError ? { hostError } : {}),
    services: cfg.services.map((s) => ({ ...s, configHash: hashes[s.name] ?? null })),
    ...(cfg.error ? { error: cfg.error } : {}),
  };
}

/** The desired state of every stack at the target commit (each with its host's images). */
export async function desiredStacks(target?: DesiredTarget): Promise<{ target: DesiredTarget; stacks: DesiredStack[] }> {
  const t = target ?? (await desiredTarget());
  const byHost = new Map<string, Promise<ImageInfo[]>>();
  const images = (host: string) => {
    if (!byHost.has(host))
      byHost.set(
        host,
        listImages(host).catch(() => [] as ImageInfo[]),
      );
    return byHost.get(host)!;
  };
  const list = await stacksAt(t.commit);
  return { target: t, stacks: await Promise.all(list.map((f) => desiredStack(t.commit, f, images))) };
}
