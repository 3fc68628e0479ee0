// Container logs are readable only for containers of stacks in the stacks repository (real engine).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeProjects, runPrefix } from "@/e2e/fixtures/sandbox";
import { testRequest } from "@/lib/access/testing";
import { reloadConfig } from "@/lib/config";
import { closeDb, db } from "@/lib/db";
import { GET } from "./route";

const KEY = "logs-route-key-0123456789abcdef";
const prefix = runPrefix("logacl");
const stack = `${prefix}-app`;
const loose = `${prefix}-loose`;
const sh = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const saved = { ...process.env };
let stacksDir: string;
let inStack: string;
let outside: string;
let noFolder: string;

const get = (id: string, role: "viewer" | "admin" = "viewer") => {
  process.env.CHATOPS_API_ROLE = role;
  reloadConfig();
  return GET(testRequest(`http://127.0.0.1:3000/api/containers/${id}/logs?tail=5`, { headers: { authorization: `Bearer ${KEY}` } }) as never, {
    params: Promise.resolve({ id }),
  });
};

beforeAll(() => {
  stacksDir = makeTempDir("logacl-stacks");
  closeDb();
  Object.assign(process.env, {
    STACKS_DIR: stacksDir,
    DATA_DIR: makeTempDir("logacl-data"),
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "viewer",
    LOG_LEVEL: "error",
  });
  delete process.env.CHATOPS_IP_ALLOWLIST;
  reloadConfig();
  // a real stack: a folder in STACKS_DIR, brought up by Compose (project = the folder's name)
  fs.mkdirSync(path.join(stacksDir, stack));
  fs.writeFileSync(
    path.join(stacksDir, stack, "docker-compose.yml"),
    'version: "3"\nservices:\n  web:\n    image: oresi-test/web:1.0.0\n    command: ["sh", "-c", "echo hello from the stack; sleep 600"]\n',
  );
  sh("docker-compose", ["up", "-d"], path.join(stacksDir, stack));
  inStack = sh("docker", ["ps", "-q", "--no-trunc", "--filter", `label=com.docker.compose.project=${stack}`]);
  // outside any stack: plain docker run, no Compose labels
  outside = sh("docker", ["run", "-d", "--name", loose, "oresi-test/web:1.0.0", "sh", "-c", "echo first-run admin password: hunter2; sleep 600"]);
  // a Compose project label naming no folder in STACKS_DIR
  noFolder = sh("docker", [
    "run",
    "-d",
    "--name",
    `${prefix}-ghost`,
    "--label",
    `com.docker.compose.project=${prefix}-ghost`,
    "--label",
    "com.docker.compose.service=web",
    "oresi-test/web:1.0.0",
    "sh",
    "-c",
    "echo ghost; sleep 600",
  ]);
}, 120_000);

afterAll(() => {
  try {
    sh("docker-compose", ["down", "-t", "0"], path.join(stacksDir, stack));
  } catch {
    /* swept below */
  }
  removeProjects(prefix);
  try {
    sh("docker", ["rm", "-f", loose]);
  } catch {
    /* already gone */
  }
  closeDb();
  process.env = saved;
  reloadConfig();
}, 60_000);

describe("GET /api/containers/{id}/logs: only stack containers", () => {
  it("reads a container of a stack folder in STACKS_DIR (by id and by name)", async () => {
    expect(inStack).toMatch(/^[0-9a-f]{64}$/);
    for (const ref of [inStack, inStack.slice(0, 12)]) {
      const r = await get(ref);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { lines: { text: string }[] };
      expect(body.lines.map((l) => l.text)).toContain("hello from the stack");
    }
  });

  it("refuses (403) a container started outside any stack, saying why, for admins too", async () => {
    for (const role of ["viewer", "admin"] as const) {
      for (const ref of [outside, loose]) {
        const r = await get(ref, role);
        expect(r.status).toBe(403);
        const text = await r.text();
        expect(text).toMatch(/only for containers of stacks in the stacks repository/);
        expect(text).not.toContain("hunter2");
      }
    }
    const refused = db().prepare("SELECT SUM(count) AS n FROM audit_events WHERE action = 'request.refused' AND target LIKE '%/logs'").get() as { n: number };
    expect(refused.n).toBeGreaterThanOrEqual(4);
  });

  it("refuses (403) a container whose Compose project names no stack folder", async () => {
    const r = await get(noFolder);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain(`${prefix}-ghost`);
    // a file (not a folder) of that name does not make it a stack either
    fs.writeFileSync(path.join(stacksDir, `${prefix}-ghost`), "x");
    expect((await get(noFolder)).status).toBe(403);
  });
});
