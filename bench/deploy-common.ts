// Shared set-up for the deployment benches: a real stacks repo, env pointing at it, timing helpers.
import path from "node:path";
import { execFileSync } from "node:child_process";
import { makeTempDir } from "../e2e/fixtures/sandbox";

export function setBenchEnv(stacksDir: string, label: string): void {
  process.env.STACKS_DIR = stacksDir;
  process.env.DATA_DIR = makeTempDir(`bench-${label}-data`);
  process.env.VERIFY_TIMEOUT = "60s";
  process.env.LOG_LEVEL = "error";
}

export const compose = (dir: string, project: string, ...args: string[]) =>
  execFileSync("docker-compose", ["-p", project, ...args], { cwd: dir, stdio: "ignore" });

/** Poll `docker inspect` every 250 ms (as the engine does) until the project's containers are healthy. */
export async function waitHealthy(project: string): Promise<void> {
  for (;;) {
    const ids = execFileSync("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
    if (ids.length) {
      const st = execFileSync("docker", ["inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", ...ids], {
        encoding: "utf8",
      })
        .trim()
        .split("\n");
      if (st.every((l) => l === "running healthy" || l === "running ")) return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const join = path.join;
export const spread = (xs: number[], fmt: (x: number) => string) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
