import { withTempDataDir } from "@/test/fixtures/env";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit/record";
import { lockHolder, withStackLock } from "@/lib/deploy/lock";
import { testRequest } from "@/lib/access/testing";
import { GET } from "./route";

const KEY = "audit-route-key-0123456789abcdef";
withTempDataDir("audit", { CHATOPS_API_KEY: KEY, CHATOPS_API_ROLE: "viewer", LOG_LEVEL: "error" });
const auth = { authorization: `Bearer ${KEY}` };
const get = (qs: string) => GET(testRequest(`http://127.0.0.1:3000/api/audit${qs}`, { headers: auth }) as never, { params: Promise.resolve({}) });

beforeAll(() => {
  const alice = { kind: "user" as const, name: "alice", role: "operator" as const, ip: "100.64.0.2" };
  const bob = { kind: "user" as const, name: "bob", role: "viewer" as const, ip: "fd7a:115c:a1e0::3" };
  audit({ caller: alice, action: "auth.sign_in", result: "ok" });
  audit({
    caller: alice,
    action: "deployment.rollback",
    target: "v1.0.0",
    params: { kind: "rollback", token: "s3cret" },
    result: "accepted",
    status: 202,
    deploymentId: "d-abc123",
  });
  audit({ caller: bob, action: "request.refused", target: "POST /api/deployments", result: "forbidden", status: 403 });
  for (let i = 0; i < 5; i++) audit({ caller: bob, action: "auth.sign_in_failed", result: "wrong_password" });
});

describe("GET /api/audit", () => {
  it("lists newest first with role, address, redacted parameters and the deployment", async () => {
    const { events } = (await (await get("?action=deployment.rollback")).json()) as { events: Record<string, unknown>[] };
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: "alice",
      role: "operator",
      sourceIp: "100.64.0.2",
      target: "v1.0.0",
      deploymentId: "d-abc123",
      params: { kind: "rollback", token: "***" },
    });
  });

  it("filters by action prefix, actor, result and time, and pages with before", async () => {
    const j = async (qs: string) => (await (await get(qs)).json()) as { events: { id: number; action: string; actor: string }[]; next: number | null };
    expect((await j("?action=auth.*")).events.every((e) => e.action.startsWith("auth."))).toBe(true);
    expect((await j("?actor=bo")).events.every((e) => e.actor === "bob")).toBe(true);
    expect((await j("?result=forbidden")).events.map((e) => e.action)).toEqual(["request.refused"]);
    expect((await j("?since=2999-01-01")).events).toEqual([]);
    expect((await j(`?until=${new Date().toISOString().slice(0, 10)}`)).events.length).toBeGreaterThanOrEqual(8);
    const p1 = await j("?limit=3");
    expect(p1.events).toHaveLength(3);
    const p2 = await j(`?limit=3&before=${p1.next}`);
    expect(p2.events[0].id).toBeLessThan(p1.events[2].id);
  });

  it("refuses a bad filter with 400 naming it", async () => {
    const r = await get("?since=yesterday-ish");
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("since");
  });

  it("exports every match as JSON lines, and the export itself is audited", async () => {
    const r = await get("?format=jsonl&actor=bob");
    expect(r.headers.get("content-type")).toContain("application/x-ndjson");
    expect(r.headers.get("content-disposition")).toMatch(/attachment; filename="oresi-audit-.*\.jsonl"/);
    const lines = (await r.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { actor: string; id: number });
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.actor === "bob")).toBe(true);
    expect(lines[0].id).toBeLessThan(lines[5].id); // oldest first
    const ex = db().prepare("SELECT actor, role FROM audit_events WHERE action = 'audit.export'").all();
    expect(ex).toEqual([{ actor: "api-key", role: "viewer" }]);
  });

  it("a client that hangs up mid-export leaves the database writable (no open statement)", async () => {
    const bob = { kind: "user" as const, name: "bob", role: "viewer" as const, ip: "fd7a:115c:a1e0::3" };
    const insert = db().transaction(() => {
      for (let i = 0; i < 1600; i++) audit({ caller: bob, action: "test.bulk", result: "ok", params: { i } });
    });
    insert();
    const r = await get("?format=jsonl&action=test.bulk");
    const reader = r.body!.getReader();
    const first = await reader.read(); // a partial read: the first page
    expect(first.done).toBe(false);
    expect(new TextDecoder().decode(first.value).length).toBeGreaterThan(200);
    // the client goes away without reading the rest
    await reader.cancel();
    // every write still works: an audit insert and a plain write in a transaction
    expect(() => audit({ caller: bob, action: "test.after_cancel", result: "ok" })).not.toThrow();
    expect(() => db().transaction(() => audit({ caller: bob, action: "test.after_cancel_tx", result: "ok" }))()).not.toThrow();
    // the deployment lock can be taken and freed (an immediate transaction, as a deployment start does)
    expect(await withStackLock("web", async () => lockHolder()?.holder)).toMatch(/^restart:web:/);
    expect(lockHolder()).toBeNull();
    // and a fully read export pages through all rows in order
    const all = (await (await get("?format=jsonl&action=test.bulk")).text())
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { id: number }).id);
    expect(all).toHaveLength(1600);
    expect(all.every((id, i) => i === 0 || id > all[i - 1])).toBe(true);
  });

  it("the trail is append-only", () => {
    expect(() => db().prepare("DELETE FROM audit_events").run()).toThrow(/append-only/);
    expect(() => db().prepare("UPDATE audit_events SET result = 'ok'").run()).toThrow(/append-only/);
  });
});
