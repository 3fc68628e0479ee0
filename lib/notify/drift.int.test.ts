// "Drift found" against the real engine: a stack changed by hand is announced once.
import path from "node:path";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { saveEnv } from "@/test/fixtures/env";
import { startWebhookSink, type WebhookSink } from "@/test/fixtures/webhook-sink";
import { composeUp } from "../docker/compose";
import { invalidateContainers } from "../docker/containers";
import { invalidateStacksReport } from "../stacks/report";
import { checkDrift } from "./drift";
import { flushNotifications } from "./queue";

let repo: StacksRepo;
let hook: WebhookSink;
const restoreEnv = saveEnv();

beforeAll(async () => {
  repo = createStacksRepo({ tag: "ndrift" });
  hook = await startWebhookSink();
  await setUpStacksRepo(repo, { data: "ndrift-data", at: null, env: { PUBLIC_URL: "https://oresi.example.test", NOTIFY_WEBHOOK_URL: hook.url() } });
});

afterAll(async () => {
  await hook.close();
  tearDownStacksRepo(repo);
  restoreEnv();
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
    expect(hook.bodies).toEqual([]);
  });

  it("announces a stack changed by hand, once", async () => {
    const web = repo.stack("web");
    // Someone runs another image by hand (the release says 1.1.0).
    await composeUp(path.join(repo.dir, web), web, { env: { WEB_TAG: "1.0.0" } });
    const r = await fresh();
    expect(r).toMatchObject({ checked: true, announced: true });
    expect(r.count).toBeGreaterThanOrEqual(1);
    await flushNotifications();
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ event: "drift.found", url: "https://oresi.example.test/stacks" });
    expect(String(hook.bodies[0].message)).toContain(`${web}/app`);
    expect(String(hook.bodies[0].message)).toContain("oresi-test/web:1.0.0");

    expect((await fresh()).announced).toBe(false);
    await flushNotifications();
    expect(hook.bodies).toHaveLength(1);

    // Put right again: quiet, and a later drift would be announced anew.
    await composeUp(path.join(repo.dir, web), web);
    expect(await fresh()).toMatchObject({ count: 0, announced: false });
  });
});
