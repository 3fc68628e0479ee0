// A child process for the crash test: `start <tag>` starts a rollout and keeps running until
// killed; `startup` runs the server's real start-up (recovery) and prints what it found.
// Run with: node --conditions=react-server --import tsx lib/deploy/crash-child.ts <cmd> [tag]
import { startDeployment } from "./start";
import { startup } from "../startup";
import { lockHolder } from "./lock";
import { listDeploymentRows } from "./store";

async function main() {
  const [cmd, tag] = process.argv.slice(2);
  if (cmd === "start") {
    const r = await startDeployment({ kind: "rollout", to: tag }, { kind: "user", name: "crash-test", role: "operator", ip: "127.0.0.1" });
    process.stdout.write(`started ${r.id}\n`);
    setInterval(() => undefined, 1000);
  } else if (cmd === "startup") {
    await startup();
    process.stdout.write(
      JSON.stringify({ lock: lockHolder(), deployments: listDeploymentRows({ limit: 5 }).map((d) => ({ id: d.id, status: d.status })) }) + "\n",
    );
    process.exit(0);
  }
}
void main();
