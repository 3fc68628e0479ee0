// Bench: the Stacks model (what GET /api/stacks serves) and GET /api/containers with 100 real
// running containers: cold, warm (shared cache) and a refresh after the 2 s TTL. Prints figures.
import { containersFixture, N } from "./containers-fixture";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const ms = (x: number) => `${x.toFixed(2)} ms`;

export async function run(): Promise<Record<string, string | number>> {
  const fx = await containersFixture();
  const { stacksReport, invalidateStacksReport } = await import("../lib/stacks/report");
  const { listContainers, invalidateContainers } = await import("../lib/docker/containers");

  const r0 = fx.requests();
  let t = performance.now();
  const first = await stacksReport(0);
  const cold = performance.now() - t;
  const coldRequests = fx.requests() - r0;
  const mine = first.stacks.find((s) => s.name === fx.stack)!;

  const warm: number[] = [];
  for (let i = 0; i < 200; i++) {
    t = performance.now();
    JSON.stringify(await stacksReport());
    warm.push(performance.now() - t);
  }
  const refresh: number[] = [];
  const r1 = fx.requests();
  for (let i = 0; i < 10; i++) {
    invalidateContainers();
    invalidateStacksReport();
    t = performance.now();
    JSON.stringify(await stacksReport(0));
    refresh.push(performance.now() - t);
  }
  const perRefresh = (fx.requests() - r1) / 10;
  const listWarm: number[] = [];
  await listContainers();
  for (let i = 0; i < 200; i++) {
    t = performance.now();
    JSON.stringify({ containers: await listContainers() });
    listWarm.push(performance.now() - t);
  }
  return {
    containers: `${mine.services[0].containers.length} in the stack (${first.counts.containers} on the engine)`,
    "stacks report, cold (compose config + hash, list, 1 inspect per container)": `${ms(cold)}, ${coldRequests} Docker requests`,
    "stacks report, warm (median of 200, incl. JSON)": ms(median(warm)),
    "stacks report, refresh after TTL (median of 10)": `${ms(median(refresh))}, ${perRefresh.toFixed(1)} Docker requests each`,
    "containers list, warm (median of 200, incl. JSON)": ms(median(listWarm)),
    "JSON size": `${(JSON.stringify(first).length / 1024).toFixed(0)} KB`,
    N,
  };
}
