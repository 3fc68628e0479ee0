import "server-only";
import { knownHostOfStack } from "../docker/hosts";
import { stackKind, swarmServices, type SwarmService } from "../docker/swarm";
import type { DesiredStack } from "./desired";
import type { DriftInput } from "./drift";
import { swarmStackView } from "./swarm-view";
import type { ContainerView, ProjectGroup, StackView } from "./types";

// The Swarm stacks of the stacks report: each stack that is a Swarm stack on its host
// (lib/docker/swarm-model.ts decideMode) gets the view of its services (swarm-view.ts) in place
// of the Compose view, and its task containers leave the "other containers". Reads are shared:
// one swarm state and one service list per host (cached for a few seconds).

/** Replace the views of Swarm stacks in a built report (in place). A host that cannot be read keeps the Compose view. */
export async function applySwarmStacks(
  desired: DesiredStack[],
  built: { stacks: StackView[]; others: ProjectGroup[] },
  monitors?: DriftInput["monitors"],
): Promise<void> {
  const found: { d: DesiredStack; host: string; services: SwarmService[] | Error }[] = [];
  await Promise.all(
    desired.map(async (d) => {
      const host = knownHostOfStack(d.xOresi);
      if (!host || d.xOresi.mode === "compose") return;
      const kind = await stackKind(d.stack, d.xOresi.mode, host).catch(() => null);
      if (kind?.mode !== "swarm") return;
      const services = await swarmServices(host).then(
        (all) => all.filter((s) => s.stack === d.stack),
        (e: Error) => e,
      );
      found.push({ d, host, services });
    }),
  );
  if (!found.length) return;
  const attached = new Set<string>();
  const all: ContainerView[] = built.others.flatMap((g) => g.containers);
  for (const { d, host, services } of found) {
    const i = built.stacks.findIndex((s) => s.name === d.stack);
    if (i < 0) continue;
    const before = built.stacks[i];
    if (services instanceof Error) {
      const reason = `Swarm services unreadable on host ${host}: ${services.message}`;
      built.stacks[i] = { ...before, kind: "swarm", sync: { status: "unknown", reason, differs: [] }, health: { status: "unknown", reason } };
      continue;
    }
    const view = swarmStackView(
      d,
      services,
      all.filter((c) => c.host === host),
      monitors?.get(d.stack),
    );
    // Every task's container, those of shut-down tasks Swarm keeps for history too, leaves "other containers".
    for (const svc of services) for (const t of svc.tasks) if (t.containerId) attached.add(t.containerId);
    // Fields the Compose view set beside the model (the host) stay.
    built.stacks[i] = { ...before, ...view };
  }
  if (!attached.size) return;
  const others = built.others.map((g) => ({ ...g, containers: g.containers.filter((c) => !attached.has(c.id)) })).filter((g) => g.containers.length);
  built.others.splice(0, built.others.length, ...others);
}
