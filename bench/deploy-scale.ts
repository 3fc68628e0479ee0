// Bench: unchanged stacks cost nothing. A release that changes 1 stack out of 1, 20 and 200
// (the others are stacks without containers, as most of a large repo is at any moment): our
// rollout until verified, median of BENCH_ROUNDS (default 5), and its ratio to the 1-stack repo.
// Target: ≤ 1.05 for 20 and 200. Asserts nothing.
import { composeFile, createStacksRepo } from "../e2e/fixtures/stacks-repo";
import { median, secs, setBenchEnv, spread } from "./deploy-common";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function rollouts(total: number): Promise<number[]> {
  const repo = createStacksRepo({ tag: `scale${total}`, history: false });
  try {
    const names = Array.from({ length: total }, (_, i) => repo.stack(`s${String(i).padStart(3, "0")}`));
    const changed = names[0];
    const opts = { extra: "    network_mode: none" };
    const files: Record<string, string> = {};
    for (const n of names) files[`${n}/docker-compose.yml`] = composeFile("oresi-test/web:1.0.0", opts);
    repo.commit(files, `${total} stacks`);
    repo.tag("v1.0.0");
    repo.commit({ [`${changed}/docker-compose.yml`]: composeFile("oresi-test/web:1.1.0", opts) }, "one stack changes");
    repo.tag("v1.1.0");
    repo.git("checkout", "-q", "--detach", "v1.0.0");
    const { closeDb } = await import("../lib/db");
    closeDb();
    setBenchEnv(repo.dir, `scale-${total}`);
    const { reloadConfig } = await import("../lib/config");
    reloadConfig();
    const { invalidateRepoState } = await import("../lib/git/state");
    const { invalidateReleases } = await import("../lib/git/tags");
    invalidateRepoState();
    invalidateReleases();
    const { composeUp } = await import("../lib/docker/compose");
    await composeUp(`${repo.dir}/${changed}`, changed);
    const { waitFinished } = await import("../lib/deploy/testing");
    const { startDeployment } = await import("../lib/deploy/start");
    const caller = { kind: "user" as const, name: "bench", role: "operator" as const, ip: "127.0.0.1" };
    const deploy = async (input: { kind: "rollout"; to: string } | { kind: "rollback" }) => {
      const t0 = performance.now();
      const d = await waitFinished((await startDeployment(input, caller)).id, 120_000, 10);
      if (d.status !== "succeeded") throw new Error(`bench deployment ${d.status}: ${d.error}`);
      return performance.now() - t0;
    };
    const out: number[] = [];
    // One untimed round first (adoption of the running release, cold caches on both sides).
    for (let i = 0; i <= ROUNDS; i++) {
      const t = await deploy({ kind: "rollout", to: "v1.1.0" });
      if (i > 0) out.push(t);
      await deploy({ kind: "rollback" });
    }
    return out;
  } finally {
    repo.cleanup();
  }
}

export async function run(): Promise<Record<string, string | number>> {
  const alone = await rollouts(1);
  const figures: Record<string, string> = { "1 stack alone: rollout until verified (median, spread)": `${secs(median(alone))} (${spread(alone, secs)})` };
  for (const n of [20, 200]) {
    const t = await rollouts(n);
    figures[`1 of ${n} stacks: rollout until verified (median, spread)`] = `${secs(median(t))} (${spread(t, secs)})`;
    figures[`ratio 1 of ${n} / alone (target ≤ 1.05)`] = (median(t) / median(alone)).toFixed(2);
  }
  return figures;
}
