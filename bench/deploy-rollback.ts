// Bench (issue 6 point 8a): rollback of one stack through the engine until verified, against the
// seed's hand procedure on the same stack (git checkout + compose up -d + wait until healthy).
// Prints figures and the ratio (target ≤ 1.10); asserts nothing.
import { createStacksRepo } from "../e2e/fixtures/stacks-repo";
import { compose, join, median, secs, setBenchEnv, waitHealthy } from "./deploy-common";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export async function run(): Promise<Record<string, string | number>> {
  const repo = createStacksRepo({ tag: "benchrb" });
  try {
    repo.git("checkout", "-q", "--detach", "v1.0.0");
    setBenchEnv(repo.dir, "rollback");
    const { reloadConfig } = await import("../lib/config");
    reloadConfig();
    const { upAll, waitFinished } = await import("../lib/deploy/testing");
    const { startDeployment } = await import("../lib/deploy/start");
    await upAll(repo.dir, repo.git("rev-parse", "HEAD"));
    const caller = { kind: "user" as const, name: "bench", role: "operator" as const, ip: "127.0.0.1" };
    const deploy = async (input: { kind: "rollout"; to: string } | { kind: "rollback" }) => {
      const t0 = performance.now();
      const r = await startDeployment(input, caller);
      const d = await waitFinished(r.id, 120_000, 10);
      if (d.status !== "succeeded") throw new Error(`bench deployment ${d.status}: ${d.error}`);
      return performance.now() - t0;
    };
    const web = repo.stack("web");
    const ours: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await deploy({ kind: "rollout", to: "v1.1.0" });
      ours.push(await deploy({ kind: "rollback" }));
      await deploy({ kind: "rollout", to: "v1.1.0" });
      // The hand procedure from release-process.md, on the same stack: 1.1.0 → 1.0.0.
      const t0 = performance.now();
      repo.git("checkout", "-q", "--detach", "v1.0.0");
      compose(join(repo.dir, web), web, "up", "-d");
      await waitHealthy(web);
      hand.push(performance.now() - t0);
      // Back where the engine left it (v1.1.0 checked out and running), so that the next round's
      // rollback really switches the stack instead of finding 1.0.0 already up.
      repo.git("checkout", "-q", "--detach", "v1.1.0");
      compose(join(repo.dir, web), web, "up", "-d");
      await waitHealthy(web);
    }
    const o = median(ours);
    const h = median(hand);
    return {
      rounds: ROUNDS,
      "ours: rollback until verified (median)": secs(o),
      "hand: git checkout + compose up -d + wait healthy (median)": secs(h),
      "ratio ours/hand (target ≤ 1.10)": (o / h).toFixed(2),
    };
  } finally {
    repo.cleanup();
  }
}
