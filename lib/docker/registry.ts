import "server-only";
import { AppError } from "../errors";

// "Update available": what digest does the registry serve for a tag now? One HEAD request on
// the manifest (with every manifest media type in Accept), and the registry's token flow when
// it answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` (Docker Hub, GHCR).

export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");

export interface ParsedRef {
  /** Host[:port] as Docker names it (docker.io for the Hub). */
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
}

/** Split an image reference as Docker does: a first part with a dot, a colon or "localhost" is a registry. */
export function parseImageRef(ref: string): ParsedRef {
  let rest = ref.trim();
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry = "docker.io";
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag = "latest";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === "docker.io" && !rest.includes("/")) rest = `library/${rest}`;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(rest) || !/^[\w][\w.-]{0,127}$/.test(tag))
    throw new AppError("bad_request", `"${ref.slice(0, 100)}" is not an image reference.`);
  return { registry, repository: rest, tag, digest };
}

function baseUrl(registry: string): string {
  if (registry === "docker.io") return "https://registry-1.docker.io";
  const host = registry.replace(/:\d+$/, "");
  // Docker itself trusts plain HTTP on loopback only; so do we.
  const loopback = host === "localhost" || host === "::1" || /^127\./.test(host) || host === "[::1]";
  return `${loopback ? "http" : "https"}://${registry}`;
}

/** Parse `Bearer realm="…",service="…",scope="…"`. */
export function parseBearerChallenge(h: string | null): Record<string, string> | null {
  if (!h || !/^bearer\s/i.test(h)) return null;
  const out: Record<string, string> = {};
  for (const m of h.slice(7).matchAll(/(\w+)="([^"]*)"/g)) out[m[1].toLowerCase()] = m[2];
  return out.realm ? out : null;
}

export interface RemoteDigest {
  digest: string;
  mediaType: string | null;
}

/** HEAD the manifest of ref's tag; follows the Bearer token flow once. */
export async function remoteDigest(ref: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RemoteDigest> {
  const r = parseImageRef(ref);
  const url = `${baseUrl(r.registry)}/v2/${r.repository}/manifests/${encodeURIComponent(r.tag)}`;
  const signal = opts.signal ?? AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const head = (auth?: string) =>
    fetch(url, { method: "HEAD", redirect: "follow", signal, headers: { accept: MANIFEST_ACCEPT, ...(auth ? { authorization: auth } : {}) } });
  try {
    let res = await head();
    if (res.status === 401) {
      const ch = parseBearerChallenge(res.headers.get("www-authenticate"));
      if (!ch)
        throw new AppError(
          "upstream_error",
          `${r.registry} asks for credentials Oresi does not have (${res.headers.get("www-authenticate") ?? "no challenge"}).`,
        );
      const realm = new URL(ch.realm);
      if (realm.protocol !== "https:" && !/^(localhost|127\.|\[::1\])/.test(realm.hostname))
        throw new AppError("upstream_error", `${r.registry} sends its token realm over plain HTTP; refused.`);
      if (ch.service) realm.searchParams.set("service", ch.service);
      realm.searchParams.set("scope", ch.scope ?? `repository:${r.repository}:pull`);
      const t = await fetch(realm, { signal, redirect: "follow" });
      if (!t.ok) throw new AppError("upstream_error", `${r.registry} refused an anonymous pull token (${t.status}).`);
      const body = (await t.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) throw new AppError("upstream_error", `${r.registry} answered its token request without a token.`);
      res = await head(`Bearer ${token}`);
    }
    if (res.status === 404) throw new AppError("not_found", `${r.registry} has no ${r.repository}:${r.tag}.`);
    if (!res.ok) throw new AppError("upstream_error", `${r.registry} answered ${res.status} for ${r.repository}:${r.tag}.`);
    const digest = res.headers.get("docker-content-digest");
    if (!digest) throw new AppError("upstream_error", `${r.registry} sent no Docker-Content-Digest for ${r.repository}:${r.tag}.`);
    return { digest, mediaType: res.headers.get("content-type") };
  } catch (e) {
    if (e instanceof AppError) throw e;
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === "TimeoutError" || err.name === "AbortError")
      throw new AppError("timeout", `${r.registry} did not answer in time.`, undefined, { cause: e });
    throw new AppError("dependency_down", `${r.registry} is not reachable (${err.cause?.code ?? err.message}).`, undefined, { cause: e });
  }
}
