// A sync against a real stacks repository with a bare origin: new tags pushed "upstream"
// are found with ls-remote, fetched only when something changed, and announced.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { freshDataDir, saveEnv, setEnv } from "@/test/fixtures/env";
import { startWebhookSink, type WebhookSink } from "@/test/fixtures/webhook-sink";
import { closeDb, db } from "../db";
import { flushNotifications, setSendOptions } from "../notify/queue";
import { runSync, requestSync, isSyncing } from "./run";
import { readSyncState } from "./state";
import { syncStatus } from "./scheduler";

let repo: StacksRepo;
let upstream: StacksRepo;
let hook: WebhookSink;
const restoreEnv = saveEnv();

beforeAll(async () => {
  repo = createStacksRepo({ tag: "sync" });
  upstream = repo.upstreamClone();
  hook = await startWebhookSink();
  freshDataDir("sync-data", {
    STACKS_DIR: repo.dir,
    SYNC_POLICY: "notify",
    SYNC_PRERELEASES: undefined,
    PUBLIC_URL: "https://oresi.example.test",
    NOTIFY_WEBHOOK_URL: hook.url(),
  });
  setSendOptions({ timeoutMs: 2000, retryDelayMs: 50 });
});

afterAll(async () => {
  await hook.close();
  closeDb();
  restoreEnv();
  repo.cleanup();
});

beforeEach(() => {
  hook.reset();
});

const localTags = () => repo.git("tag", "--list", "v*").split("\n").filter(Boolean);

