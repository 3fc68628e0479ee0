// Start-up refuses bad configuration with a message that names the variable.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeTempDir } from "./fixtures/sandbox";
import { runServerExpectingExit, startServer } from "./fixtures/server";
import { E2E_USERS, signInCookie } from "./fixtures/users";
import { hashPassword } from "../lib/access/passwords";

test("a DATA_DIR that cannot be written stops start-up with a message naming it", async () => {
  const dir = makeTempDir("ro");
  const file = path.join(dir, "not-a-dir");
  fs.writeFileSync(file, "x");
  const r = await runServerExpectingExit({ DATA_DIR: path.join(file, "data"), STACKS_DIR: dir });
  expect(r.code).not.toBe(0);
  expect(r.output).toContain("DATA_DIR");
  expect(r.output).toContain(path.join(file, "data"));
});

test("a malformed variable stops start-up naming the variable, the problem and an example", async () => {
  const dir = makeTempDir("cfg");
  const r = await runServerExpectingExit({ DATA_DIR: dir, STACKS_DIR: dir, KUMA_URL: "not a url", SYNC_INTERVAL: "soon" });
  expect(r.code).not.toBe(0);
  expect(r.output).toContain("KUMA_URL");
  expect(r.output).toContain("SYNC_INTERVAL");
  expect(r.output).toMatch(/example: SYNC_INTERVAL=1h/);
});

test("a corrupt database file is an error and is left untouched", async () => {
  const dir = makeTempDir("corrupt");
  const db = path.join(dir, "oresi.db");
  const junk = Buffer.alloc(8192, 0x41);
  fs.writeFileSync(db, junk);
  const r = await runServerExpectingExit({ DATA_DIR: dir, STACKS_DIR: dir });
  expect(r.code).not.toBe(0);
  expect(r.output).toContain("oresi.db");
  expect(fs.readFileSync(db).equals(junk)).toBe(true);
});

test("with Docker unreachable and no stacks repository the app still serves and says why", async () => {
  const dir = makeTempDir("nodocker");
  const { name, password } = E2E_USERS.viewer;
  const USERS = `${name}:viewer:${await hashPassword(password, 1024)}`;
  const s = await startServer({ DATA_DIR: dir, STACKS_DIR: dir, DOCKER_HOST: "unix:///tmp/oresi-no-such.sock", CHATOPS_API_KEY: "k".repeat(24), USERS });
  try {
    const health = await fetch(`${s.url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok" });
    const cookie = await signInCookie(s.url, name, password);
    const page = await (await fetch(`${s.url}/`, { headers: { cookie } })).text();
    expect(page).toContain("Docker engine");
    expect(page).toContain("not a git repository");
    const st = await (await fetch(`${s.url}/api/status`, { headers: { authorization: `Bearer ${"k".repeat(24)}` } })).json();
    const docker = st.dependencies.find((d: { name: string }) => d.name === "docker");
    expect(docker.status).toBe("down");
    expect(docker.reason).toMatch(/not reachable/);
  } finally {
    await s.stop();
  }
});
