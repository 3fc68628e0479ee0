// The audit trail cannot be filled by refused requests, and old events leave after the retention period.
import { withTempDataDir } from "@/test/fixtures/env";
import { describe, expect, it } from "vitest";
import { GET as auditGet } from "@/app/api/audit/route";
import { testRequest } from "@/lib/access/testing";
import { drainRefusals } from "@/lib/access/startup";
import { queueRefusal } from "@/lib/access/refusals";
import { reloadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { audit } from "./record";
import { pruneAudit } from "./retention";

const refusedRows = (target: string) =>
  db().prepare("SELECT id, count, source_ip, ts FROM audit_events WHERE action = 'request.refused' AND target = ? ORDER BY id").all(target) as {
    id: number;
    count: number;
    source_ip: string;
    ts: string;
  }[];

withTempDataDir("audit-growth", { CHATOPS_API_KEY: "growth-key-0123456789abcdef", LOG_LEVEL: "error", CHATOPS_IP_ALLOWLIST: undefined });

describe("refused requests are coalesced", () => {
  it("500 refused API requests from one address to one path in a minute: one row (two at a minute boundary) with the count", async () => {
    for (let i = 0; i < 500; i++) {
      const r = await auditGet(testRequest("http://127.0.0.1:3000/api/audit", { peer: "203.0.113.7" }) as never, { params: Promise.resolve({}) });
      expect(r.status).toBe(401);
    }
    const rows = refusedRows("GET /api/audit");
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(500);
    expect(rows.every((r) => r.source_ip === "203.0.113.7")).toBe(true);
    // another address gets its own row
    await auditGet(testRequest("http://127.0.0.1:3000/api/audit", { peer: "203.0.113.8" }) as never, { params: Promise.resolve({}) });
    expect(
      refusedRows("GET /api/audit")
        .filter((r) => r.source_ip === "203.0.113.8")
        .map((r) => r.count),
    ).toEqual([1]);
  });

  it("500 page requests refused by the proxy: one row per address and path and minute, with the count, shown by the API", async () => {
    for (let i = 0; i < 500; i++)
      queueRefusal({ at: new Date().toISOString(), ip: "198.51.100.9", method: "GET", path: "/deployments", status: 403, reason: "not in the allowlist" });
    expect(drainRefusals()).toBe(500);
    const rows = refusedRows("GET /deployments");
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(500);
    const res = await auditGet(
      testRequest("http://127.0.0.1:3000/api/audit?action=request.refused", { headers: { authorization: "Bearer growth-key-0123456789abcdef" } }) as never,
      { params: Promise.resolve({}) },
    );
    const { events } = (await res.json()) as { events: { target: string; count: number }[] };
    expect(events.filter((e) => e.target === "GET /deployments").reduce((n, e) => n + e.count, 0)).toBe(500);
  });

  it("the trail stays append-only: only a refusal's count may grow, nothing else changes", () => {
    const [row] = refusedRows("GET /deployments");
    expect(() => db().prepare("UPDATE audit_events SET result = 'ok' WHERE id = ?").run(row.id)).toThrow(/append-only/);
    expect(() => db().prepare("UPDATE audit_events SET count = count + 1, target = 'x' WHERE id = ?").run(row.id)).toThrow(/append-only/);
    expect(() => db().prepare("UPDATE audit_events SET count = 1 WHERE id = ?").run(row.id)).toThrow(/append-only/);
    const other = audit({ caller: { kind: "user", name: "alice", role: "admin", ip: "10.0.0.1" }, action: "deployment.start", result: "ok" });
    expect(() => db().prepare("UPDATE audit_events SET count = count + 1 WHERE id = ?").run(other)).toThrow(/append-only/);
    expect(() => db().prepare("DELETE FROM audit_events WHERE id = ?").run(other)).toThrow(/append-only/);
  });
});

describe("retention (AUDIT_RETENTION_DAYS)", () => {
  it("deletes only events older than the setting; recent ones stay; 0 keeps everything", () => {
    // old events, written the way a long-running install would have them (ts in the past)
    const ins = db().prepare("INSERT INTO audit_events (ts, actor, actor_kind, action, result) VALUES (?, 'old', 'user', 'test.old', 'ok')");
    const day = 86_400_000;
    for (const age of [400, 380, 366]) ins.run(new Date(Date.now() - age * day).toISOString());
    ins.run(new Date(Date.now() - 300 * day).toISOString());
    const count = (a: string) => (db().prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = ?").get(a) as { n: number }).n;
    const before = (db().prepare("SELECT COUNT(*) AS n FROM audit_events").get() as { n: number }).n;

    process.env.AUDIT_RETENTION_DAYS = "0";
    reloadConfig();
    expect(pruneAudit()).toBe(0);
    expect(count("test.old")).toBe(4);

    delete process.env.AUDIT_RETENTION_DAYS; // default 365
    reloadConfig();
    expect(pruneAudit()).toBe(3);
    expect(count("test.old")).toBe(1);
    // everything else stayed, and the deletion is itself in the trail
    expect((db().prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action != 'audit.retention'").get() as { n: number }).n).toBe(before - 3);
    expect(db().prepare("SELECT params FROM audit_events WHERE action = 'audit.retention'").get()).toMatchObject({
      params: expect.stringContaining('"deleted":3'),
    });
    // even a retention set by hand to the future cannot delete the last day's events
    db().prepare("UPDATE audit_retention SET cutoff = '9999-12-31' WHERE id = 1").run();
    expect(() => db().prepare("DELETE FROM audit_events WHERE action = 'deployment.start'").run()).toThrow(/append-only/);
  });
});
