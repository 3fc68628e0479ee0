// Bench: rollback of one stack through the engine until verified, against the seed's hand
// procedure on the same stack (git checkout + compose up -d + wait until healthy). Median of
// BENCH_ROUNDS (default 5) rounds with the spread; the ratio target is ≤ 1.05. Asserts nothing.
import { createStacksRepo } from "../e2e/fixtures/stacks-repo";
import { compose, join, median, secs, setBenchEnv, spread, waitHealthy } from "./deploy-common";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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
    const preflight: number[] = [];
    // Where a rollback's time goes: each step's duration, per round (the median is printed).
    const steps = new Map<string, number[]>();
    const deploy = async (input: { kind: "rollout"; to: string } | { kind: "rollback" }) => {
      const t0 = performance.now();
      const r = await startDeployment(input, caller);
      const d = await waitFinished(r.id, 120_000, 10);
      if (d.status !== "succeeded") throw new Error(`bench deployment ${d.status}: ${d.error}`);
      if (input.kind === "rollback") {
        preflight.push(d.steps.find((s) => s.name === "preflight")?.durationMs ?? NaN);
        for (const s of d.steps) if (s.durationMs !== undefined) steps.set(s.name, [...(steps.get(s.name) ?? []), s.durationMs]);
      }
      return performance.now() - t0;
    };
    const web = repo.stack("web");
    const ours: number[] = [];
    const hand: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await deploy({ kind: "rollout", to: "v1.1.0" });
      // As a person would: the rollout is verified, the page shows Roll back; they press it.
      await new Promise((r) => setTimeout(r, 1500));
      ours.push(await deploy({ kind: "rollback" }));
      await deploy({ kind: "rollout", to: "v1.1.0" });
      // The hand procedure from release-process.md, on the same stack: 1.1.0 → 1.0.0.
      const t0 = performance.now();
      repo.git("checkout", "-q", "--detach", "v1.0.0");
      compose(join(repo.dir, web), web, "up", "-d");
      await waitHealthy(web);
      hand.push(performance.now() - t0);
      ratios.push(ours[i] / hand[i]);
      // Back where the engine left it (v1.1.0 checked out and running), so that the next round's
      // rollback really switches the stack instead of finding 1.0.0 already up.
      repo.git("checkout", "-q", "--detach", "v1.1.0");
      compose(join(repo.dir, web), web, "up", "-d");
      await waitHealthy(web);
    }
    return {
      rounds: ROUNDS,
      "ours: rollback until verified (median, spread)": `${secs(median(ours))} (${spread(ours, secs)})`,
      "ours: pre-flight step (median, spread)": `${median(preflight)} ms (${spread(preflight, (x) => `${x} ms`)})`,
      "ours: steps of the rollback (median ms)": [...steps].map(([name, ms]) => `${name} ${Math.round(median(ms))}`).join(", "),
      "hand: git checkout + compose up -d + wait healthy (median, spread)": `${secs(median(hand))} (${spread(hand, secs)})`,
      "ratio ours/hand (median of rounds, spread; target ≤ 1.05)": `${median(ratios).toFixed(2)} (${spread(ratios, (x) => x.toFixed(2))})`,
    };
  } finally {
    repo.cleanup();
  }
}
