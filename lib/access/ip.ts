// Addresses and ranges (IPv4, IPv6, CIDR) for the allowlist and trusted proxies.
// Everything is compared as a 128-bit number; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d),
// so an IPv4 range also matches the same client seen through a dual-stack socket.
import { isIPv4, isIPv6 } from "node:net";

export interface IpRange {
  text: string;
  base: bigint;
  bits: number; // prefix length over 128 bits
}

const MAPPED = 0xffffn << 32n;

function v4ToBig(s: string): bigint {
  return s.split(".").reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function v6ToBig(s: string): bigint {
  let head = s;
  let tail4: string | null = null;
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (m) {
    head = m[1].endsWith("::") ? m[1] : m[1].slice(0, -1);
    tail4 = m[2];
  }
  const groupsNeeded = tail4 ? 6 : 8;
  const [l, r] = head.includes("::") ? head.split("::") : [head, null];
  const left = l ? l.split(":") : [];
  const right = r === null ? [] : r ? r.split(":") : [];
  const fill = r === null ? 0 : groupsNeeded - left.length - right.length;
  const groups = [...left, ...Array<string>(fill).fill("0"), ...right];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || "0", 16));
  if (tail4) n = (n << 32n) | v4ToBig(tail4);
  return n;
}

/** Parse one address to its 128-bit form, or null when it is not an address. */
export function parseIp(raw: string): bigint | null {
  let s = raw.trim();
  if (s.startsWith("[") && s.includes("]")) s = s.slice(1, s.indexOf("]"));
  s = s.replace(/%.*$/, ""); // zone id (fe80::1%eth0)
  if (isIPv4(s)) return MAPPED | v4ToBig(s);
  if (isIPv6(s)) return v6ToBig(s.toLowerCase());
  return null;
}

/** Parse "addr" or "addr/prefix"; throws a message naming the bad entry. */
export function parseRange(raw: string): IpRange {
  const text = raw.trim();
  const [addr, prefix, extra] = text.split("/");
  const v4 = isIPv4(addr);
  const base = parseIp(addr);
  if (base === null || extra !== undefined) throw new Error(`"${text}" is not an IP address or CIDR range`);
  const max = v4 ? 32 : 128;
  let p = max;
  if (prefix !== undefined) {
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) throw new Error(`"${text}" has a bad prefix length (0–${max})`);
    p = Number(prefix);
  }
  const bits = v4 ? 96 + p : p;
  return { text, base: mask(base, bits), bits };
}

function mask(n: bigint, bits: number): bigint {
  if (bits === 0) return 0n;
  const m = ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
  return n & m;
}

/** Comma- or space-separated ranges; throws on the first bad entry. */
export function parseRanges(list: string | undefined): IpRange[] {
  if (!list) return [];
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseRange);
}

export function inRanges(ip: string, ranges: IpRange[]): boolean {
  const n = parseIp(ip);
  if (n === null) return false;
  return ranges.some((r) => mask(n, r.bits) === r.base);
}

/** Display form: IPv4-mapped IPv6 shown as plain IPv4. */
export function displayIp(ip: string): string {
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
}

/**
 * The client address: the socket peer, unless the peer is a trusted proxy; then the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (entries to its
 * left are client-supplied and can be forged).
 */
export function clientAddress(peer: string | null | undefined, xff: string | null | undefined, trusted: IpRange[]): string {
  const p = displayIp((peer ?? "").trim() || "unknown");
  if (!xff || !trusted.length || !inRanges(p, trusted)) return p;
  const hops = xff
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i].replace(/^\[(.*)\](:\d+)?$/, "$1").replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, "$1");
    if (parseIp(h) === null) return "invalid";
    if (!inRanges(h, trusted)) return displayIp(h);
    if (i === 0) return displayIp(h);
  }
  return p;
}
