import path from "node:path";
import { parseXOresi, type XOresi } from "../../docker/x-oresi";
import { AppError } from "../../errors";
import type { Sha } from "../../git/refs";
import type { ConfigPart } from "../../stacks/desired";
import type { ChangePlan } from "../plan-changes";
import type { Pin } from "../pins";
import { prepareSwarmStacks } from "./swarm";
import type { EngineDeps, PreparedStack, Run, StepDef } from "./types";

/**
 * Everything that can be checked before the switch, with nothing running touched: Compose's
 * config of each changed stack at the release, x-oresi, exact-release pins, every image present
 * (pulled when missing). A removed stack's files are kept in `work` to run `down` after the switch.
 */
export const preflightStep: StepDef<{ sha: Sha; plan: ChangePlan; work: string }, PreparedStack[]> = {
  name: "preflight",
  async run(deps, r, { sha, plan, work }) {
    const out: PreparedStack[] = [];
    const problems: string[] = [];
    const pins: Pin[] = [];
    const known = deps.docker.hosts();
    // Each host the deployment needs must answer before anything changes (asked once per host).
    const reachable = new Map<string, Promise<string | null>>();
    const hostProblem = (host: string) => {
      if (!reachable.has(host))
        reachable.set(
          host,
          deps.docker.ping(host).then(
            () => null,
            (e: Error) => e.message,
          ),
        );
      return reachable.get(host)!;
    };
    const hostOf = (settings: XOresi, stack: string): string | null => {
      const h = settings.host ?? "local";
      if (known.includes(h)) return h;
      problems.push(
        `${stack}: x-oresi.host names Docker host ${h}, which is not configured (configured: ${known.join(", ")}); add it to DOCKER_HOSTS_FILE or fix the compose file.`,
      );
      return null;
    };
    // An automatic rollback puts back what it can: a host that does not answer is left as it is (and said so).
    const auto = !!r.deployment.auto;
    const skipped = new Map<string, { stacks: string[]; reason: string }>();
    const unreachable = async (host: string, stack: string): Promise<boolean> => {
      const why = await hostProblem(host);
      if (!why) return false;
      if (auto) {
        const s = skipped.get(host) ?? { stacks: [], reason: why };
        s.stacks.push(stack);
        skipped.set(host, s);
      } else problems.push(`${stack}: host ${host} unreachable (${why})`);
      return true;
    };
    const hostsOf = new Map<string, string>();
    const movedFrom = new Map<string, string>();
    const leaving: PreparedStack[] = [];
    for (const ch of plan.changes) {
      if (ch.change === "removed") {
        const from = [...plan.trees.values()].find((t) => t.stacks.some((s) => s.name === ch.stack))!;
        const files = from.stacks.find((s) => s.name === ch.stack)!;
        // Its host is the one its files named where it ran.
        const before = await deps.plan.composeConfig(from.sha, files).catch(() => null);
        const settings = parseXOresi(before?.composeText ?? "").settings;
        const host = hostOf(settings, ch.stack);
        if (host) hostsOf.set(ch.stack, host);
        if (!host || (await unreachable(host, ch.stack))) continue;
        const dir = await deps.git.exportStack(from.sha, files, path.join(work, "removed"));
        out.push({ name: ch.stack, host, change: ch.change, dir, services: [], settings, overrides: [] });
        continue;
      }
      const files = plan.target.stacks.find((s) => s.name === ch.stack)!;
      // Compose's config at the release, cached per (stack, commit): warm after a preview or an
      // earlier view of the release, so a click spends no time in `compose config`.
      let cfg: ConfigPart;
      try {
        cfg = await deps.plan.composeConfig(sha, files);
      } catch (e) {
        problems.push(`${ch.stack}: compose config failed at ${r.to}: ${(e as Error).message}`);
        continue;
      }
      if (cfg.error) {
        problems.push(`${ch.stack}: compose config failed at ${r.to}: ${cfg.error}`);
        continue;
      }
      const services = cfg.services;
      const x = parseXOresi(cfg.composeText);
      if (x.error) {
        problems.push(`${ch.stack}: ${x.error}`);
        continue;
      }
      const host = hostOf(x.settings, ch.stack);
      if (host) hostsOf.set(ch.stack, host);
      if (!host || (await unreachable(host, ch.stack))) continue;
      let overrides: string[] = [];
      if (plan.exact) {
        const p = await deps.plan.pins(ch.stack, plan.exact, new Map(services.map((s) => [s.name, s.image])), host);
        for (const w of p.warnings) r.log(w, "warn");
        if (p.pins.length) {
          overrides = [deps.plan.writePins(r.id, ch.stack, p.pins)];
          pins.push(...p.pins);
          for (const pin of p.pins)
            r.log(`Exact release: ${pin.stack}/${pin.service} pinned to ${pin.pinned} (${pin.reason}); override ${overrides[0]}.`, "warn");
        }
      }
      for (const s of services) {
        const pin = pins.find((p) => p.stack === ch.stack && p.service === s.name);
        const ref = pin?.pinned ?? s.image;
        if (!ref) {
          if (s.build) problems.push(`${ch.stack}/${s.name} is built from source (build:), which Oresi does not do; name an image.`);
          continue;
        }
        const problem = await ensureImage(deps, r, ref, `${ch.stack}/${s.name}`, host, known.length > 1);
        if (problem) problems.push(problem);
      }
      out.push({ name: ch.stack, host, change: ch.change, dir: path.join(deps.config().stacksDir, ch.stack), services, settings: x.settings, overrides });
      // x-oresi.host changed: the stack moves. Its containers on the host it leaves are taken down (with the files
      // they were started from) once the new host is verified, as by hand: `up -d` there, then `down` here.
      if (known.length > 1 && ch.change === "changed")
        for (const from of plan.trees.values()) {
          const old = from.sha === sha ? undefined : from.stacks.find((s) => s.name === ch.stack);
          if (!old) continue;
          const before = await deps.plan.composeConfig(from.sha, old).catch(() => null);
          const settings = parseXOresi(before?.composeText ?? "").settings;
          const was = settings.host ?? "local";
          if (was === host || !known.includes(was) || leaving.some((l) => l.name === ch.stack && l.host === was)) continue;
          movedFrom.set(ch.stack, was);
          if (await unreachable(was, ch.stack)) continue;
          const dir = await deps.git.exportStack(from.sha, old, path.join(work, "moved", was));
          leaving.push({ name: ch.stack, host: was, change: "removed", movedTo: host, dir, services: [], settings, overrides: [] });
          r.log(`${ch.stack}: moves from host ${was} to host ${host}; compose down on ${was} once ${host} is verified.`);
        }
    }
    out.push(...leaving);
    // The record lists each stack change's host.
    if (known.length > 1)
      deps.store.update(r.id, {
        stacks: plan.changes.map((c) => ({
          ...c,
          ...(hostsOf.has(c.stack) ? { host: hostsOf.get(c.stack) } : {}),
          ...(movedFrom.has(c.stack) ? { movedFrom: movedFrom.get(c.stack) } : {}),
        })),
      });
    if (skipped.size) {
      r.unreachable = [...skipped].map(([host, s]) => ({ host, ...s }));
      for (const u of r.unreachable)
        r.log(`Host ${u.host} unreachable (${u.reason}): ${u.stacks.join(", ")} cannot be rolled back now; rolling back the other hosts.`, "error");
    }
    // Swarm stacks (x-oresi.mode: swarm): their interpolated files checked now, deployed by `docker stack deploy`.
    await prepareSwarmStacks(deps, r, { sha, plan, work, stacks: out, problems });
    if (problems.length) {
      for (const p of problems) r.log(p, "error");
      throw new AppError("preflight_failed", `Pre-flight failed, nothing running was touched: ${problems.join("; ")}`, { problems });
    }
    return out;
  },
  detail: (p) => `${p.length} stack(s) ready`,
};

/** The image present, or pulled now; returns the problem when it cannot be had. */
async function ensureImage(deps: EngineDeps, r: Run, ref: string, what: string, host: string, named: boolean): Promise<string | null> {
  const on = named ? ` on host ${host}` : "";
  const tag = named ? `[${host}] ` : "";
  try {
    if (await deps.docker.imageInspect(ref, host)) return null;
  } catch (e) {
    return `${what}: image ${ref} cannot be inspected${on} (${(e as Error).message})`;
  }
  r.log(`${tag}Pulling ${ref} for ${what}${on} before the switch…`);
  try {
    let last = "";
    await deps.docker.pull(
      ref,
      (p) => {
        const l = `${p.id ? p.id + ": " : ""}${p.status}`;
        if (/Pull complete|Downloaded newer|Status|Digest/i.test(l) && l !== last) r.log(`${tag}${l}`, "stdout");
        last = l;
      },
      host,
    );
    r.log(`${tag}Pulled ${ref}.`);
    return null;
  } catch (e) {
    return `${what}: image ${ref} is not present${on} and cannot be pulled (${(e as Error).message})`;
  }
}
