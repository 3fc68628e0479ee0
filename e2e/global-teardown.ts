import fs from "node:fs";
import { removeProjects } from "./fixtures/sandbox";
import { e2eState, STATE_FILE } from "./fixtures/state";

export default async function globalTeardown() {
  if (!fs.existsSync(STATE_FILE)) return;
  const s = e2eState();
  try {
    process.kill(s.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  removeProjects(s.repo.prefix + "-");
  fs.rmSync(s.repo.root, { recursive: true, force: true });
  fs.rmSync(s.dataDir, { recursive: true, force: true });
}
