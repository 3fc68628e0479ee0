import "server-only";
import { deployedRelease } from "../deploy/deployed";
import { parseXOresi } from "../docker/x-oresi";
import { readFilesAt, stacksInTree, treeAt } from "../git/read";
import type { Sha } from "../git/refs";
import { repoState } from "../git/state";
import { resolveRelease } from "../git/tags";
import { KUMA_CACHE_MS } from "../kuma/cache";
import { mapMonitorsToStacks, type StackKumaConfig } from "../kuma/match";
import { kumaStatus } from "../kuma/status";
import type { KumaOverview, StackMonitors } from "../kuma/types";
import { singleton } from "../singleton";

// The monitors of each stack: what Uptime Kuma says (lib/kuma) matched to the stacks of the
// deployed release. The monitors each stack names in its compose file (`x-oresi.kuma`) are read
// at the deployed release (HEAD before the first deployment): one `ls-tree` and one
// `cat-file --batch` per commit, cached by commit since a commit never changes.

export interface StackKumaConfigs {
  commit: Sha;
  /** The release tag, or "HEAD". */
  ref: string;
  stacks: StackKumaConfig[];
}

const byCommit = singleton("kuma.stacks.byCommit", () => new Map<string, Promise<StackKumaConfig[]>>());

async function readAt(commit: Sha): Promise<StackKumaConfig[]> {
  const stacks = stacksInTree(await treeAt(commit));
  const files = await readFilesAt(
    commit,
    stacks.map((s) => s.composeFile),
  );
  return stacks.map((s) => {
    const text = files.get(s.composeFile)?.toString("utf8");
    if (text === undefined) return { stack: s.name, kuma: [], error: `${s.composeFile} could not be read` };
    const { settings, error } = parseXOresi(text);
    return { stack: s.name, kuma: settings.kuma, ...(error ? { error } : {}) };
  });
}

export function configsAt(commit: Sha): Promise<StackKumaConfig[]> {
  let p = byCommit.get(commit);
  if (!p) {
    p = readAt(commit);
    byCommit.set(commit, p);
    p.catch(() => byCommit.delete(commit));
    if (byCommit.size > 32) byCommit.delete(byCommit.keys().next().value!);
  }
  return p;
}

/** Where the stacks are read from: the deployed release, or HEAD when nothing was deployed yet. */
export async function mappingCommit(): Promise<{ commit: Sha; ref: string }> {
  let deployed = null;
  try {
    deployed = deployedRelease();
  } catch {
    deployed = null; // no database yet: fall back to HEAD
  }
  if (deployed) return { commit: deployed.sha ?? (await resolveRelease(deployed.tag)), ref: deployed.tag };
  const st = await repoState(5_000);
  if (!st.head) throw new Error("The stacks repository has no commit yet.");
  return { commit: st.head, ref: st.headRelease ?? "HEAD" };
}

export async function stackKumaConfigs(): Promise<StackKumaConfigs> {
  const { commit, ref } = await mappingCommit();
  return { commit, ref, stacks: await configsAt(commit) };
}

/** Kuma status plus which stack each monitor belongs to (x-oresi first, then by name). */
export async function kumaOverview(maxAgeMs = KUMA_CACHE_MS): Promise<KumaOverview> {
  const [status, configs] = await Promise.all([kumaStatus(maxAgeMs), stackKumaConfigs().catch((e: unknown) => e as Error)]);
  if (configs instanceof Error) {
    return {
      ...status,
      stacks: [],
      unassigned: status.monitors.map((m) => m.id),
      mapping: { commit: null, ref: null, error: `Monitors could not be matched to stacks: ${configs.message}` },
    };
  }
  const mapped = mapMonitorsToStacks(status.monitors, configs.stacks);
  return { ...status, ...mapped, mapping: { commit: configs.commit, ref: configs.ref } };
}

/** The monitors of each stack (all stacks of the deployed release, with or without monitors). */
export async function monitorsByStack(): Promise<StackMonitors[]> {
  return (await kumaOverview()).stacks;
}
