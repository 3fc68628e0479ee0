// Secrets written into a real stacks repository (CRLF .env, a quoted PEM, URLs with credentials,
// inline compose environment entries) never leave the server: /api/diff, /api/stacks/{name}
// and the functions behind the release and stack pages, against real git and the real engine.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { testRequest } from "@/lib/access/testing";
import { closeDb } from "@/lib/db";
import { reloadConfig } from "@/lib/config";
import { releaseDiff } from "@/lib/releases/diff";
import { invalidateStacksReport, stackDetail } from "@/lib/stacks/report";
import { GET as diffGET } from "@/app/api/diff/route";
import { GET as stackGET } from "@/app/api/stacks/[name]/route";

const KEY = "mask-int-key-0123456789abcdef0123";
const PEM = (n: string) => [
  "-----BEGIN RSA PRIVATE KEY-----",
  `MIIEowIBAAKCAQEA${n}x8kq2LmZ7xV4nT1pW9cY3bH6fJ0dA5gE2uQR8sKq2LmZ7xV4nT1p`,
  `W9cY3bH6fJ0dA5gE2uQ${n}Zk3Qm8vT2pXr7Lw9Hb4Nc6Yd1Fs5Gj0KMIQcZEQ4x1f7S`,
  "-----END RSA PRIVATE KEY-----",
];

// Secrets per release; every one of them must stay out of every response.
const V1 = {
  envPw: "crlf-env-pw-v1",
  pem: PEM("AAAA"),
  url: "url-pw-v1",
  inline: "inline-pw-v1",
  list: "list-key-v1",
  dsn: "dsn-pw-v1",
  pass: "smtp-pass-v1",
  block: "block-secret-v1",
};
const V2 = {
  envPw: "crlf-env-pw-v2",
  pem: PEM("BBBB"),
  url: "url-pw-v2",
  inline: "inline-pw-v2",
  list: "list-key-v2",
  dsn: "dsn-pw-v2",
  pass: "smtp-pass-v2",
  block: "block-secret-v2",
};
const secretsOf = (v: typeof V1) => [v.envPw, v.url, v.inline, v.list, v.dsn, v.pass, v.block, v.pem[1].slice(0, 40), v.pem[2].slice(0, 40)];

const envFile = (v: typeof V1, tag: string) =>
  [
    `WEB_TAG=${tag}`,
    `DB_PASSWORD=${v.envPw}`,
    `TLS_KEY="${v.pem.join("\n")}"`,
    `DATABASE_URL=postgres://app:${v.url}@db/app`,
    `DSN=mysql://root:${v.dsn}@db:3306/app`,
    `SMTP_PASS=${v.pass}`,
    "APP_MODE=prod",
    "",
  ].join("\r\n");

const composeFile = (v: typeof V1) =>
  [
    "services:",
    "  app:",
    "    image: oresi-test/web:${WEB_TAG}",
    "    restart: unless-stopped",
    "    environment:",
    `      ADMIN_PASSWORD: ${v.inline}`,
    `      CACHE_URL: redis://:${v.url}@cache:6379/0`,
    "      SIGNING_KEY: |",
    `        ${v.block}-line-1`,
    `        ${v.block}-line-2`,
    "      TZ: Europe/Berlin",
    "  worker:",
    "    image: oresi-test/web:${WEB_TAG}",
    "    environment:",
    `      - API_KEY=${v.list}`,
    "      - WORKER_MODE=queue",
    "",
  ].join("\n");

let repo: StacksRepo;
let dataDir: string;
const saved = { ...process.env };

beforeAll(() => {
  repo = createStacksRepo({ tag: "mask" });
  dataDir = makeTempDir("data");
  Object.assign(process.env, {
    STACKS_DIR: repo.dir,
    DATA_DIR: dataDir,
    GIT_TIMEOUT: "30s",
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "viewer",
    LOG_LEVEL: "error",
  });
  closeDb();
  reloadConfig();
  const vault = repo.stack("vault");
  repo.commit({ [`${vault}/docker-compose.yml`]: composeFile(V1), [`${vault}/.env`]: envFile(V1, "1.0.0") }, "vault stack");
  repo.tag("v1.2.0");
  repo.commit({ [`${vault}/docker-compose.yml`]: composeFile(V2), [`${vault}/.env`]: envFile(V2, "1.1.0") }, "vault: rotate secrets");
  repo.tag("v1.3.0");
  invalidateStacksReport();
});
afterAll(() => {
  repo.cleanup();
  closeDb();
  process.env = saved;
  reloadConfig();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${KEY}` };

describe("secrets in diffs and stack pages", () => {
  it("GET /api/diff masks .env and compose secrets on both sides and marks rotated ones", async () => {
    const res = await diffGET(testRequest(`http://127.0.0.1:3000/api/diff?from=v1.2.0&to=v1.3.0`, { headers: auth }) as never, { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    const body = await res.text();
    for (const s of [...secretsOf(V1), ...secretsOf(V2)]) expect(body, s).not.toContain(s);
    const d = JSON.parse(body) as Awaited<ReturnType<typeof releaseDiff>>;
    const files = d.stacks.find((s) => s.name === repo.stack("vault"))!.files;
    const env = files.find((f) => f.path.endsWith(".env"))!.unified;
    const compose = files.find((f) => f.path.endsWith("docker-compose.yml"))!.unified;
    // Context a reader needs stays: the tag bump, the keys, the changed markers.
    expect(env).toContain("+WEB_TAG=1.1.0");
    expect(env).toContain("DB_PASSWORD=•••••••• (changed)");
    expect(env).toContain("TLS_KEY=•••••••• (changed)");
    expect(env).toContain("DSN=•••••••• (changed)");
    expect(compose).toContain("ADMIN_PASSWORD: •••••••• (changed)");
    expect(compose).toContain("CACHE_URL: redis://:••••@cache:6379/0 (changed)");
    expect(compose).toContain("- API_KEY=•••••••• (changed)");
    expect(compose).toContain("SIGNING_KEY: •••••••• (changed)");
    // The first release of the stack: everything added, still masked.
    const first = JSON.stringify(await releaseDiff("v1.1.0", "v1.2.0"));
    for (const s of secretsOf(V1)) expect(first, s).not.toContain(s);
    expect(first).toContain("TZ: Europe/Berlin");
  });

  it("GET /api/stacks/{name} and the stack page model show the compose file without its secrets", async () => {
    const res = await stackGET(testRequest(`http://127.0.0.1:3000/api/stacks/${repo.stack("vault")}`, { headers: auth }) as never, {
      params: Promise.resolve({ name: repo.stack("vault") }),
    });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    for (const s of [...secretsOf(V1), ...secretsOf(V2)]) expect(body, s).not.toContain(s);
    const d = await stackDetail(repo.stack("vault"));
    expect(d.target.ref).toBe("v1.3.0");
    expect(d.composeText).toContain("ADMIN_PASSWORD: ••••••••");
    expect(d.composeText).toContain("image: oresi-test/web:${WEB_TAG}");
    expect(d.composeText).toContain("- WORKER_MODE=queue");
    for (const s of secretsOf(V2)) expect(JSON.stringify(d), s).not.toContain(s);
  });
});
