import { z } from "zod";
import YAML from "yaml";
import { parseDuration } from "../config";

// Per-stack settings under the top-level `x-oresi` key of a stack's compose file
// (Compose ignores `x-` keys):
//
//   x-oresi:
//     kuma: ["Jellyfin", "Jellyfin HTTPS"]   # Uptime Kuma monitors of this stack
//     verify:
//       timeout: 90s                          # how long verification may take
//       health: true                          # containers running and healthy
//       kuma: true                            # monitors up with a fresh heartbeat
//       logs: false                           # fail on error lines in the logs
//       maxErrorLines: 0
//     host: nas                               # the Docker host it runs on (DOCKER_HOSTS_FILE; default local)
//     mode: swarm                             # compose (default) or swarm (`docker stack deploy`)
/** Same pattern as lib/config.ts HOST_NAME_RE (kept literal: this module is also used without the config). */
const hostNameString = z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, "a host name of lower-case letters, digits and dashes, such as nas");

const durationString = z.string().regex(/^\d+(ms|s|m|h)$/, "a duration such as 90s");

export const xOresiSchema = z
  .object({
    kuma: z.array(z.string().min(1).max(200)).max(100).default([]),
    verify: z
      .object({
        timeout: durationString.transform(parseDuration).optional(),
        health: z.boolean().default(true),
        kuma: z.boolean().default(true),
        logs: z.boolean().default(false),
        maxErrorLines: z.number().int().min(0).default(0),
      })
      .partial()
      .default({}),
    host: hostNameString,
    mode: z.enum(["compose", "swarm"], { message: "compose or swarm" }),
  })
  .partial();

export interface XOresi {
  kuma: string[];
  verify: { timeoutMs?: number; health: boolean; kuma: boolean; logs: boolean; maxErrorLines: number };
  /** The Docker host (unset: `local`); lib/docker/hosts.ts hostOfStack() resolves and checks it. */
  host?: string;
  /** compose or swarm; unset: not said (compose, or detected). */
  mode?: "compose" | "swarm";
}

export const X_ORESI_DEFAULTS: XOresi = { kuma: [], verify: { health: true, kuma: true, logs: false, maxErrorLines: 0 } };

/** Read `x-oresi` from a compose file's text. Bad settings are reported, never thrown at callers that only display. */
export function parseXOresi(composeText: string): { settings: XOresi; error?: string } {
  let doc: unknown;
  try {
    doc = YAML.parse(composeText);
  } catch (e) {
    return { settings: X_ORESI_DEFAULTS, error: `compose file is not valid YAML: ${(e as Error).message.split("\n")[0]}` };
  }
  const raw = (doc && typeof doc === "object" ? (doc as Record<string, unknown>)["x-oresi"] : undefined) ?? {};
  const r = xOresiSchema.safeParse(raw);
  if (!r.success) return { settings: X_ORESI_DEFAULTS, error: `x-oresi: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  const v = r.data.verify ?? {};
  return {
    settings: {
      kuma: r.data.kuma ?? [],
      verify: {
        timeoutMs: v.timeout,
        health: v.health ?? true,
        kuma: v.kuma ?? true,
        logs: v.logs ?? false,
        maxErrorLines: v.maxErrorLines ?? 0,
      },
      ...(r.data.host ? { host: r.data.host } : {}),
      ...(r.data.mode ? { mode: r.data.mode } : {}),
    },
  };
}
