// Credentials must never reach logs, errors or the audit trail.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(?::[^\s/@]*)?@/gi;
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi;

export const SECRET_KEY_PATTERN = /(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE)/i;

export function redact(text: string): string {
  return text.replace(URL_CREDENTIALS, "$1***@").replace(BEARER, "$1***");
}

/** Mask a secret value: keep a hint of its length, never its content. */
export function maskValue(value: string): string {
  if (value.length === 0) return "";
  return "••••••••";
}

/** Remove secret-looking fields from a parameter object before it is stored or shown. */
export function redactParams(params: unknown): unknown {
  if (Array.isArray(params)) return params.map(redactParams);
  if (params && typeof params === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      out[k] = SECRET_KEY_PATTERN.test(k) ? "***" : redactParams(v);
    }
    return out;
  }
  if (typeof params === "string") return redact(params);
  return params;
}
