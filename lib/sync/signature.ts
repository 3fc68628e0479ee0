// Pure: GitHub's X-Hub-Signature-256 check (HMAC-SHA256 of the raw body), in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

const HEADER_RE = /^sha256=([0-9a-f]{64})$/i;

export function sign(body: string | Buffer, secret: string): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

/** True only when the header is present, well-formed and matches the body's HMAC. */
export function verifySignature(body: string | Buffer, header: string | null | undefined, secret: string): boolean {
  if (!secret) return false;
  const m = HEADER_RE.exec((header ?? "").trim());
  const expected = createHmac("sha256", secret).update(body).digest();
  // Compare equal-length buffers even for a malformed header, so timing says nothing.
  const given = m ? Buffer.from(m[1], "hex") : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, given) && !!m;
}
