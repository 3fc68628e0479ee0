// Homepage widget and Prometheus metrics after a real rollout (real git repo, real engine,
// real SQLite), read through the real route handlers; the README's services.yaml snippet
// is parsed and every field it maps must exist in the widget's answer.
import fs from "node:fs";
import path from "node:path";
import { saveEnv, setEnv } from "@/test/fixtures/env";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { db } from "../db";
import { testRequest } from "../access/testing";
import { invalidateStatus } from "../status";
import { invalidateStacksReport } from "../stacks/report";
import { startDeployment } from "../deploy/start";
import { waitFinished, TEST_OPERATOR as operator } from "../deploy/testing";
import { parseExposition } from "./parse-testing";
import { GET as widgetGET } from "@/app/api/widget/route";
import { GET as metricsGET } from "@/app/api/metrics/route";
import { GET as statusGET } from "@/app/api/status/route";

const API_KEY = "metrics-test-api-key-0123456789";
const WIDGET_KEY = "metrics-test-widget-key-0123456789";
const ORIGIN = "http://127.0.0.1:3000";
const restoreEnv = saveEnv();

let repo: StacksRepo;

type H = (req: never, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
function call(h: H, p: string, headers: Record<string, string> = {}, peer?: string): Promise<Response> {
  return (h as unknown as (r: unknown, c: unknown) => Promise<Response>)(testRequest(ORIGIN + p, { headers, peer }), { params: Promise.resolve({}) });
}
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

beforeAll(async () => {
  repo = createStacksRepo({ tag: "met", broken: true });
  await setUpStacksRepo(repo, {
    data: "metrics-data",
    env: {
      VERIFY_TIMEOUT: "20s",
      AUTO_ROLLBACK: "true",
      CHATOPS_API_KEY: API_KEY,
      CHATOPS_API_ROLE: "operator",
      WIDGET_API_KEY: WIDGET_KEY,
      CHATOPS_IP_ALLOWLIST: undefined,
      TRUSTED_PROXIES: undefined,
      KUMA_URL: undefined,
      KUMA_STATUS_PAGE: undefined,
      KUMA_API_KEY: undefined,
      NEXTAUTH_SECRET: "metrics-test-secret-0123456789abcdef",
      LOG_LEVEL: "error",
    },
  });
  const r = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
  const d = await waitFinished(r.id);
  expect(d.status, d.error ?? "").toBe("succeeded");
  invalidateStatus();
  invalidateStacksReport();
}, 120_000);

afterAll(() => {
  tearDownStacksRepo(repo);
  restoreEnv();
});

describe("GET /api/metrics after a real rollout", () => {
  it("answers the Prometheus text format with the rollout counted once", async () => {
    const res = await call(metricsGET, "/api/metrics", bearer(WIDGET_KEY));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const m = parseExposition(await res.text());
    const types = Object.fromEntries([...m.values()].map((f) => [f.name, f.type]));
    expect(types).toEqual({
      oresi_deployments_total: "counter",
      oresi_deployment_duration_seconds: "histogram",
      oresi_verification_failures_total: "counter",
      oresi_auto_rollbacks_total: "counter",
      oresi_drifted_stacks: "gauge",
      oresi_stack_info: "gauge",
      oresi_dependency_up: "gauge",
      oresi_seconds_since_last_sync: "gauge",
    });
    for (const f of m.values()) expect(f.help, f.name).toBeTruthy();

    const deployments = m.get("oresi_deployments_total")!.samples;
    expect(deployments).toEqual(
      expect.arrayContaining([
        { name: "oresi_deployments_total", labels: { kind: "rollout", result: "succeeded" }, value: 1 },
        { name: "oresi_deployments_total", labels: { kind: "adopt", result: "succeeded" }, value: 1 },
      ]),
    );
    expect(deployments).toHaveLength(2);

    const h = m.get("oresi_deployment_duration_seconds")!.samples;
    expect(h.every((s) => s.labels.kind === "rollout")).toBe(true);
    const count = h.find((s) => s.name === "oresi_deployment_duration_seconds_count")!;
    expect(count.value).toBe(1);
    const buckets = h.filter((s) => s.name === "oresi_deployment_duration_seconds_bucket");
    expect(buckets.at(-1)).toMatchObject({ labels: { kind: "rollout", le: "+Inf" }, value: 1 });
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
    const row = db().prepare("SELECT started_at s, finished_at f FROM deployments WHERE kind = 'rollout'").get() as { s: string; f: string };
    const secs = (new Date(row.f).getTime() - new Date(row.s).getTime()) / 1000;
    expect(h.find((s) => s.name === "oresi_deployment_duration_seconds_sum")!.value).toBeCloseTo(secs, 3);
    expect(secs).toBeGreaterThan(0);
    // The first bucket holding the rollout is the first le >= its duration.
    const first = buckets.find((b) => b.value === 1)!;
    expect(Number(first.labels.le === "+Inf" ? Infinity : first.labels.le)).toBeGreaterThanOrEqual(secs);

    expect(m.get("oresi_verification_failures_total")!.samples).toEqual([]);
    expect(m.get("oresi_auto_rollbacks_total")!.samples).toEqual([]);
    expect(m.get("oresi_drifted_stacks")!.samples).toEqual([{ name: "oresi_drifted_stacks", labels: {}, value: 0 }]);
    const info = m.get("oresi_stack_info")!.samples;
    expect(info.length).toBeGreaterThan(0);
    for (const s of info) expect(s).toMatchObject({ labels: { stack: expect.any(String), sync: "synced" }, value: 1 });
    const deps = Object.fromEntries(m.get("oresi_dependency_up")!.samples.map((s) => [s.labels.dependency, s.value]));
    expect(deps).toEqual({ git_repo: 1, docker: 1, database: 1 }); // Kuma is not configured: absent
    expect(m.get("oresi_seconds_since_last_sync")!.samples).toEqual([]); // no sync has run in this data folder
  });

  it("counts from the database: a verification failure and an automatic rollback show up", async () => {
    const r = await startDeployment({ kind: "rollout", to: "v1.2.0" }, operator);
    const d = await waitFinished(r.id);
    expect(d.status).toBe("rolled_back");
    const m = parseExposition(await (await call(metricsGET, "/api/metrics", bearer(API_KEY))).text());
    expect(m.get("oresi_verification_failures_total")!.samples).toEqual([{ name: "oresi_verification_failures_total", labels: { kind: "rollout" }, value: 1 }]);
    expect(m.get("oresi_auto_rollbacks_total")!.samples).toEqual([{ name: "oresi_auto_rollbacks_total", labels: { result: "succeeded" }, value: 1 }]);
    expect(m.get("oresi_deployments_total")!.samples).toEqual(
      expect.arrayContaining([{ name: "oresi_deployments_total", labels: { kind: "rollout", result: "rolled_back" }, value: 1 }]),
    );
    const counts = m.get("oresi_deployment_duration_seconds")!.samples.filter((s) => s.name.endsWith("_count"));
    expect(Object.fromEntries(counts.map((c) => [c.labels.kind, c.value]))).toEqual({ rollback: 1, rollout: 2 });
  }, 120_000);
});

describe("GET /api/metrics when a dependency is down", () => {
  it("reports the stacks repository as 0 when STACKS_DIR is not a git repository", async () => {
    const dir = repo.dir;
    setEnv({ STACKS_DIR: makeTempDir("not-a-repo") });
    invalidateStatus();
    try {
      const m = parseExposition(await (await call(metricsGET, "/api/metrics", bearer(WIDGET_KEY))).text());
      const deps = Object.fromEntries(m.get("oresi_dependency_up")!.samples.map((s) => [s.labels.dependency, s.value]));
      expect(deps).toMatchObject({ git_repo: 0, docker: 1, database: 1 });
    } finally {
      setEnv({ STACKS_DIR: dir });
      invalidateStatus();
      invalidateStacksReport();
    }
  });
});

describe("GET /api/widget", () => {
  it("answers the deployed release and counts; every field README's services.yaml maps exists", async () => {
    invalidateStacksReport();
    const res = await call(widgetGET, "/api/widget", bearer(WIDGET_KEY));
    expect(res.status).toBe(200);
    const w = (await res.json()) as Record<string, unknown>;
    expect(w).toMatchObject({
      release: "v1.1.0",
      verified: "verified",
      drifted: 0,
      stacksOutOfSync: 0,
      kumaUp: null,
      kumaDown: null,
      lastDeployment: "rollback v1.1.0",
      lastDeploymentStatus: "succeeded",
    });
    // the Overview's counts: every container on the engine (other tests share it), at least our 3 stacks
    expect(w.running as number).toBeGreaterThanOrEqual(3);
    expect(w.healthy as number).toBeGreaterThanOrEqual(1);
    expect(typeof w.unhealthy).toBe("number");
    expect(w.lastDeploymentAgeSeconds as number).toBeGreaterThanOrEqual(0);
    expect(w.lastDeploymentAge).toMatch(/^\d+[smhd]$/);
    expect(Date.parse(w.lastDeploymentAt as string)).not.toBeNaN();

    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Homepage"));
    const snippet = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet, "README has a yaml block under ### Homepage").toBeTruthy();
    const groups = parseYaml(snippet!) as Record<string, Record<string, { widget: { type: string; url: string; mappings: { field: string }[] } }>[]>[];
    const widget = Object.values(Object.values(groups[0])[0][0])[0].widget;
    expect(widget.type).toBe("customapi");
    expect(new URL(widget.url).pathname).toBe("/api/widget");
    expect(widget.mappings.length).toBeGreaterThan(3);
    for (const { field } of widget.mappings) expect(Object.keys(w), `mapped field ${field}`).toContain(field);
  });
});

