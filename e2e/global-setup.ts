// One server for the e2e suite: the built standalone app on a real stacks repository
// (temp folder, bare origin), the real Docker engine, and a local Kuma fixture server.
import fs from "node:fs";
import path from "node:path";
import { createStacksRepo } from "./fixtures/stacks-repo";
import { makeTempDir } from "./fixtures/sandbox";
import { startServer } from "./fixtures/server";
import { STATE_FILE, type E2EState } from "./fixtures/state";

export default async function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) throw new Error(`${chromium} is missing: run \`bash scripts/test-env.sh\` (installs Debian's chromium).`);
  const repo = createStacksRepo({ tag: "e2e", broken: true });
  const dataDir = makeTempDir("data");
  const apiKey = "e2e-api-key-0123456789abcdef";
  const env: Record<string, string> = {
    STACKS_DIR: repo.dir,
    DATA_DIR: dataDir,
    INTENTS_DIR: path.resolve(__dirname, "..", "intents"),
    CHATOPS_API_KEY: apiKey,
    CHATOPS_API_ROLE: "admin",
    NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
    VERIFY_TIMEOUT: "30s",
  };
  const server = await startServer(env);
  const state: E2EState = { url: server.url, pid: server.child.pid!, repo: { root: repo.root, dir: repo.dir, origin: repo.origin, prefix: repo.prefix }, dataDir, apiKey, env };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  server.child.unref();
  (server.child.stdout as unknown as { unref?: () => void })?.unref?.();
  (server.child.stderr as unknown as { unref?: () => void })?.unref?.();
}
