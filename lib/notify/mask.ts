// Pure: show a target URL without its secrets (webhook tokens live in the path or query).
const PLAIN_SEGMENTS = new Set(["api", "webhooks", "webhook", "hooks", "services", "notify", "v1", "v2"]);

export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "••••";
  }
  const auth = u.username || u.password ? "••••@" : "";
  const path = u.pathname
    .split("/")
    .map((s) => (s === "" || PLAIN_SEGMENTS.has(s.toLowerCase()) ? s : "••••"))
    .join("/");
  const query = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=••••`).join("&");
  return `${u.protocol}//${auth}${u.host}${path}${query ? `?${query}` : ""}`;
}
