// "Drift found" against the real engine: a stack changed by hand is announced once.
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { closeDb } from "../db";
import { upAll } from "../deploy/testing";
import { composeUp } from "../docker/compose";
import { invalidateContainers } from "../docker/containers";
import { invalidateStacksReport } from "../stacks/report";
import { checkDrift } from "./drift";
import { flushNotifications } from "./queue";

let repo: StacksRepo;
let hook: http.Server;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  repo = createStacksRepo({ tag: "ndrift" });
  hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  closeDb();
  Object.assign(process.env, {
    STACKS_DIR: repo.dir,
    DATA_DIR: makeTempDir("ndrift-data"),
    PUBLIC_URL: "https://oresi.example.test",
    NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
  });
  reloadConfig();
  await upAll(repo.dir, repo.git("rev-parse", "HEAD"));
});

afterAll(async () => {
  await new Promise((r) => hook.close(r));
  closeDb();
  delete process.env.NOTIFY_WEBHOOK_URL;
  delete process.env.PUBLIC_URL;
  reloadConfig();
  repo?.cleanup();
});

const fresh = () => {
  invalidateContainers();
  invalidateStacksReport();
  return checkDrift();
};

describe("drift notifications", () => {
  it("stays quiet while what runs matches the release", async () => {
    expect(await fresh()).toEqual({ checked: true, count: 0, announced: false });
    await flushNotifications();
    expect(received).toEqual([]);
  });

  it("announces a stack changed by hand, once", async () => {
    const web = repo.stack("web");
    // Someone runs another image by hand (the release says 1.1.0).
    await composeUp(path.join(repo.dir, web), web, { env: { WEB_TAG: "1.0.0" } });
    const r = await fresh();
    expect(r).toMatchObject({ checked: true, announced: true });
    expect(r.count).toBeGreaterThanOrEqual(1);
    await flushNotifications();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ event: "drift.found", url: "https://oresi.example.test/stacks" });
    expect(String(received[0].message)).toContain(`${web}/app`);
    expect(String(received[0].message)).toContain("oresi-test/web:1.0.0");

    expect((await fresh()).announced).toBe(false);
    await flushNotifications();
    expect(received).toHaveLength(1);

    // Put right again: quiet, and a later drift would be announced anew.
    await composeUp(path.join(repo.dir, web), web);
    expect(await fresh()).toMatchObject({ count: 0, announced: false });
  });
});
