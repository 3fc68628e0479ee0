// Before any test: Docker must answer (tests that need it never skip), and stale
// test projects left by an earlier, killed run are swept.
import { execFileSync } from "node:child_process";
import { removeProjects, TEST_PREFIX } from "../e2e/fixtures/sandbox";

export default function setup() {
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "pipe", timeout: 15_000 });
  } catch (e) {
    throw new Error(
      `No Docker engine answers (${(e as Error).message.split("\n")[0]}). Run \`bash scripts/test-env.sh\` (as root on Debian it installs and starts one).`,
    );
  }
  for (const img of ["oresi-test/web:1.0.0", "oresi-test/web:1.1.0", "oresi-test/web:2.0.0-broken"]) {
    try {
      execFileSync("docker", ["image", "inspect", img], { stdio: "ignore" });
    } catch {
      throw new Error(`Test image ${img} is missing: run \`bash scripts/test-env.sh\`.`);
    }
  }
  // In CI, sweep everything with the test prefix; during development only what is over an hour old,
  // so that two test runs at once do not remove each other's containers.
  removeProjects(TEST_PREFIX + "-", process.env.CI ? 0 : 3_600_000);
}
