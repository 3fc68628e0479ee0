// Notifications against real HTTP servers on 127.0.0.1: each target kind receives a
// well-formed message; dead or hanging targets never hold up the caller.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshDataDir, saveEnv } from "@/test/fixtures/env";
import { refusedUrl, startSilentServer, startWebhookSink, type SilentServer, type WebhookSink } from "@/test/fixtures/webhook-sink";
import { reloadConfig } from "../config";
import { closeDb } from "../db";
import { flushNotifications, notify, readResults, setSendOptions, targetSummaries } from "./queue";
import { deploymentEvent } from "./events";

let sink: WebhookSink;
let base: string;
let hanging: SilentServer;
let hangingUrl: string;
let deadUrl: string;
const restoreEnv = saveEnv();

beforeAll(async () => {
  sink = await startWebhookSink();
  base = sink.base;
  // Accepts connections and never answers.
  hanging = await startSilentServer();
  hangingUrl = hanging.url();
  // A port that was free a moment ago: connection refused.
  deadUrl = await refusedUrl();
  freshDataDir("notify-data", { PUBLIC_URL: "https://oresi.example.test" });
});

afterAll(async () => {
  await hanging.close();
  await sink.close();
  closeDb();
  restoreEnv();
});

beforeEach(() => {
  sink.reset();
  for (const k of ["NOTIFY_WEBHOOK_URL", "NOTIFY_DISCORD_URL", "NOTIFY_SLACK_URL", "NOTIFY_NTFY_URL"]) delete process.env[k];
  setSendOptions({ timeoutMs: 400, retryDelayMs: 50 });
});

const failed = deploymentEvent(
  { id: "dep-42", kind: "rollout", status: "failed", from: "v1.1.0", to: "v1.2.0", error: "web did not become healthy", actor: "alice" },
  "https://oresi.example.test",
)!;

