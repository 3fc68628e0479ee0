// Images named by a stack's compose files, with .env interpolation, and how they changed.
// The files are the ones Compose itself reads (lib/docker/compose-files.ts: override file,
// COMPOSE_FILE, COMPOSE_PROFILES), merged in order, with `extends:` followed, so the release
// list says what `compose config` says (checked against the real Compose in
// lib/docker/compose-files.int.test.ts).
import { posix } from "node:path";
import { parse } from "yaml";
import { resolveComposeFiles, serviceEnabled, type ComposeMajor } from "../docker/compose-files";
import { interpolate, parseEnv } from "./env";

/** service → image, for a compose file text and its .env text. Unparseable files give {}. */
export function composeImages(composeText: string | null, envText: string | null): Record<string, string> {
  if (!composeText) return {};
  return stackImages(2, (f) => (f === "compose.yaml" ? composeText : null), envText);
}

type RawService = { image?: unknown; profiles?: unknown; extends?: unknown };

function servicesOf(text: string | null): Record<string, RawService> | null {
  if (!text) return null;
  try {
    const doc = parse(text) as { services?: unknown } | null;
    const s = doc?.services;
    return s && typeof s === "object" && !Array.isArray(s) ? (s as Record<string, RawService>) : null;
  } catch {
    return null;
  }
}

/** A path relative to the stack folder, normalized (`../shared/x.yml` stays in the repository); null when absolute or outside the repository. */
export function stackRelative(file: string, from = "."): string | null {
  if (file.startsWith("/")) return null;
  const p = posix.normalize(posix.join(posix.dirname(from), file));
  return p.startsWith("../../") || p === ".." || p === "../.." ? null : p;
}

/**
 * service → image for a stack folder, given a reader for its files (path relative to the
 * folder → text, null when absent) and its .env text: Compose's file list merged in order,
 * `extends:` followed (same file or another), services of inactive profiles left out.
 */
export function stackImages(major: ComposeMajor, read: (file: string) => string | null, envText: string | null): Record<string, string> {
  const set = resolveComposeFiles(major, (n) => read(n) !== null, envText);
  if (set.error && !set.files.length) return {};
  const vars = parseEnv(envText ?? "");
  const merged: Record<string, { image?: string; profiles?: unknown; ext?: { file: string; service: string } }> = {};
  const imageOf = (file: string, name: string, depth: number): string | undefined => {
    const svc = servicesOf(read(file))?.[name];
    if (!svc || depth > 8) return undefined;
    if (typeof svc.image === "string") return svc.image;
    const e = extendsOf(svc.extends, file);
    return e ? imageOf(e.file, e.service, depth + 1) : undefined;
  };
  // Measured on v1.29.2: `extends: <service>` without a file, in any file of the list, names a service of the first file.
  const first = set.files.length ? stackRelative(set.files[0]) : null;
  for (const f of set.files) {
    const rel = stackRelative(f);
    const services = rel ? servicesOf(read(rel)) : null;
    if (!rel || !services) continue;
    for (const [name, svc] of Object.entries(services)) {
      const m = (merged[name] ??= {});
      if (typeof svc?.image === "string") m.image = svc.image;
      if (svc?.profiles !== undefined) m.profiles = svc.profiles;
      const e = extendsOf(svc?.extends, rel, major === 1 && first ? first : rel);
      if (e) m.ext = e;
    }
  }
  const out: Record<string, string> = {};
  for (const [name, m] of Object.entries(merged)) {
    if (!serviceEnabled(m.profiles, set.profiles)) continue;
    const image = m.image ?? (m.ext ? imageOf(m.ext.file, m.ext.service, 1) : undefined);
    if (image) out[name] = interpolate(image, vars);
  }
  return out;
}

function extendsOf(e: unknown, file: string, sameFile = file): { file: string; service: string } | null {
  if (typeof e === "string") return { file: sameFile, service: e };
  if (!e || typeof e !== "object") return null;
  const { file: f, service } = e as { file?: unknown; service?: unknown };
  if (typeof service !== "string") return null;
  if (typeof f !== "string") return { file: sameFile, service };
  const rel = stackRelative(f, file);
  return rel ? { file: rel, service } : null;
}

export interface ImageRefParts {
  /** Repository without registry or tag, e.g. "jellyfin/jellyfin". */
  repo: string;
  /** Short name for display: the last path segment, e.g. "jellyfin". */
  name: string;
  tag: string;
}

export function splitImage(image: string): ImageRefParts {
  let rest = image;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  let tag = "latest";
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (digest) tag = tag === "latest" ? digest.slice(0, 19) : `${tag}@${digest.slice(0, 19)}`;
  const parts = rest.split("/");
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
  const repo = parts.join("/");
  return { repo, name: parts[parts.length - 1], tag };
}

export interface ImageChange {
  stack: string;
  service: string;
  from: string | null;
  to: string | null;
  /** "jellyfin 10.8 → 10.9", "redis added", … */
  label: string;
}

export function imageChanges(stack: string, before: Record<string, string>, after: Record<string, string>): ImageChange[] {
  const out: ImageChange[] = [];
  for (const service of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[service] ?? null;
    const b = after[service] ?? null;
    if (a === b) continue;
    let label: string;
    if (a && b) {
      const x = splitImage(a);
      const y = splitImage(b);
      label = x.repo === y.repo ? `${y.name} ${x.tag} → ${y.tag}` : `${x.name}:${x.tag} → ${y.name}:${y.tag}`;
    } else if (b) label = `${splitImage(b).name} ${splitImage(b).tag} added`;
    else label = `${splitImage(a!).name} ${splitImage(a!).tag} removed`;
    out.push({ stack, service, from: a, to: b, label });
  }
  return out;
}
