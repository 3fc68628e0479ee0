// SYNC_POLICY=rollout against the real deployment engine and the real Docker engine:
// a tag pushed to the bare origin is found, rolled out and verified; a release that fails
// is rolled back by the engine, put on hold, and not rolled out again until a newer one
// appears; pre-releases are left alone; notifications arrive, and a dead target never
// holds up a deployment.
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { saveEnv } from "@/test/fixtures/env";
import { startSilentServer, startWebhookSink, type SilentServer, type WebhookSink } from "@/test/fixtures/webhook-sink";
import { db } from "../db";
import { onDeploymentFinished } from "../deploy/events";
import { holdOf } from "../deploy/holds";
import { getDeployment, isDeploying } from "../deploy/start";
import { waitFinished } from "../deploy/testing";
import { invalidateContainers, listContainers } from "../docker/containers";
import { flushNotifications, setSendOptions, targetSummaries } from "../notify/queue";
import { runSync } from "./run";
import { readSyncState } from "./state";
import { wireSync } from "./startup";

let repo: StacksRepo;
let upstream: StacksRepo;
let hook: WebhookSink<{ event: string; title: string; url: string | null }>;
let hanging: SilentServer;
const restoreEnv = saveEnv();
const notifyCallMs: number[] = [];

const web = () => repo.stack("web");
async function webImage(): Promise<string | undefined> {
  invalidateContainers();
  return (await listContainers()).find((c) => c.project === web() && c.state === "running")?.image;
}
function release(tag: string, webTag: string) {
  upstream.commit({ [`${upstream.stack("web")}/.env`]: `# ${tag}\nWEB_TAG=${webTag}\nAPP_MODE=prod\n` }, `web ${webTag}`);
  upstream.tag(tag, `Release ${tag}`);
}
const deploymentCount = () => (db().prepare("SELECT COUNT(*) AS n FROM deployments WHERE kind != 'adopt'").get() as { n: number }).n;

beforeAll(async () => {
  repo = createStacksRepo({ tag: "syncro" });
  upstream = repo.upstreamClone();
  hook = await startWebhookSink();
  hanging = await startSilentServer();
  await setUpStacksRepo(repo, {
    data: "syncro-data",
    at: null,
    env: {
      SYNC_POLICY: "rollout",
      VERIFY_TIMEOUT: "15s",
      AUTO_ROLLBACK: "true",
      PUBLIC_URL: "https://oresi.example.test",
      NOTIFY_WEBHOOK_URL: hook.url(),
      // A target that accepts connections and never answers.
      NOTIFY_DISCORD_URL: hanging.url("/api/webhooks/1/token"),
      SYNC_PRERELEASES: undefined,
    },
  });
  setSendOptions({ timeoutMs: 3000, retryDelayMs: 100 });
  // Listeners run in order, synchronously: the time between these two is what the real
  // listener (notifications + sync) costs the engine when a deployment finishes.
  let t0 = 0;
  onDeploymentFinished(() => {
    t0 = performance.now();
  });
  wireSync();
  onDeploymentFinished(() => {
    notifyCallMs.push(performance.now() - t0);
  });
});

afterAll(async () => {
  await hanging.close();
  await hook.close();
  tearDownStacksRepo(repo);
  restoreEnv();
});

describe("sync with SYNC_POLICY=rollout (real engine)", () => {
  it("rolls out a new tag pushed to origin, verified, and announces it", async () => {
    expect(await webImage()).toBe("oresi-test/web:1.1.0");
    release("v1.2.0", "1.0.0");
    const run = await runSync("schedule");
    expect(run.outcome, run.message).toBe("rolled_out");
    const d = await waitFinished(run.deploymentId!);
    expect(d, d.error ?? "").toMatchObject({ kind: "sync", status: "succeeded", from: "v1.1.0", to: "v1.2.0", actor: { name: "scheduler", kind: "system" } });
    expect(d.verification?.ok).toBe(true);
    expect(await webImage()).toBe("oresi-test/web:1.0.0");
    expect(repo.git("rev-parse", "HEAD")).toBe(repo.git("rev-parse", "v1.2.0^{commit}"));
    const audit = db().prepare("SELECT * FROM audit_events WHERE action = 'deployment.sync'").get() as Record<string, unknown>;
    expect(audit).toMatchObject({ actor: "scheduler", actor_kind: "system", target: "v1.2.0", deployment_id: d.id });

    await flushNotifications();
    expect(hook.bodies.map((r) => r.event)).toEqual(["release.found", "deployment.succeeded"]);
    expect(hook.bodies[1]).toMatchObject({ title: "v1.2.0 deployed and verified", url: `https://oresi.example.test/deployments/${d.id}` });
    // The hanging Discord target failed (timeout, one retry) without delaying anything.
    expect(targetSummaries().find((t) => t.type === "discord")!.last).toMatchObject({ ok: false, attempts: 2, error: "no answer in time" });
    expect(Math.max(...notifyCallMs)).toBeLessThan(20);

    // Nothing new: nothing happens.
    expect((await runSync("schedule")).outcome).toBe("unchanged");
    expect(deploymentCount()).toBe(1);
  });

  it("a failing release is rolled back, held, and not rolled out again until a newer one appears", async () => {
    hook.bodies.length = 0;
    release("v1.3.0", "2.0.0-broken");
    const run = await runSync("webhook");
    expect(run.outcome).toBe("rolled_out");
    const failed = await waitFinished(run.deploymentId!, 90_000);
    expect(failed.status).toBe("rolled_back");
    expect(holdOf("v1.3.0")).not.toBeNull();
    expect(await webImage()).toBe("oresi-test/web:1.0.0");
    await flushNotifications();
    expect(hook.bodies.map((r) => r.event)).toEqual(["release.found", "deployment.rolled_back"]);
    expect(hook.bodies[1].title).toBe("v1.3.0 failed and was rolled back");

    // The remote changes (a new, unrelated tag), but the newest release is still the held one.
    upstream.git("tag", "nightly");
    upstream.git("push", "-q", "origin", "refs/tags/nightly");
    const again = await runSync("schedule");
    expect(again.outcome).toBe("held");
    expect(again.message).toContain("v1.3.0 is on hold");
    expect(deploymentCount()).toBe(3); // v1.2.0, v1.3.0, and the automatic rollback

    // A pre-release is never rolled out by itself.
    release("v1.4.0-rc.1", "1.1.0");
    expect((await runSync("schedule")).outcome).toBe("held");
    expect(deploymentCount()).toBe(3);

    // A newer release moves on.
    release("v1.3.1", "1.1.0");
    const next = await runSync("schedule");
    expect(next.outcome).toBe("rolled_out");
    // While it runs, a sync is skipped, and runs again when the deployment finishes.
    expect(isDeploying()).toBe(true);
    expect((await runSync("manual")).outcome).toBe("skipped");
    const ok = await waitFinished(next.deploymentId!);
    expect(ok.status, ok.error ?? "").toBe("succeeded");
    expect(await webImage()).toBe("oresi-test/web:1.1.0");
    for (let i = 0; i < 50 && readSyncState().lastRun?.trigger !== "deployment-finished"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(readSyncState().lastRun).toMatchObject({ trigger: "deployment-finished", outcome: "unchanged" });
    expect(getDeployment(next.deploymentId!).to).toBe("v1.3.1");
    await flushNotifications();
  });
});
