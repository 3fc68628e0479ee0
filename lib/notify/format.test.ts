import { describe, expect, it } from "vitest";
import { maskUrl } from "./mask";
import { deploymentEvent, driftEvent, newReleaseEvent } from "./events";
import { formatRequest } from "./format";

describe("maskUrl", () => {
  it.each([
    ["https://discord.com/api/webhooks/1234567890/AbCdEf-token", "https://discord.com/api/webhooks/••••/••••"],
    ["https://hooks.slack.com/services/T00/B00/XXXXXXXX", "https://hooks.slack.com/services/••••/••••/••••"],
    ["https://ntfy.sh/my-secret-topic", "https://ntfy.sh/••••"],
    ["https://user:pw@example.com/hook?token=abc&x=1", "https://••••@example.com/••••?token=••••&x=••••"],
    ["not a url", "••••"],
  ])("%s → %s", (raw, masked) => {
    expect(maskUrl(raw)).toBe(masked);
  });
});

describe("messages", () => {
  it("names the stacks out of sync with both axes, then the first differences", () => {
    const one = driftEvent(
      [{ name: "media", sync: "out_of_sync", reason: "image differs: jellyfin", health: "healthy" }],
      ["media/jellyfin: runs jellyfin:10.8.13, the release says jellyfin:10.9.1."],
      1,
      "v2.3.1",
      "https://o.test",
    );
    expect(one).toMatchObject({ kind: "drift.found", title: "media out of sync with v2.3.1", url: "https://o.test/stacks", release: "v2.3.1" });
    expect(one.message).toBe(
      "media: out of sync (image differs: jellyfin), health healthy. media/jellyfin: runs jellyfin:10.8.13, the release says jellyfin:10.9.1. What runs differs from the deployed release: roll out again or commit the change.",
    );
    const many = driftEvent(
      [
        { name: "a", sync: "out_of_sync", reason: "missing: x", health: "missing" },
        { name: "b", sync: "out_of_sync", reason: "extra: y", health: "degraded" },
      ],
      ["a/x: no container runs.", "b/y: runs, but the release has no such service."],
      5,
      "v1.0.0",
    );
    expect(many.title).toBe("2 stacks out of sync with v1.0.0");
    expect(many.message).toContain("a: out of sync (missing: x), health missing. b: out of sync (extra: y), health degraded.");
    expect(many.message).toContain("And 3 more.");
  });

  it("says what happened to a deployment, with a link", () => {
    const ok = deploymentEvent({ id: "d1", kind: "rollout", status: "succeeded", from: "v1.0.0", to: "v1.1.0", actor: "alice" }, "https://o.test/")!;
    expect(ok).toMatchObject({ kind: "deployment.succeeded", title: "v1.1.0 deployed and verified", url: "https://o.test/deployments/d1" });
    expect(ok.message).toBe("Rollout v1.0.0 → v1.1.0 by alice succeeded.");
    const rb = deploymentEvent({ id: "d2", kind: "rollout", status: "rolled_back", from: "v1.1.0", to: "v1.2.0", error: "web unhealthy" })!;
    expect(rb.kind).toBe("deployment.rolled_back");
    expect(rb.url).toBeUndefined();
    expect(rb.title).toBe("v1.2.0 failed and was rolled back");
    expect(rb.message).toBe("Rollout to v1.2.0 failed: web unhealthy. v1.1.0 runs again.");
    // The automatic rollback itself is not announced twice; a failed one is.
    expect(deploymentEvent({ id: "d3", kind: "rollback", status: "succeeded", to: "v1.1.0", rollbackOf: "d2", auto: true })).toBeNull();
    expect(deploymentEvent({ id: "d3", kind: "rollback", status: "failed", to: "v1.1.0", rollbackOf: "d2", auto: true })!.kind).toBe("deployment.failed");
    expect(deploymentEvent({ id: "d0", kind: "adopt", status: "succeeded", to: "v1.0.0" })).toBeNull();
    expect(deploymentEvent({ id: "d4", kind: "rollout", status: "running" })).toBeNull();
    expect(newReleaseEvent("v2.0.0", "v1.1.0", false, "https://o.test").url).toBe("https://o.test/releases/v2.0.0");
  });

  it("escapes Slack markup in titles and messages", () => {
    const r = formatRequest("slack", "https://hooks.slack.com/services/a/b/c", {
      kind: "test",
      title: "<script> & co",
      message: "a<b",
      at: "2026-01-01T00:00:00Z",
    });
    expect(JSON.parse(r.body).text).toBe("🔔 *&lt;script&gt; &amp; co*\na&lt;b");
  });
});
