// Password hashes for local accounts: scrypt$N$r$p$salt$hash (salt and hash base64url).
// scripts/hash-password.mjs writes the same format (it cannot import TypeScript).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (e, k) => (e ? reject(e) : resolve(k))));

export const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

export interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Parse and bound-check a hash (a huge N would stall the server on every sign-in). */
export function parseHash(h: string): ParsedHash | null {
  const m = HASH_PATTERN.exec(h.trim());
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { N, r, p, salt: Buffer.from(m[4], "base64url"), hash: Buffer.from(m[5], "base64url") };
}

export async function hashPassword(password: string, N = 1 << 15): Promise<string> {
  const salt = randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password, salt, 32, { N, r, p, maxmem: 256 * N * r });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (!h) return false;
  const key = await scrypt(password, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r });
  return key.length === h.hash.length && timingSafeEqual(key, h.hash);
}

// Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
let dummy: string | undefined;
export async function dummyVerify(password: string): Promise<false> {
  dummy ??= await hashPassword("not-a-real-password");
  await verifyPassword(password, dummy);
  return false;
}