describe("read-only access", () => {
  it("takes the widget key or the API key, refuses anonymous and wrong keys, and the allowlist", async () => {
    for (const [h, p] of [
      [widgetGET, "/api/widget"],
      [metricsGET, "/api/metrics"],
    ] as const) {
      expect((await call(h, p)).status, `anonymous ${p}`).toBe(401);
      expect((await call(h, p, bearer("wrong-key-0123456789abcdef"))).status, `wrong key ${p}`).toBe(401);
      expect((await call(h, p, bearer(""))).status, `empty key ${p}`).toBe(401);
      expect((await call(h, p, bearer(API_KEY))).status, `API key ${p}`).toBe(200);
      setEnv({ CHATOPS_IP_ALLOWLIST: "100.64.0.0/10" });
      try {
        expect((await call(h, p, bearer(WIDGET_KEY), "203.0.113.7")).status, `disallowed address ${p}`).toBe(403);
        expect((await call(h, p, bearer(WIDGET_KEY), "100.64.0.9")).status, `allowed address ${p}`).toBe(200);
      } finally {
        setEnv({ CHATOPS_IP_ALLOWLIST: undefined });
      }
    }
    // The widget key opens nothing else.
    expect((await call(statusGET, "/api/status", bearer(WIDGET_KEY))).status).toBe(401);
    setEnv({ WIDGET_API_KEY: undefined });
    try {
      expect((await call(widgetGET, "/api/widget", bearer(WIDGET_KEY))).status).toBe(401);
    } finally {
      setEnv({ WIDGET_API_KEY: WIDGET_KEY });
    }
    const refused = db().prepare("SELECT SUM(count) n FROM audit_events WHERE action = 'request.refused' AND target LIKE 'GET /api/%'").get() as { n: number };
    expect(refused.n).toBeGreaterThanOrEqual(8);
  });
});
