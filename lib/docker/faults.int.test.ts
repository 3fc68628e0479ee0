// Docker going away and coming back: a socket proxy in front of the real engine is stopped
// and started; the adapter answers dependency_down with the reason, then recovers by itself.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "../config";
import { resetSingleton } from "../singleton";
import { invalidateContainers, listContainers } from "./containers";
import { containerLogs } from "./logs";

const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oresi-fault-")), "docker.sock");
let server: net.Server | null = null;
const conns = new Set<net.Socket>();

function start(): Promise<void> {
  server = net.createServer((c) => {
    const up = net.connect("/var/run/docker.sock");
    conns.add(c);
    c.pipe(up).pipe(c);
    c.on("close", () => (up.destroy(), conns.delete(c)));
    up.on("error", () => c.destroy());
    c.on("error", () => up.destroy());
  });
  return new Promise((r) => server!.listen(sock, r));
}
function stop(): Promise<void> {
  for (const c of conns) c.destroy();
  return new Promise((r) => server!.close(() => r()));
}

beforeAll(async () => {
  await start();
  process.env.DOCKER_HOST = `unix://${sock}`;
  reloadConfig();
  resetSingleton("docker");
});
afterAll(async () => {
  delete process.env.DOCKER_HOST;
  reloadConfig();
  resetSingleton("docker");
  if (server?.listening) await stop();
});

describe("Docker down and back", () => {
  it("answers dependency_down (503) with the reason, then recovers without a restart", async () => {
    expect(Array.isArray(await listContainers())).toBe(true);
    await stop();
    invalidateContainers();
    const err = await listContainers().catch((e) => e);
    expect(err).toMatchObject({ code: "dependency_down", status: 503 });
    expect(err.message).toMatch(/Docker engine is not reachable at unix:\/\/.*docker\.sock \((ENOENT|ECONNREFUSED|EPIPE|ECONNRESET)\)/);
    await expect(containerLogs("abc123")).rejects.toMatchObject({ code: "dependency_down" });
    await start();
    expect(Array.isArray(await listContainers())).toBe(true);
  });
});
