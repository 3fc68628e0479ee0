// Bench (issue 6 point 8b): a release that changes 1 of 20 stacks: our rollout (until verified)
// against running `compose up -d` in every stack folder. Prints both times and the ratio.
import { composeFile, createStacksRepo } from "../e2e/fixtures/stacks-repo";
import { compose, join, secs, setBenchEnv, waitHealthy } from "./deploy-common";

const STACKS = 20;

export async function run(): Promise<Record<string, string | number>> {
  const repo = createStacksRepo({ tag: "bench20", history: false });
  try {
    const names = Array.from({ length: STACKS }, (_, i) => repo.stack(`s${String(i).padStart(2, "0")}`));
    const files: Record<string, string> = {};
    // No network per stack (20 bridge networks can exhaust Docker's default address pools).
    const opts = { extra: "    network_mode: none" };
    for (const n of names) files[`${n}/docker-compose.yml`] = composeFile("oresi-test/web:1.0.0", opts);
    repo.commit(files, "20 stacks");
    repo.tag("v1.0.0");
    repo.commit({ [`${names[7]}/docker-compose.yml`]: composeFile("oresi-test/web:1.1.0", opts) }, "one stack changes");
    repo.tag("v1.1.0");
    repo.git("checkout", "-q", "--detach", "v1.0.0");
    setBenchEnv(repo.dir, "one-of-20");
    const { reloadConfig } = await import("../lib/config");
    reloadConfig();
    const { upAll, waitFinished } = await import("../lib/deploy/testing");
    const { startDeployment } = await import("../lib/deploy/start");
    await upAll(repo.dir, repo.git("rev-parse", "HEAD"));
    const caller = { kind: "user" as const, name: "bench", role: "operator" as const, ip: "127.0.0.1" };

    const t0 = performance.now();
    const r = await startDeployment({ kind: "rollout", to: "v1.1.0" }, caller);
    const d = await waitFinished(r.id, 120_000, 10);
    const ours = performance.now() - t0;
    if (d.status !== "succeeded") throw new Error(`bench rollout ${d.status}: ${d.error}`);

    // The hand way, for the same release change: back to v1.0.0 first (not timed), then check out
    // v1.1.0, compose up -d in every stack folder (one after the other, as a shell loop would) and
    // wait until the changed stack is healthy, as our verification does.
    const changed = names[7];
    repo.git("checkout", "-q", "--detach", "v1.0.0");
    compose(join(repo.dir, changed), changed, "up", "-d");
    await waitHealthy(changed);
    const t1 = performance.now();
    repo.git("checkout", "-q", "--detach", "v1.1.0");
    for (const n of names) compose(join(repo.dir, n), n, "up", "-d");
    await waitHealthy(changed);
    const hand = performance.now() - t1;
    return {
      stacks: STACKS,
      "ours: rollout of 1 changed stack until verified": secs(ours),
      "hand: checkout + compose up -d in all 20 folders + wait healthy": secs(hand),
      "ratio ours/hand": (ours / hand).toFixed(2),
    };
  } finally {
    repo.cleanup();
  }
}
