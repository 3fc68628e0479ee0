// Which files Compose reads in a stack folder, by Compose's own rules (pure: the caller says
// which names exist and gives the .env text, so the same rules serve a folder on disk, a
// folder exported at a commit, and a git tree).
//
// Measured on docker-compose 1.29.2 and taken from compose-go (v2):
// - COMPOSE_FILE in the stack's .env (our Compose processes get no COMPOSE_* from the server's
//   own environment) names the files, split by COMPOSE_PATH_SEPARATOR (default ":" on Linux);
//   no override file is added then.
// - Otherwise the first existing main file, in each version's order of preference, plus the
//   override file when present. v1 accepts any of the four override names and refuses more
//   than one; v2 takes the first in its order.
// - COMPOSE_PROFILES in .env (comma separated) picks the profiles; v1.29 reads it from .env
//   too, and `--profile` replaces it rather than adding to it.
import { parseEnv } from "./env";

export type ComposeMajor = 1 | 2;

/** Main compose file names, in each version's order of preference. */
export const MAIN_FILES: Record<ComposeMajor, readonly string[]> = {
  1: ["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"],
  2: ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"],
};

/** Override file names, in each version's order of preference. */
export const OVERRIDE_FILES: Record<ComposeMajor, readonly string[]> = {
  1: ["docker-compose.override.yml", "docker-compose.override.yaml", "compose.override.yml", "compose.override.yaml"],
  2: ["compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"],
};

/** Every name Compose may pick up by itself in a stack folder (besides COMPOSE_FILE targets). */
export const ALL_DEFAULT_FILES = [...new Set([...MAIN_FILES[2], ...MAIN_FILES[1], ...OVERRIDE_FILES[2], ...OVERRIDE_FILES[1]])];

export interface ComposeFileSet {
  /** The files in Compose's order, as written (relative to the stack folder, or absolute from COMPOSE_FILE). */
  files: string[];
  source: "COMPOSE_FILE" | "default";
  /** Active profiles (COMPOSE_PROFILES in .env); empty: only services without `profiles:`. */
  profiles: string[];
  /** Why Compose itself would refuse this folder (no file, several override files on v1). */
  error?: string;
}

/** The COMPOSE_* settings of a stack's .env. */
export function composeSettings(envText: string | null): { composeFile: string | null; separator: string; profiles: string[] } {
  const vars = parseEnv(envText ?? "");
  const file = vars.get("COMPOSE_FILE");
  const separator = vars.get("COMPOSE_PATH_SEPARATOR") || ":";
  const profiles = (vars.get("COMPOSE_PROFILES") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return { composeFile: file && file.trim() ? file : null, separator, profiles };
}

/** The files Compose reads, given which names exist in the folder and the folder's .env text. */
export function resolveComposeFiles(major: ComposeMajor, exists: (name: string) => boolean, envText: string | null): ComposeFileSet {
  const s = composeSettings(envText);
  if (s.composeFile) {
    const files = s.composeFile
      .split(s.separator)
      .map((f) => f.trim())
      .filter(Boolean);
    return { files, source: "COMPOSE_FILE", profiles: s.profiles };
  }
  const main = MAIN_FILES[major].find(exists);
  if (!main) return { files: [], source: "default", profiles: s.profiles, error: `No compose file (${MAIN_FILES[major].join(", ")}).` };
  const overrides = OVERRIDE_FILES[major].filter(exists);
  if (major === 1 && overrides.length > 1)
    return {
      files: [main, ...overrides],
      source: "default",
      profiles: s.profiles,
      error: `Several override files (${overrides.join(", ")}); Compose v1 accepts only one: keep one of them.`,
    };
  return { files: overrides.length ? [main, overrides[0]] : [main], source: "default", profiles: s.profiles };
}

/** Is a service with these `profiles:` started when these profiles are active (Compose's rule)? */
export function serviceEnabled(serviceProfiles: unknown, active: string[]): boolean {
  if (!Array.isArray(serviceProfiles) || serviceProfiles.length === 0) return true;
  if (active.includes("*")) return true;
  return serviceProfiles.some((p) => typeof p === "string" && active.includes(p));
}
