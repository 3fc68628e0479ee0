// Where a request comes from, and whether that address may come in. Light on purpose:
// proxy.ts imports it for every request.
import { config } from "../config";
import { clientAddress, inRanges, parseRanges, type IpRange } from "./ip";

/** Set by lib/startup.ts from the socket peer on every request; a client's own value is overwritten. */
export const PEER_HEADER = "x-oresi-peer";
/** Set by proxy.ts: the path a page request was for (the sign-in page returns there). */
export const PATH_HEADER = "x-oresi-path";

type HeaderSource = { get(name: string): string | null };

function ranges(name: "CHATOPS_IP_ALLOWLIST" | "TRUSTED_PROXIES"): IpRange[] {
  return parseRanges(config()[name]);
}

/** The client address: the socket peer, or X-Forwarded-For when the peer is a trusted proxy. */
export function clientIpFrom(headers: HeaderSource): string {
  return clientAddress(headers.get(PEER_HEADER), headers.get("x-forwarded-for"), ranges("TRUSTED_PROXIES"));
}

/** With CHATOPS_IP_ALLOWLIST set, only those addresses get in. */
export function addressAllowed(ip: string): boolean {
  const allow = ranges("CHATOPS_IP_ALLOWLIST");
  return allow.length === 0 || inRanges(ip, allow);
}
