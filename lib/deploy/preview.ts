import "server-only";
import { z } from "zod";
import { containersByHost, listImages } from "../docker/containers";
import { knownHostOfStack, LOCAL_HOST } from "../docker/hosts";
import { parseXOresi } from "../docker/x-oresi";
import type { ContainerInfo, ImageInfo } from "../docker/types";
import type { Sha } from "../git/refs";
import { repoState } from "../git/state";
import { resolveRelease } from "../git/tags";
import { desiredConfig, desiredStack } from "../stacks/desired";
import { deployedRelease } from "./deployed";
import { deploymentTarget, planChanges, type ChangePlan } from "./plan-changes";
import { planPins } from "./pins";
import { allServices, classifyStack, summarizePreview, type RunningContainer } from "./preview-plan";
import type { DeploymentPreview, PreviewStack } from "./preview-types";

// What a rollout or rollback will do, before anything changes: the engine's own plan (which
// stacks `up` runs in), then per service Compose's config hash at the target against the
// running container's com.docker.compose.config-hash label, the very test Compose applies.
// Config and hashes come from the per-(stack, commit) cache, which pre-flight then reuses.

export const previewQuerySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rollout"), to: z.string().min(1).max(128) }).strict(),
  z.object({ kind: z.literal("rollback") }).strict(),
]);
export type PreviewInput = z.input<typeof previewQuerySchema>;

const running = (cs: ContainerInfo[], stack: string, host: string): RunningContainer[] =>
  cs
    .filter((c) => c.project === stack && c.host === host && !c.oneoff && c.service)
    .map((c) => ({ service: c.service!, image: c.image, configHash: c.configHash }));

/** The host a stack's compose text names (x-oresi.host; `local` when unset or not configured: pre-flight says so). */
const hostIn = (composeText: string) => knownHostOfStack(parseXOresi(composeText).settings) ?? LOCAL_HOST;

/** The hosts a stack ran on in the commits the plan compares against (x-oresi.host in each; a stack that moves has another). */
export async function hostsBefore(plan: ChangePlan, sha: Sha, stack: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const t of plan.trees.values()) {
    const files = t.sha === sha ? null : t.stacks.find((s) => s.name === stack);
    if (files) out.add(hostIn((await desiredConfig(t.sha, files).catch(() => null))?.composeText ?? ""));
  }
  return out;
}

/** The preview for a plan the engine made (also called by the engine at its plan step). */
export async function previewPlan(kind: DeploymentPreview["kind"], from: string | null, to: string, sha: Sha, plan: ChangePlan): Promise<DeploymentPreview> {
  // Each host's containers; a host that does not answer makes only its stacks' preview an error.
  const lists = await containersByHost();
  if (lists.every((h) => h.error)) throw (lists.find((h) => h.host === LOCAL_HOST) ?? lists[0]).error;
  const containers = lists.flatMap((h) => h.containers);
  const down = new Map(lists.filter((h) => h.error).map((h) => [h.host, h.error!.message]));
  const byHost = new Map<string, Promise<ImageInfo[]>>();
  const images = (host: string) => {
    if (!byHost.has(host)) byHost.set(host, down.has(host) ? Promise.resolve([]) : listImages(host).catch(() => [] as ImageInfo[]));
    return byHost.get(host)!;
  };
  const base = [...plan.trees.values()][0] ?? null;
  const stacks: PreviewStack[] = [];
  for (const ch of plan.changes) {
    if (ch.change === "removed") {
      const tree = [...plan.trees.values()].find((t) => t.stacks.some((s) => s.name === ch.stack));
      const old = tree?.stacks.find((s) => s.name === ch.stack);
      const host = old ? hostIn((await desiredConfig(tree!.sha, old).catch(() => null))?.composeText ?? "") : LOCAL_HOST;
      stacks.push({ stack: ch.stack, change: "removed", services: allServices(running(containers, ch.stack, host), "removed") });
      continue;
    }
    const files = plan.target.stacks.find((s) => s.name === ch.stack)!;
    const cfg = await desiredConfig(sha, files);
    if (cfg.error) {
      stacks.push({ stack: ch.stack, change: ch.change, services: [], error: cfg.error });
      continue;
    }
    const host = hostIn(cfg.composeText);
    if (down.has(host)) {
      stacks.push({ stack: ch.stack, change: ch.change, services: [], error: `host ${host} unreachable (${down.get(host)})` });
      continue;
    }
    const here = running(containers, ch.stack, host);
    const want = await desiredStack(sha, files, images);
    const baseFiles = base?.stacks.find((s) => s.name === ch.stack);
    let sides = null;
    if (base && baseFiles) {
      const [bc, bs] = await Promise.all([desiredConfig(base.sha, baseFiles), desiredStack(base.sha, baseFiles, images)]).catch(() => [null, null] as const);
      if (bc && bs && !bc.error) sides = { definitions: bc.definitions, hashes: Object.fromEntries(bs.services.map((s) => [s.name, s.configHash])) };
    }
    const pinned = new Map<string, string>();
    if (plan.exact) {
      const r = await planPins(ch.stack, plan.exact, new Map(cfg.services.map((s) => [s.name, s.image])), host);
      for (const p of r.pins) pinned.set(p.service, p.pinned);
    }
    const several = lists.length > 1;
    stacks.push({
      stack: ch.stack,
      change: ch.change,
      services: classifyStack({ target: want.services, targetDefinitions: cfg.definitions, base: sides, running: here, pinned }),
      ...(several ? { host } : {}),
    });
    // A stack whose x-oresi.host changed moves: its containers on the host it leaves are removed.
    if (several && ch.change === "changed")
      for (const was of await hostsBefore(plan, sha, ch.stack))
        if (was !== host)
          stacks.push({
            stack: ch.stack,
            change: "removed",
            host: was,
            movedTo: host,
            services: allServices(running(containers, ch.stack, was), "removed"),
            ...(down.has(was) ? { error: `host ${was} unreachable (${down.get(was)})` } : {}),
          });
  }
  for (const s of plan.target.stacks) {
    if (plan.changes.some((c) => c.stack === s.name)) continue;
    // With one host nothing needs reading; with several, the stack's config (cached per commit) names its host.
    const host = lists.length === 1 ? LOCAL_HOST : hostIn((await desiredConfig(sha, s).catch(() => null))?.composeText ?? "");
    stacks.push({ stack: s.name, change: "unchanged", services: allServices(running(containers, s.name, host), "untouched") });
  }
  stacks.sort((a, b) => Number(a.change === "unchanged") - Number(b.change === "unchanged") || a.stack.localeCompare(b.stack));
  return { kind, from, to, toSha: sha, stacks, ...summarizePreview(stacks) };
}

/** GET /api/deployments/preview: what "Roll out vX.Y.Z" or "Roll back" would do now. Changes nothing. */
export async function previewDeployment(input: PreviewInput): Promise<DeploymentPreview> {
  const body = previewQuerySchema.parse(input);
  const { to, exactFrom } = deploymentTarget(body);
  const sha = await resolveRelease(to);
  const from = deployedRelease()?.tag ?? (await repoState()).headRelease ?? null;
  return previewPlan(body.kind, from, to, sha, await planChanges(sha, from, exactFrom));
}