describe("sync under the notify policy", () => {
  it("first sync fetches; with nothing newer than HEAD's release it announces nothing", async () => {
    const run = await runSync("manual");
    expect(run).toMatchObject({ trigger: "manual", outcome: "fetched" });
    expect(run.message).toContain("v1.1.0 is the newest release");
    await flushNotifications();
    expect(hook.bodies).toEqual([]);
  });

  it("finds a tag pushed upstream, fetches it, and announces it once (nothing is deployed)", async () => {
    const web = upstream.stack("web");
    upstream.commit({ [`${web}/.env`]: "WEB_TAG=1.0.0\nAPP_MODE=prod\n" }, "web back to 1.0.0");
    upstream.tag("v1.2.0", "Release v1.2.0");
    expect(localTags()).not.toContain("v1.2.0");

    const run = await runSync("webhook");
    expect(run.outcome).toBe("announced");
    expect(run.message).toContain("v1.2.0 is available");
    expect(localTags()).toContain("v1.2.0");
    await flushNotifications();
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({
      event: "release.found",
      title: "New release v1.2.0",
      url: "https://oresi.example.test/releases/v1.2.0",
      release: "v1.2.0",
    });
    // Nothing was deployed: notify only announces.
    expect((db().prepare("SELECT COUNT(*) AS n FROM deployments").get() as { n: number }).n).toBe(0);
    expect(syncStatus()).toMatchObject({ policy: "notify", available: { tag: "v1.2.0" }, lastRun: { outcome: "announced" }, lastError: null });

    // The same release is not announced twice.
    hook.bodies.length = 0;
    expect((await runSync("schedule")).outcome).toBe("unchanged");
    await flushNotifications();
    expect(hook.bodies).toEqual([]);
  });

  it("does not fetch when the remote's tags did not change (ls-remote only)", async () => {
    // Delete a tag locally: a fetch would bring it back; an ls-remote-only sync leaves it gone.
    repo.git("tag", "-d", "v1.0.0");
    expect((await runSync("schedule")).outcome).toBe("unchanged");
    expect(localTags()).not.toContain("v1.0.0");
    // A change upstream (a new tag) makes the next sync fetch, which restores it too.
    upstream.tag("v1.2.1-rc.1", "Release candidate");
    const run = await runSync("schedule");
    expect(run.outcome).toBe("fetched");
    expect(localTags()).toEqual(expect.arrayContaining(["v1.0.0", "v1.2.1-rc.1"]));
    // A pre-release is not offered unless SYNC_PRERELEASES is on.
    expect(readSyncState().available?.tag).toBe("v1.2.0");
    setEnv({ SYNC_PRERELEASES: "true" });
    upstream.tag("v1.2.1-rc.2", "Release candidate 2");
    expect((await runSync("schedule")).outcome).toBe("announced");
    expect(readSyncState().available?.tag).toBe("v1.2.1-rc.2");
    setEnv({ SYNC_PRERELEASES: undefined });
    await flushNotifications();
  });

  it("survives a failed fetch: recorded, shown, and retried successfully next time", async () => {
    const url = repo.git("remote", "get-url", "origin");
    repo.git("remote", "set-url", "origin", `${repo.root}/no-such-origin.git`);
    const failed = await runSync("schedule");
    expect(failed.outcome).toBe("failed");
    expect(failed.message).toMatch(/Listing tags on origin .* failed/);
    expect(syncStatus()).toMatchObject({ consecutiveFailures: 1, lastError: { message: failed.message } });
    expect((await runSync("schedule")).outcome).toBe("failed");
    expect(syncStatus().consecutiveFailures).toBe(2);

    repo.git("remote", "set-url", "origin", url);
    const ok = await runSync("schedule");
    expect(["unchanged", "fetched"]).toContain(ok.outcome);
    expect(syncStatus()).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });

  it("never runs two syncs at once: requests during a run share one queued run", async () => {
    const calls = Array.from({ length: 5 }, () => runSync("manual"));
    expect(isSyncing()).toBe(true);
    expect(requestSync("webhook").queued).toBe(true);
    const runs = await Promise.all(calls);
    // The first call ran; the four during it (and the webhook request) were served by ONE more run, after it.
    expect(new Set(runs).size).toBe(2);
    expect(runs.slice(1).every((r) => r === runs[1])).toBe(true);
    expect(new Date(runs[1].at).getTime()).toBeGreaterThanOrEqual(new Date(runs[0].at).getTime());
    expect(isSyncing()).toBe(false);
  });

  it("a tag moved upstream is kept here and reported; the other new tags still arrive", async () => {
    const localBefore = repo.git("rev-parse", "v1.1.0^{commit}");
    // Upstream deletes v1.1.0 and re-creates it at another commit, and tags v1.3.0.
    upstream.commit({ [`${upstream.stack("web")}/.env`]: "WEB_TAG=1.1.0\nAPP_MODE=prod\nMOVED=1\n" }, "web: moved release");
    upstream.git("tag", "-d", "v1.1.0");
    upstream.git("push", "-q", "origin", ":refs/tags/v1.1.0");
    upstream.tag("v1.1.0", "Release v1.1.0 (moved)");
    upstream.tag("v1.3.0", "Release v1.3.0");
    const remoteNow = upstream.git("rev-parse", "v1.1.0^{commit}");
    expect(remoteNow).not.toBe(localBefore);

    const run = await runSync("schedule");
    expect(run.outcome, run.message).not.toBe("failed");
    expect(localTags()).toContain("v1.3.0");
    expect(repo.git("rev-parse", "v1.1.0^{commit}")).toBe(localBefore);
    expect(run.message).toContain("Upstream moved v1.1.0");
    const st = syncStatus();
    expect(st.lastError).toBeNull();
    expect(st.movedTags).toEqual([
      {
        tag: "v1.1.0",
        local: localBefore,
        remote: remoteNow,
        message: `tag v1.1.0 moved upstream from ${localBefore.slice(0, 12)} to ${remoteNow.slice(0, 12)}; not updated locally (delete the local tag to take the new one)`,
      },
    ]);
    // Sync goes on: a later tag still arrives, and the moved one stays reported.
    upstream.tag("v1.3.1", "Release v1.3.1");
    const next = await runSync("schedule");
    expect(next.outcome).not.toBe("failed");
    expect(localTags()).toContain("v1.3.1");
    expect(syncStatus().movedTags.map((m) => m.tag)).toEqual(["v1.1.0"]);
    await flushNotifications();
  });
});
