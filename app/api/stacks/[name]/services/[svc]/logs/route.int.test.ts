// The service logs of a Swarm stack, through the route handler, on a real single-node swarm (an
// extra engine: the main engine stays out of Swarm mode): a 2-replica service's lines from both
// tasks with their slot and node, tail and since, following as server-sent events, and every
// refusal (a service outside the stack, a stack outside STACKS_DIR, a bad name, a Compose stack,
// a host that does not answer).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPrefix } from "@/e2e/fixtures/sandbox";
import { startSwarmEngine, swarmTempDir, type SwarmEngine } from "@/e2e/fixtures/swarm-engine";
import { testRequest } from "@/lib/access/testing";
import { reloadConfig } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { invalidateSwarm } from "@/lib/docker/swarm";
import { GET } from "./route";

const KEY = "svc-logs-route-key-0123456789abcdef";
const HOST = "wl";
const prefix = runPrefix("svl");
const stack = `${prefix}-sw`;
const composeStack = `${prefix}-cmp`;
const downStack = `${prefix}-down`;
const ghost = `${prefix}-ghost`; // a Swarm stack on the engine with no folder in STACKS_DIR
const saved = { ...process.env };
let engine: SwarmEngine;
let root: string;

interface Line {
  text: string;
  ts: string;
  stream: string;
  error: boolean;
  taskId: string | null;
  slot: number | null;
  node: string | null;
}
interface Tail {
  serviceId: string;
  service: string;
  lines: Line[];
  errorCount: number;
  truncated: boolean;
}

const get = (name: string, svc: string, query = "") =>
  GET(
    testRequest(`http://127.0.0.1:3000/api/stacks/${encodeURIComponent(name)}/services/${encodeURIComponent(svc)}/logs${query}`, {
      headers: { authorization: `Bearer ${KEY}` },
    }) as never,
    { params: Promise.resolve({ name, svc }) },
  );

const tailOf = async (name: string, svc: string, query = ""): Promise<Tail> => {
  const r = await get(name, svc, query);
  if (r.status !== 200) throw new Error(`${r.status}: ${await r.text()}`);
  return (await r.json()) as Tail;
};

const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const t0 = Date.now();
  let last: T | Error | undefined;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (e) {
      last = e as Error;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`${what} not within ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const stackFile = (mode: string) =>
  [
    'version: "3.8"',
    "x-oresi:",
    mode,
    `  host: ${HOST}`,
    "services:",
    "  web:",
    "    image: oresi-test/web:1.0.0",
    "    environment:",
    // a Swarm template: each replica names its own slot
    '      LOG_LINES: "hello from replica {{.Task.Slot}}"',
    "    deploy:",
    "      replicas: 2",
    "  ticker:",
    "    image: oresi-test/web:1.0.0",
    '    command: ["sh", "-c", "i=0; while true; do i=$$((i+1)); echo tick $$i; sleep 0.5; done"]',
    "    healthcheck:",
    "      disable: true",
    "",
  ].join("\n");

const PORTS = { manager: 2394, dataPath: 4814 };

/**
 * VXLAN devices an earlier engine on this data path port left in the host's namespace (dockerd
 * stopped between creating one and moving it into the overlay's namespace): the next swarm on the
 * port would reject every task ("error creating vxlan interface: file exists"). The port is this
 * file's alone, so whatever uses it is a leftover of this test.
 */
function removeStaleVxlans(port: number) {
  const out = execFileSync("ip", ["-d", "-o", "link", "show", "type", "vxlan"], { encoding: "utf8" });
  for (const line of out.split("\n")) {
    const m = /^\d+: (vx-[\w-]+):.*\bdstport (\d+)\b/.exec(line);
    if (m && Number(m[2]) === port) execFileSync("ip", ["link", "del", m[1]]);
  }
}

beforeAll(() => {
  removeStaleVxlans(PORTS.dataPath);
  engine = startSwarmEngine("w-logs", PORTS);
  root = swarmTempDir("svclogs");
  const stacksDir = path.join(root, "stacks");
  // the swarm engine as host wl, and a host whose engine is not there
  const hostsFile = path.join(root, "hosts.yml");
  fs.writeFileSync(hostsFile, `hosts:\n  ${HOST}:\n    url: ${engine.url}\n  gone:\n    url: unix://${path.join(root, "no-engine.sock")}\n`);
  closeDb();
  Object.assign(process.env, {
    DOCKER_HOSTS_FILE: hostsFile,
    STACKS_DIR: stacksDir,
    DATA_DIR: path.join(root, "data"),
    CHATOPS_API_KEY: KEY,
    CHATOPS_API_ROLE: "viewer",
    LOG_LEVEL: "error",
  });
  delete process.env.CHATOPS_IP_ALLOWLIST;
  reloadConfig();
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.join(stacksDir, name), { recursive: true });
    fs.writeFileSync(path.join(stacksDir, name, "docker-compose.yml"), text);
  };
  write(stack, stackFile("  mode: swarm"));
  // a Compose stack on the same manager: no mode, never deployed as a Swarm stack
  write(composeStack, stackFile("  verify:\n    timeout: 30s"));
  write(downStack, stackFile("  mode: swarm").replace(`host: ${HOST}`, "host: gone"));
  engine.docker("stack", "deploy", "-c", path.join(stacksDir, stack, "docker-compose.yml"), stack);
  // the same services under a stack name that is no folder in STACKS_DIR
  const ghostFile = path.join(root, "ghost.yml");
  fs.writeFileSync(ghostFile, stackFile("  mode: swarm"));
  engine.docker("stack", "deploy", "-c", ghostFile, ghost);
  // a service named like one of the stack's but created outside any stack (no namespace label)
  engine.docker("service", "create", "-d", "--name", `${stack}_loose`, "oresi-test/web:1.0.0");
}, 300_000);

