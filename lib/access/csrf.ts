// Cross-site request forgery: a state-changing request authenticated by a cookie must come
// from our own pages. Browsers send Sec-Fetch-Site (which pages cannot forge); older ones
// send Origin, compared with PUBLIC_URL or else the Host the request was sent to.
// Requests with an API key carry no ambient credentials and are exempt.

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSameOrigin(headers: Headers, publicUrl?: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = headers.get("origin");
  if (!origin || origin === "null") return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl) {
    try {
      return o.origin === new URL(publicUrl).origin;
    } catch {
      return false;
    }
  }
  const host = headers.get("host");
  return !!host && o.host.toLowerCase() === host.toLowerCase();
}
