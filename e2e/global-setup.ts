// One server for the e2e suite: the built standalone app on a real stacks repository
// (temp folder, bare origin), the real Docker engine, and a local Kuma fixture server.
import fs from "node:fs";
import path from "node:path";
import { createStacksRepo } from "./fixtures/stacks-repo";
import { makeTempDir } from "./fixtures/sandbox";
import { startServer } from "./fixtures/server";
import { startKumaServer, KUMA_SLUG } from "./fixtures/kuma-server";
import { STATE_FILE, type E2EState } from "./fixtures/state";
import { E2E_USERS } from "./fixtures/users";
import { hashPassword } from "../lib/access/passwords";

export default async function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) throw new Error(`${chromium} is missing: run \`bash scripts/test-env.sh\` (installs Debian's chromium).`);
  const repo = createStacksRepo({ tag: "e2e", broken: true });
  const dataDir = makeTempDir("data");
  const apiKey = "e2e-api-key-0123456789abcdef";
  // Uptime Kuma: replays recorded responses, in this process (it ends with the test runner).
  const kuma = await startKumaServer({ unref: true });
  kuma.freshen({ live: true });
  const env: Record<string, string> = {
    STACKS_DIR: repo.dir,
    DATA_DIR: dataDir,
    INTENTS_DIR: path.resolve(__dirname, "..", "intents"),
    CHATOPS_API_KEY: apiKey,
    CHATOPS_API_ROLE: "admin",
    NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
    VERIFY_TIMEOUT: "30s",
    KUMA_URL: kuma.url,
    KUMA_STATUS_PAGE: KUMA_SLUG,
    KUMA_API_KEY: kuma.apiKey,
    // admin, operator and viewer accounts; e2e/auth.setup.ts signs each in once
    USERS: (await Promise.all(Object.entries(E2E_USERS).map(async ([role, u]) => `${u.name}:${role}:${await hashPassword(u.password, 1024)}`))).join(","),
  };
  const server = await startServer(env);
  const state: E2EState = {
    url: server.url,
    pid: server.child.pid!,
    repo: { root: repo.root, dir: repo.dir, origin: repo.origin, prefix: repo.prefix },
    dataDir,
    apiKey,
    env,
  };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  server.child.unref();
  (server.child.stdout as unknown as { unref?: () => void })?.unref?.();
  (server.child.stderr as unknown as { unref?: () => void })?.unref?.();
}