afterAll(async () => {
  try {
    // Services and their overlay networks go first: an engine stopped while they run can leave a
    // VXLAN device behind (see removeStaleVxlans).
    if (engine) {
      engine.docker("service", "rm", `${stack}_loose`);
      engine.docker("stack", "rm", stack, ghost);
      await until(
        "the stacks' networks to go",
        async () => engine.docker("network", "ls", "-q", "--filter", `name=${prefix}`),
        (ids) => ids === "",
        60_000,
      );
    }
  } finally {
    try {
      engine?.stop();
    } finally {
      closeDb();
      process.env = saved;
      reloadConfig();
      invalidateSwarm();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    }
  }
}, 180_000);

describe("GET /api/stacks/{name}/services/{svc}/logs (real single-node swarm)", () => {
  it("returns the lines both replicas printed, each with its task, slot and node, in time order", async () => {
    const body = await until(
      "both replicas' lines",
      () => tailOf(stack, "web"),
      (t) => ["hello from replica 1", "hello from replica 2"].every((x) => t.lines.some((l) => l.text === x)),
    );
    expect(body.service).toBe(`${stack}_web`);
    expect(body.serviceId).toBe(engine.docker("service", "inspect", "-f", "{{.ID}}", `${stack}_web`));
    expect(body.truncated).toBe(false);
    const node = engine.docker("node", "inspect", "self", "-f", "{{.Description.Hostname}}");
    const tasks = engine.docker("service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", `${stack}_web`).split("\n").filter(Boolean);
    for (const slot of [1, 2]) {
      const l = body.lines.find((x) => x.text === `hello from replica ${slot}`)!;
      expect(l).toMatchObject({ stream: "stdout", error: false, slot, node });
      expect(tasks).toContain(l.taskId);
    }
    // the engine's details never leak into the text
    expect(body.lines.every((l) => !l.text.includes("com.docker.swarm"))).toBe(true);
    expect(body.lines.filter((l) => l.text === "starting httpd for oresi-test/web:1.0.0")).toHaveLength(2);
    const times = body.lines.map((l) => Date.parse(l.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 120_000);

  it("tail: the newest N lines over all tasks", async () => {
    const all = await tailOf(stack, "web");
    const one = await tailOf(stack, "web", "?tail=1");
    expect(one.lines).toHaveLength(1);
    expect(one.lines[0]).toEqual(all.lines[all.lines.length - 1]);
    const ticks = await until(
      "three ticks",
      () => tailOf(stack, "ticker", "?tail=3"),
      (t) => t.lines.length === 3,
    );
    const n = ticks.lines.map((l) => Number(/^tick (\d+)$/.exec(l.text)?.[1]));
    expect(n[1]).toBe(n[0] + 1);
    expect(n[2]).toBe(n[1] + 1);
    const bad = await get(stack, "ticker", "?tail=0");
    expect(bad.status).toBe(400);
    expect((await get(stack, "ticker", "?tail=5001")).status).toBe(400);
  });

  it("since: only the lines from that time on", async () => {
    await until(
      "ticks",
      () => tailOf(stack, "ticker", "?tail=5000"),
      (t) => t.lines.length >= 4,
    );
    const from = new Date();
    await new Promise((r) => setTimeout(r, 2500));
    const all = await tailOf(stack, "ticker", "?tail=5000");
    const since = await tailOf(stack, "ticker", `?tail=5000&since=${encodeURIComponent(from.toISOString())}`);
    // Docker takes whole seconds
    const floor = Math.floor(from.getTime() / 1000) * 1000;
    expect(since.lines.length).toBeGreaterThanOrEqual(3);
    expect(since.lines.every((l) => Date.parse(l.ts) >= floor)).toBe(true);
    expect(all.lines.some((l) => Date.parse(l.ts) < floor)).toBe(true);
    expect(since.lines.length).toBeLessThan(all.lines.length);
    const bad = await get(stack, "ticker", "?since=yesterday");
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/ISO time/);
  });

  it("follow=1: server-sent events, a ready event naming the service, then lines with their task as they come", async () => {
    const r = await GET(
      testRequest(`http://127.0.0.1:3000/api/stacks/${stack}/services/ticker/logs?follow=1&tail=2`, { headers: { authorization: `Bearer ${KEY}` } }) as never,
      { params: Promise.resolve({ name: stack, svc: "ticker" }) },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let text = "";
    const t0 = Date.now();
    while ((text.match(/^event: line$/gm) ?? []).length < 5 && Date.now() - t0 < 30_000) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value);
    }
    await reader.cancel();
    const events = text
      .split("\n\n")
      .filter((e) => e.startsWith("event: "))
      .map((e) => ({ event: /^event: (\S+)/.exec(e)![1], data: JSON.parse(/^data: (.*)$/m.exec(e)![1]) }));
    expect(events[0]).toEqual({ event: "ready", data: { serviceId: expect.any(String), service: `${stack}_ticker`, host: HOST } });
    const lines = events.filter((e) => e.event === "line").map((e) => e.data as Line & { errors: number });
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.every((l) => /^tick \d+$/.test(l.text) && l.slot === 1 && l.taskId && l.node)).toBe(true);
    // two from the tail, then new ones
    const n = lines.map((l) => Number(l.text.split(" ")[1]));
    expect(n).toEqual([...n].sort((a, b) => a - b));
  });

  it("refuses (404) a service outside the stack, even one named like the stack's", async () => {
    const loose = await get(stack, "loose");
    expect(loose.status).toBe(404);
    const e = await errorOf(loose);
    expect(e.message).toBe(`The Swarm stack ${stack} on host ${HOST} has no service loose (its services: ticker, web).`);
    const none = await get(stack, "db");
    expect(none.status).toBe(404);
  });

  it("refuses (404) a Swarm stack that is no folder in STACKS_DIR", async () => {
    await until(
      "the ghost stack's services",
      async () => engine.docker("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${ghost}`),
      (ids) => ids.split("\n").filter(Boolean).length === 2,
    );
    const r = await get(ghost, "web");
    expect(r.status).toBe(404);
    expect((await errorOf(r)).message).toBe(`There is no stack ${ghost} in the stacks repository (no folder ${ghost} with a compose file in STACKS_DIR).`);
  });

  it("refuses (400) a bad service or stack name", async () => {
    for (const svc of ["web;id", "-web", "a b", "x".repeat(65)]) {
      const r = await get(stack, svc);
      expect(r.status).toBe(400);
      expect((await errorOf(r)).message).toMatch(/is not a service name/);
    }
    for (const name of ["Upper", "../etc", "a/b"]) expect((await get(name, "web")).status).toBe(400);
  });

  it("refuses (409) a Compose stack, pointing to the container logs", async () => {
    const r = await get(composeStack, "web");
    expect(r.status).toBe(409);
    expect((await errorOf(r)).message).toBe(
      `${composeStack} runs as a Compose stack on host ${HOST}, not as a Swarm stack (Compose (default)): read its logs per container, with GET /api/containers/{id}/logs or the Logs card of the stack page.`,
    );
  });

  it("answers 503 naming the host when the stack's host does not answer", async () => {
    const r = await get(downStack, "web");
    expect(r.status).toBe(503);
    expect((await errorOf(r)).message).toMatch(/host gone/);
  });
});
