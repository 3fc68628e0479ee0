// Addresses and ranges (IPv4, IPv6, CIDR) for the allowlist and trusted proxies.
// Ranges are matched by node:net's BlockList, which checks IPv4-mapped IPv6 (::ffff:a.b.c.d)
// against IPv4 rules and IPv4 addresses against IPv6 rules over ::ffff:0:0/96, so an IPv4 range
// also matches the same client seen through a dual-stack socket.
import { BlockList, isIPv4, isIPv6 } from "node:net";

export interface IpRange {
  text: string;
  /** The address part, as written. */
  address: string;
  family: "ipv4" | "ipv6";
  /** Prefix length in the address's own family (32 or 128 for a single address). */
  prefix: number;
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

/** An address without brackets or zone id, with its family; null when it is not an address. */
function address(raw: string): { addr: string; family: "ipv4" | "ipv6" } | null {
  let s = raw.trim();
  if (s.startsWith("[") && s.includes("]")) s = s.slice(1, s.indexOf("]"));
  s = s.replace(/%.*$/, ""); // zone id (fe80::1%eth0)
  if (isIPv4(s)) return { addr: s, family: "ipv4" };
  if (isIPv6(s)) return { addr: s.toLowerCase(), family: "ipv6" };
  return null;
}

/** Parse one address to its 128-bit form (IPv4 as IPv4-mapped), or null when it is not an address. */
export function parseIp(raw: string): bigint | null {
  const a = address(raw);
  if (!a) return null;
  return a.family === "ipv4" ? MAPPED | v4ToBig(a.addr) : v6ToBig(a.addr);
}

/** Parse "addr" or "addr/prefix"; throws a message naming the bad entry. */
export function parseRange(raw: string): IpRange {
  const text = raw.trim();
  const [addr, prefix, extra] = text.split("/");
  const a = address(addr);
  if (a === null || extra !== undefined) throw new Error(`"${text}" is not an IP address or CIDR range`);
  const max = a.family === "ipv4" ? 32 : 128;
  let p = max;
  if (prefix !== undefined) {
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) throw new Error(`"${text}" has a bad prefix length (0–${max})`);
    p = Number(prefix);
  }
  return { text, address: a.addr, family: a.family, prefix: p };
}

/** Comma- or space-separated ranges; throws on the first bad entry. */
export function parseRanges(list: string | undefined): IpRange[] {
  if (!list) return [];
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseRange);
}

// One BlockList per list of ranges, keyed by its text: callers parse the configured lists on every
// request, and the lists only change with the configuration (a few entries at most are kept).
const blockLists = new Map<string, BlockList>();

function blockList(ranges: IpRange[]): BlockList {
  const key = ranges.map((r) => `${r.family} ${r.address}/${r.prefix}`).join(",");
  let b = blockLists.get(key);
  if (!b) {
    b = new BlockList();
    for (const r of ranges) b.addSubnet(r.address, r.prefix, r.family);
    if (blockLists.size >= 16) blockLists.clear();
    blockLists.set(key, b);
  }
  return b;
}

export function inRanges(ip: string, ranges: IpRange[]): boolean {
  const a = address(ip);
  if (a === null || !ranges.length) return false;
  return blockList(ranges).check(a.addr, a.family);
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
