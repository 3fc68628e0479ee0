import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "../config";
import { closeDb, db } from "../db";
import { queueRefusal, takeRefusals } from "./refusals";
import { drainRefusals } from "./startup";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-refusals-"));
  process.env.DATA_DIR = dir;
  reloadConfig();
  closeDb();
});
afterAll(() => {
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("page refusals", () => {
  it("are queued by the proxy and drained into the audit trail", () => {
    takeRefusals();
    queueRefusal({
      at: "2026-11-25T10:00:00.000Z",
      ip: "203.0.113.9",
      method: "GET",
      path: "/stacks",
      status: 403,
      reason: "address not in CHATOPS_IP_ALLOWLIST",
    });
    expect(drainRefusals()).toBe(1);
    expect(drainRefusals()).toBe(0);
    const row = db().prepare("SELECT * FROM audit_events WHERE action = 'request.refused' ORDER BY id DESC LIMIT 1").get() as Record<string, unknown>;
    expect(row).toMatchObject({ actor: "anonymous", source_ip: "203.0.113.9", target: "GET /stacks", result: "forbidden", status: 403 });
  });

  it("bound the queue under a flood", () => {
    for (let i = 0; i < 5000; i++) queueRefusal({ at: "t", ip: "203.0.113.9", method: "GET", path: `/${i}`, status: 403, reason: "x" });
    expect(takeRefusals()).toHaveLength(1000);
  });
});