describe("notification targets", () => {
  it("sends a well-formed message to the generic webhook, Discord, Slack and ntfy", async () => {
    process.env.NOTIFY_WEBHOOK_URL = `${base}/generic/hook?token=s3cr3t-generic`;
    process.env.NOTIFY_DISCORD_URL = `${base}/api/webhooks/123456/discord-s3cr3t-token`;
    process.env.NOTIFY_SLACK_URL = `${base}/services/T000/B000/slack-s3cr3t`;
    process.env.NOTIFY_NTFY_URL = `http://bob:ntfy-pass@127.0.0.1:${new URL(base).port}/oresi-alerts`;
    reloadConfig();

    notify(failed);
    await flushNotifications();

    expect(sink.requests).toHaveLength(4);
    for (const s of sink.requests) {
      expect(s.method).toBe("POST");
      expect(s.headers["content-type"]).toBe("application/json");
    }
    const byPath = (p: string) => JSON.parse(sink.requests.find((s) => s.path.startsWith(p))!.body);

    const generic = byPath("/generic/hook");
    expect(generic).toMatchObject({
      source: "oresi-releases",
      event: "deployment.failed",
      title: "Rollout to v1.2.0 failed",
      url: "https://oresi.example.test/deployments/dep-42",
      release: "v1.2.0",
      deploymentId: "dep-42",
    });
    expect(generic.message).toContain("web did not become healthy");
    expect(sink.requests.find((s) => s.path.startsWith("/generic"))!.path).toBe("/generic/hook?token=s3cr3t-generic");

    const discord = byPath("/api/webhooks/123456/");
    expect(discord.content).toMatch(/^❌ \*\*Rollout to v1\.2\.0 failed\*\*\n/);
    expect(discord.content).toContain("https://oresi.example.test/deployments/dep-42");
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.content.length).toBeLessThanOrEqual(2000);

    const slack = byPath("/services/T000/");
    expect(slack.text).toContain("*Rollout to v1.2.0 failed*");
    expect(slack.text).toContain("<https://oresi.example.test/deployments/dep-42|Open in Oresi Releases>");

    // ntfy: JSON publishing to the server root, topic in the body, credentials as Basic auth.
    const ntfyReq = sink.requests.find((s) => s.path === "/")!;
    expect(ntfyReq.headers.authorization).toBe("Basic " + Buffer.from("bob:ntfy-pass").toString("base64"));
    const ntfy = JSON.parse(ntfyReq.body);
    expect(ntfy).toMatchObject({
      topic: "oresi-alerts",
      title: "Rollout to v1.2.0 failed",
      click: "https://oresi.example.test/deployments/dep-42",
      priority: 4,
      tags: ["x"],
    });

    // Results are recorded per target, with secrets masked.
    const summary = targetSummaries();
    expect(summary.map((s) => s.type)).toEqual(["webhook", "discord", "slack", "ntfy"]);
    for (const s of summary) {
      expect(s.last).toMatchObject({ ok: true, status: 200, attempts: 1, kind: "deployment.failed" });
      expect(s.display).not.toMatch(/s3cr3t|ntfy-pass|oresi-alerts|123456/);
    }
    expect(JSON.stringify(readResults())).not.toMatch(/s3cr3t|ntfy-pass/);
    expect(summary.find((s) => s.type === "discord")!.display).toBe(`${base}/api/webhooks/••••/••••`);
  });

  it("retries once after a 5xx, and not after a 4xx", async () => {
    process.env.NOTIFY_WEBHOOK_URL = `${base}/flaky`;
    process.env.NOTIFY_SLACK_URL = `${base}/services/gone`;
    reloadConfig();
    sink.script("/flaky", [503]);
    sink.script("/services/gone", [404, 404]);
    notify(failed);
    await flushNotifications();
    expect(sink.requests.filter((s) => s.path === "/flaky")).toHaveLength(2);
    expect(sink.requests.filter((s) => s.path === "/services/gone")).toHaveLength(1);
    const [w, s] = targetSummaries();
    expect(w.last).toMatchObject({ ok: true, attempts: 2, status: 200 });
    expect(s.last).toMatchObject({ ok: false, attempts: 1, status: 404, error: "answered 404" });
  });

  it("a dead or hanging target does not delay the caller, and its failure is recorded", async () => {
    process.env.NOTIFY_WEBHOOK_URL = deadUrl;
    process.env.NOTIFY_DISCORD_URL = hangingUrl;
    process.env.NOTIFY_SLACK_URL = `${base}/services/ok`;
    reloadConfig();

    const t0 = performance.now();
    for (let i = 0; i < 5; i++) notify(failed);
    const elapsed = performance.now() - t0;
    // Five events to three targets, one refusing and one never answering: queued, not sent inline.
    expect(elapsed).toBeLessThan(50);
    expect(sink.requests).toHaveLength(0);

    // The healthy target gets all five at once: its queue does not wait for the dead ones.
    const t1 = performance.now();
    while (sink.requests.filter((s) => s.path === "/services/ok").length < 5 && performance.now() - t1 < 2000) await new Promise((r) => setTimeout(r, 10));
    expect(sink.requests.filter((s) => s.path === "/services/ok")).toHaveLength(5);
    expect(performance.now() - t1).toBeLessThan(400);
    await flushNotifications();
    // Each hanging attempt is cut at the timeout (400 ms), retried once: bounded, never stuck.
    expect(performance.now() - t1).toBeLessThan(5 * (2 * 400 + 50) + 2000);
    const [dead, hang, ok] = targetSummaries();
    expect(dead.last).toMatchObject({ ok: false, attempts: 2, error: "connection refused" });
    expect(hang.last).toMatchObject({ ok: false, attempts: 2, error: "no answer in time" });
    expect(ok.last).toMatchObject({ ok: true });
    expect(sink.requests.filter((s) => s.path === "/services/ok")).toHaveLength(5);
  });

  it("does nothing when no target is configured", async () => {
    reloadConfig();
    notify(failed);
    await flushNotifications();
    expect(sink.requests).toHaveLength(0);
  });
});
