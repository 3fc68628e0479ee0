import "server-only";
import { AppError } from "../errors";

/** next-patch / next-minor / next-major from A's suggestVersions(). */
export async function suggestVersion(kind: "next-patch" | "next-minor" | "next-major"): Promise<string> {
  throw new AppError("dependency_down", `Suggesting ${kind} is not available yet; give the version explicitly.`);
}
