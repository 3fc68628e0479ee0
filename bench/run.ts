// npm run bench: run each bench module and print its figures (never asserts timings).
// Modules export `run(): Promise<Record<string, string | number>>`. Register yours below.
import os from "node:os";

const benches: { name: string; load: () => Promise<{ run: () => Promise<Record<string, string | number>> }> }[] = [
  { name: "git: 2,000 tags", load: () => import("./git-tags") },
  { name: "containers: 100 containers, stacks list", load: () => import("./containers-list") },
  { name: "containers: 200 pollers", load: () => import("./containers-pollers") },
  { name: "deploy: rollback of one stack vs hand", load: () => import("./deploy-rollback") },
  { name: "deploy: 1 of 20 stacks vs compose up in all", load: () => import("./deploy-one-of-20") },
  { name: "deploy: 1 of 1, 20 and 200 stacks", load: () => import("./deploy-scale") },
  { name: "server memory: 200 page loads, then rest", load: () => import("./server-memory") },
];

async function main() {
  const only = process.argv[2];
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}, ${os.platform()}`);
  for (const b of benches) {
    if (only && !b.name.includes(only)) continue;
    const t0 = performance.now();
    const figures = await (await b.load()).run();
    console.log(`\n== ${b.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  }
}

// Exit when done: a bench may leave a keep-alive socket or a timer behind.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
