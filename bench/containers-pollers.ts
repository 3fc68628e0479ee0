// Bench: 200 browsers polling the containers/stacks API every 2 s for 10 s, with 100 real
// containers. Counts the Docker API requests the server makes (counting socket proxy).
import { containersFixture, releaseContainers } from "./containers-fixture";

const POLLERS = Number(process.env.BENCH_POLLERS ?? 200);
const INTERVAL_MS = 2000;
const DURATION_MS = 10_000;

export async function run(): Promise<Record<string, string | number>> {
  const fx = await containersFixture();
  const { stacksReport } = await import("../lib/stacks/report");
  const { listContainers, dockerCallStats } = await import("../lib/docker/containers");
  await stacksReport(0); // warm the desired state and the inspects, as a running server has
  const r0 = fx.requests();
  const s0 = dockerCallStats();
  const latencies: number[] = [];
  let answered = 0;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: POLLERS }, (_, i) =>
      (async () => {
        // Spread the pollers over the interval, as real browsers would be.
        await new Promise((r) => setTimeout(r, (i * INTERVAL_MS) / POLLERS));
        while (Date.now() - start < DURATION_MS) {
          const t = performance.now();
          if (i % 2) JSON.stringify(await stacksReport());
          else JSON.stringify({ containers: await listContainers() });
          latencies.push(performance.now() - t);
          answered++;
          await new Promise((r) => setTimeout(r, INTERVAL_MS));
        }
      })(),
    ),
  );
  const seconds = (Date.now() - start) / 1000;
  const requests = fx.requests() - r0;
  const s1 = dockerCallStats();
  latencies.sort((a, b) => a - b);
  releaseContainers();
  return {
    pollers: `${POLLERS} every ${INTERVAL_MS / 1000} s for ${seconds.toFixed(0)} s (${answered} answers)`,
    "Docker API requests": `${requests} in total = ${((requests / seconds) * (INTERVAL_MS / 1000)).toFixed(1)} per poll interval (naive: ${POLLERS} per interval)`,
    "container list calls": s1.list - s0.list,
    "inspect calls": s1.inspect - s0.inspect,
    "answer p50 / p99": `${latencies[Math.floor(latencies.length / 2)].toFixed(2)} ms / ${latencies[Math.floor(latencies.length * 0.99)].toFixed(2)} ms`,
  };
}
