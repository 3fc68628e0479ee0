import "server-only";
import { listReleases } from "../git/tags";
import { suggestVersions } from "../releases/versions";

/** next-patch / next-minor / next-major after the newest release (A's suggestVersions). */
export async function suggestVersion(kind: "next-patch" | "next-minor" | "next-major"): Promise<string> {
  const s = suggestVersions((await listReleases()).releases.map((r) => r.tag));
  return kind === "next-patch" ? s.patch : kind === "next-minor" ? s.minor : s.major;
}
