// GitHub's real example payloads (@octokit/webhooks-examples), signed in the test.
import examples from "@octokit/webhooks-examples";
import { describe, expect, it } from "vitest";
import { classifyGithubEvent } from "./github-event";
import { sign, verifySignature } from "./signature";
import { decideSync } from "./decide";

const example = (name: string, pick: (e: Record<string, unknown>) => boolean) => {
  const def = examples.find((d) => d.name === name)!;
  const e = (def.examples as unknown as Record<string, unknown>[]).find(pick);
  if (!e) throw new Error(`no ${name} example`);
  return e;
};

const tagPush = example("push", (e) => e.ref === "refs/tags/simple-tag" && e.created === true);
const branchPush = example("push", (e) => e.ref === "refs/heads/master");
const tagCreate = example("create", (e) => e.ref_type === "tag");
const ping = example("ping", () => true);

describe("webhook signature", () => {
  const body = JSON.stringify(tagPush);
  it("accepts GitHub's HMAC-SHA256 of the raw body", () => {
    expect(verifySignature(body, sign(body, "It's a Secret to Everybody"), "It's a Secret to Everybody")).toBe(true);
  });
  it("matches GitHub's documented test vector", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(sign("Hello, World!", "It's a Secret to Everybody")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  });
  it.each([
    ["missing", null],
    ["empty", ""],
    ["sha1 instead of sha256", "sha1=" + "0".repeat(40)],
    ["wrong secret", sign(body, "another secret")],
    ["body changed", sign(body + " ", "s3cret")],
    ["truncated", sign(body, "s3cret").slice(0, 40)],
  ])("refuses a %s signature", (_label, header) => {
    expect(verifySignature(body, header, "s3cret")).toBe(false);
  });
  it("refuses everything when no secret is configured", () => {
    expect(verifySignature(body, sign(body, ""), "")).toBe(false);
  });
});

describe("which GitHub events trigger a sync", () => {
  const filter = { repository: "Codertocat/Hello-World", branch: "master" };
  it("a pushed tag, a created tag and a push to the main branch", () => {
    expect(classifyGithubEvent("push", tagPush, filter)).toEqual({ action: "sync", reason: "tag simple-tag pushed" });
    expect(classifyGithubEvent("create", tagCreate, filter)).toEqual({ action: "sync", reason: "tag simple-tag created" });
    expect(classifyGithubEvent("push", branchPush, filter).action).toBe("sync");
  });
  it("ignores other branches, other repositories, branch creation and other events", () => {
    expect(classifyGithubEvent("push", branchPush, { ...filter, branch: "main" })).toEqual({
      action: "ignore",
      reason: "push to master, not main",
    });
    expect(classifyGithubEvent("push", tagPush, { ...filter, repository: "someone/else" }).action).toBe("ignore");
    expect(classifyGithubEvent("create", { ...tagCreate, ref_type: "branch" }, filter).action).toBe("ignore");
    expect(classifyGithubEvent("issues", tagPush, filter).action).toBe("ignore");
    expect(classifyGithubEvent("ping", ping, { branch: "main" }).action).toBe("pong");
  });
  it("matches the repository case-insensitively, and accepts any when none is configured", () => {
    expect(classifyGithubEvent("push", tagPush, { repository: "codertocat/hello-world", branch: "main" }).action).toBe("sync");
    expect(classifyGithubEvent("push", tagPush, { branch: "main" }).action).toBe("sync");
  });
});

describe("what a sync does with the releases it sees", () => {
  const rel = (tag: string) => ({ tag, prerelease: tag.includes("-") });
  const none = () => null;
  it("announces the newest release under notify, rolls it out under rollout", () => {
    const list = [rel("v1.0.0"), rel("v1.1.0"), rel("v1.2.0")];
    expect(decideSync(list, "v1.1.0", { policy: "notify", prereleases: false, heldReason: none })).toMatchObject({ newest: "v1.2.0", rollout: false });
    expect(decideSync(list, "v1.1.0", { policy: "rollout", prereleases: false, heldReason: none })).toMatchObject({ newest: "v1.2.0", rollout: true });
    expect(decideSync(list, "v1.2.0", { policy: "rollout", prereleases: false, heldReason: none })).toMatchObject({ newest: null, rollout: false });
  });
  it("never rolls out a pre-release unless allowed", () => {
    const list = [rel("v1.1.0"), rel("v1.2.0-rc.1")];
    expect(decideSync(list, "v1.1.0", { policy: "rollout", prereleases: false, heldReason: none }).newest).toBeNull();
    expect(decideSync(list, "v1.1.0", { policy: "rollout", prereleases: true, heldReason: none })).toMatchObject({ newest: "v1.2.0-rc.1", rollout: true });
  });
  it("does not roll out a held release again, but moves on to a newer one", () => {
    const held = (t: string) => (t === "v1.2.0" ? "rolled back automatically" : null);
    expect(decideSync([rel("v1.1.0"), rel("v1.2.0")], "v1.1.0", { policy: "rollout", prereleases: false, heldReason: held })).toMatchObject({
      newest: "v1.2.0",
      rollout: false,
    });
    expect(decideSync([rel("v1.1.0"), rel("v1.2.0"), rel("v1.3.0")], "v1.1.0", { policy: "rollout", prereleases: false, heldReason: held })).toMatchObject({
      newest: "v1.3.0",
      rollout: true,
    });
  });
  it("does not roll out on its own when nothing is deployed yet", () => {
    expect(decideSync([rel("v1.0.0")], null, { policy: "rollout", prereleases: false, heldReason: none })).toMatchObject({ newest: "v1.0.0", rollout: false });
  });
});
