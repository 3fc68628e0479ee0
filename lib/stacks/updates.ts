import "server-only";
import { config } from "../config";
import { db, now } from "../db";
import { remoteDigest } from "../docker/registry";
import { logger } from "../logger";
import { singleton } from "../singleton";

// "Update available" needs the registry, so it is never asked on a page view: on demand
// (POST /api/stacks/{name}/check-updates) and on a slow schedule (UPDATE_CHECK_INTERVAL).
// The last answer per image reference is kept in the kv table.

export interface RemoteCheck {
  ref: string;
  /** Digest the registry serves for the tag now (null when the check failed). */
  remoteDigest: string | null;
  checkedAt: string;
  error?: string;
}

const KEY = (ref: string) => `image-update:${ref}`;

export function lastChecks(): Map<string, RemoteCheck> {
  const rows = db().prepare("SELECT value FROM kv WHERE key LIKE 'image-update:%'").all() as { value: string }[];
  const out = new Map<string, RemoteCheck>();
  for (const r of rows) {
    try {
      const v = JSON.parse(r.value) as RemoteCheck;
      out.set(v.ref, v);
    } catch {
      /* ignore a damaged row */
    }
  }
  return out;
}

function save(c: RemoteCheck) {
  db()
    .prepare("INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
    .run(KEY(c.ref), JSON.stringify(c), c.checkedAt);
}

const running = singleton("stacks.updates.running", () => ({ pending: null as Promise<RemoteCheck[]> | null }));

/** Ask the registries for the current digest of each reference (4 at a time, 10 s each). Results are persisted. */
export async function checkRemoteDigests(refs: string[]): Promise<RemoteCheck[]> {
  const unique = [...new Set(refs.filter(Boolean))];
  const out: RemoteCheck[] = [];
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const ref = unique[next++];
      let c: RemoteCheck;
      try {
        c = { ref, remoteDigest: (await remoteDigest(ref, { timeoutMs: 10_000 })).digest, checkedAt: now() };
      } catch (e) {
        c = { ref, remoteDigest: null, checkedAt: now(), error: (e as Error).message };
      }
      save(c);
      out.push(c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, unique.length) }, worker));
  return out.sort((a, b) => a.ref.localeCompare(b.ref));
}

/** Check every image the deployed release names (and what runs); one run at a time. */
export function checkAllUpdates(): Promise<RemoteCheck[]> {
  if (!running.pending) {
    running.pending = (async () => {
      const { desiredStacks } = await import("./desired");
      const { containersByHost } = await import("../docker/containers");
      const { stacks } = await desiredStacks();
      const names = new Set(stacks.map((s) => `${s.host}/${s.stack}`));
      const refs = stacks.flatMap((s) => s.services.map((x) => x.image ?? ""));
      // A host that is down leaves out only its containers' references.
      for (const h of await containersByHost())
        for (const c of h.containers) if (c.project && names.has(`${c.host}/${c.project}`) && !c.image.startsWith("sha256:")) refs.push(c.image);
      return checkRemoteDigests(refs);
    })().finally(() => {
      running.pending = null;
    });
  }
  return running.pending;
}

/** Start-up hook: check on a slow schedule (UPDATE_CHECK_INTERVAL; 0/off disables). */
export function scheduleUpdateChecks(): void {
  const every = config().UPDATE_CHECK_INTERVAL;
  if (!every) return;
  const state = singleton("stacks.updates.timer", () => ({ timer: null as NodeJS.Timeout | null }));
  if (state.timer) return;
  const tick = () =>
    checkAllUpdates().then(
      (r) => logger.info("image update check finished", { images: r.length, failed: r.filter((x) => x.error).length }),
      (e) => logger.warn("image update check failed", { err: e as Error }),
    );
  // First run a minute after start-up, so that start-up itself stays quiet.
  state.timer = setTimeout(
    function loop() {
      void tick();
      state.timer = setTimeout(loop, every);
      state.timer.unref();
    },
    Math.min(60_000, every),
  );
  state.timer.unref();
}
