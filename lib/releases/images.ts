// Images named by a stack's compose file, with .env interpolation, and how they changed.
import { parse } from "yaml";
import { interpolate, parseEnv } from "./env";

/** service → image, for a compose file text and its .env text. Unparseable files give {}. */
export function composeImages(composeText: string | null, envText: string | null): Record<string, string> {
  if (!composeText) return {};
  let doc: unknown;
  try {
    doc = parse(composeText);
  } catch {
    return {};
  }
  const services = (doc as { services?: Record<string, { image?: unknown }> } | null)?.services;
  if (!services || typeof services !== "object") return {};
  const vars = parseEnv(envText ?? "");
  const out: Record<string, string> = {};
  for (const [name, svc] of Object.entries(services)) {
    if (svc && typeof svc.image === "string") out[name] = interpolate(svc.image, vars);
  }
  return out;
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
