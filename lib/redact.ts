// Credentials must never reach logs, errors or the audit trail (masking rules: lib/secrets/mask.ts).
import { isSecretKey, maskText } from "./secrets/mask";

/**
 * Text with its secrets masked: credentials in URLs (`https://***@host`), bearer tokens,
 * secret-named `KEY=value` / `"key":"value"` pairs, PEM private keys and well-known token formats.
 * Hex runs stay (in logs they are container and image IDs).
 */
export function redact(text: string): string {
  return maskText(text, { urlStyle: "stars", hexTokens: false, colonPairs: false });
}

/** Remove secret-looking fields from a parameter object before it is stored or shown. */
export function redactParams(params: unknown): unknown {
  if (Array.isArray(params)) return params.map(redactParams);
  if (params && typeof params === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      out[k] = isSecretKey(k) ? "***" : redactParams(v);
    }
    return out;
  }
  if (typeof params === "string") return redact(params);
  return params;
}
