// Shared by the containers benches: 100 real tiny containers (oresi-test/web:1.0.0) in one
// oresitest- compose project, a stacks repo that names them, and a counting proxy in front
// of the Docker socket, so that the benches count real Docker API requests.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { composeFile, createStacksRepo, type StacksRepo } from "../e2e/fixtures/stacks-repo";
import { makeTempDir } from "../e2e/fixtures/sandbox";

export const N = Number(process.env.BENCH_CONTAINERS ?? 100);

export interface Fixture {
  repo: StacksRepo;
  stack: string;
  /** Docker API requests seen by the proxy so far. */
  requests(): number;
}

let fixture: Promise<Fixture> | null = null;
let cleanupFn: (() => void) | null = null;

/** Remove the containers and the repo (the last containers bench calls it; process exit too). */
export function releaseContainers(): void {
  const f = cleanupFn;
  cleanupFn = null;
  fixture = null;
  f?.();
}

function countingProxy(target: string): { socket: string; count: () => number } {
  const socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oresi-bench-sock-")), "docker.sock");
  let n = 0;
  const REQ = /(?:^|\n)(GET|POST|HEAD|PUT|DELETE) \/[^ ]* HTTP\/1\.[01]\r\n/g;
  const server = net.createServer((client) => {
    const up = net.connect(target);
    // Keep-alive connections must not keep the bench process alive.
    client.unref();
    up.unref();
    client.on("data", (d) => {
      n += (d.toString("latin1").match(REQ) ?? []).length;
      up.write(d);
    });
    up.pipe(client);
    client.on("close", () => up.destroy());
    up.on("close", () => client.destroy());
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
  });
  server.listen(socket);
  server.unref();
  return { socket, count: () => n };
}

export function containersFixture(): Promise<Fixture> {
  if (!fixture)
    fixture = (async () => {
      const repo = createStacksRepo({ tag: "bench", history: false });
      const stack = repo.stack("many");
      // Docker's default 30 s health interval, as most real containers have: the test image's 1 s
      // interval would have 100 healthcheck processes a second load the machine being measured.
      const healthcheck = "    healthcheck:\n      interval: 30s\n      start_period: 2s";
      repo.commit({ [`${stack}/docker-compose.yml`]: composeFile("oresi-test/web:1.0.0", { extra: healthcheck }) }, "a stack of many");
      process.on("exit", () => releaseContainers());
      for (const sig of ["SIGINT", "SIGTERM"] as const)
        process.once(sig, () => {
          releaseContainers();
          process.exit(130);
        });
      const originalDockerHost = process.env.DOCKER_HOST;
      cleanupFn = () => {
        // The counting proxy lives in this process: the docker CLI that cleanup runs synchronously
        // must talk to the engine directly, or it would wait on a proxy that cannot run.
        if (originalDockerHost === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = originalDockerHost;
        repo.cleanup();
      };
      const t0 = performance.now();
      execFileSync("docker-compose", ["-p", stack, "up", "-d", "--scale", `app=${N}`], { cwd: path.join(repo.dir, stack), stdio: "ignore" });
      const upSeconds = ((performance.now() - t0) / 1000).toFixed(1);
      const proxy = countingProxy("/var/run/docker.sock");
      process.env.DOCKER_HOST = `unix://${proxy.socket}`;
      process.env.STACKS_DIR = repo.dir;
      process.env.DATA_DIR = makeTempDir("bench-data");
      process.env.UPDATE_CHECK_INTERVAL = "0";
      const { reloadConfig } = await import("../lib/config");
      const { resetSingleton } = await import("../lib/singleton");
      reloadConfig();
      resetSingleton("docker");
      process.stderr.write(`containers bench: ${N} containers up in ${upSeconds} s\n`);
      return { repo, stack, requests: proxy.count };
    })();
  return fixture;
}
