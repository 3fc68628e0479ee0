// Uptime Kuma writes times in UTC without a zone suffix: "2026-11-25 14:43:41.008".
const KUMA_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:?\d{2})?$/;

/** A Kuma time as ISO 8601 UTC, or null when it is not one. */
export function kumaTime(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const m = KUMA_TIME.exec(v.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}${m[3] ?? "Z"}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The reverse, for fixtures: a Date in Kuma's format. */
export function toKumaTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}
