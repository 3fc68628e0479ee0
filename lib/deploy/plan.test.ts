import { describe, expect, it } from "vitest";
import { deployedChain, describeImageChange, diffServices, planRollback } from "./plan";
import type { Deployment, ServiceImage } from "./types";

const img = (stack: string, image: string, imageId = `sha256:${image.length.toString(16).padStart(64, "0")}`): ServiceImage => ({
  stack,
  service: "app",
  image,
  imageId,
  digest: null,
});

let n = 0;
function dep(kind: Deployment["kind"], to: string, status: Deployment["status"], services: ServiceImage[] = []) {
  n++;
  return { id: `d-${n}`, kind, status, to, toSha: null, finishedAt: `2026-01-01T00:00:0${n}Z`, services, actor: { name: "alice", kind: "user" } };
}

const v100 = [img("web", "oresi-test/web:1.0.0", "sha256:" + "a".repeat(64)), img("api", "oresi-test/api:1.0.0", "sha256:" + "b".repeat(64))];
const v110 = [img("web", "oresi-test/web:1.1.0", "sha256:" + "c".repeat(64)), v100[1]];

describe("planRollback", () => {
  it("offers nothing without history, and nothing before the first release", () => {
    expect(planRollback([])).toMatchObject({ available: false, reason: "Nothing has been deployed yet." });
    const p = planRollback([dep("adopt", "v1.0.0", "succeeded", v100)]);
    expect(p.available).toBe(false);
    expect(p.reason).toContain("v1.0.0 is the first release");
  });

  it("goes back to the release deployed before the current one, saying exactly what changes", () => {
    const p = planRollback([dep("adopt", "v1.0.0", "succeeded", v100), dep("rollout", "v1.1.0", "succeeded", v110)]);
    expect(p.available).toBe(true);
    expect(p.current?.release).toBe("v1.1.0");
    expect(p.target?.release).toBe("v1.0.0");
    expect(p.stacks).toEqual([
      {
        stack: "web",
        change: "changed",
        services: [{ service: "app", from: "oresi-test/web:1.1.0", to: "oresi-test/web:1.0.0", exact: "sha256:aaaaaaaaaaaa" }],
      },
    ]);
    expect(p.summary).toBe("1 stack: web — oresi-test/web 1.1.0 → 1.0.0");
  });

  it("uses history, not version numbers: a rollout to an older version is the current one", () => {
    const p = planRollback([dep("adopt", "v1.1.0", "succeeded", v110), dep("rollout", "v1.0.0", "succeeded", v100)]);
    expect(p.target?.release).toBe("v1.1.0");
  });

  it("skips failed, rolled-back and interrupted deployments", () => {
    const h = [
      dep("adopt", "v1.0.0", "succeeded", v100),
      dep("rollout", "v1.1.0", "succeeded", v110),
      dep("rollout", "v1.2.0", "rolled_back"),
      dep("rollback", "v1.1.0", "succeeded", v110),
      dep("rollout", "v1.3.0", "interrupted"),
      dep("rollout", "v1.3.0", "failed"),
    ];
    const p = planRollback(h);
    expect(p.current?.release).toBe("v1.1.0");
    expect(p.target?.release).toBe("v1.0.0");
  });

  it("a second rollback goes further back, not forth", () => {
    const v120 = [img("web", "oresi-test/web:1.2.0"), v100[1]];
    const h = [
      dep("adopt", "v1.0.0", "succeeded", v100),
      dep("rollout", "v1.1.0", "succeeded", v110),
      dep("rollout", "v1.2.0", "succeeded", v120),
      dep("rollback", "v1.1.0", "succeeded", v110),
    ];
    expect(deployedChain(h).map((d) => d.to)).toEqual(["v1.0.0", "v1.1.0"]);
    expect(planRollback(h).target?.release).toBe("v1.0.0");
    h.push(dep("rollback", "v1.0.0", "succeeded", v100));
    expect(planRollback(h)).toMatchObject({ available: false });
  });

  it("names a moving tag by its exact image, and added and removed stacks", () => {
    const a = [img("web", "reg/web:stable", "sha256:" + "1".repeat(64)), img("old", "x/y:1")];
    const b = [img("web", "reg/web:stable", "sha256:" + "2".repeat(64)), img("new", "x/z:2")];
    const stacks = diffServices(b, a);
    expect(stacks.map((s) => [s.stack, s.change])).toEqual([
      ["new", "removed"],
      ["old", "added"],
      ["web", "changed"],
    ]);
    const p = planRollback([dep("adopt", "v1.0.0", "succeeded", a), dep("rollout", "v2.0.0", "succeeded", b)]);
    expect(p.summary).toContain("web — reg/web:stable (back to sha256:111111111111)");
  });

  it("describes image changes", () => {
    expect(describeImageChange("a/b:1", "a/b:2")).toBe("a/b 1 → 2");
    expect(describeImageChange("127.0.0.1:5000/a/b:1", "127.0.0.1:5000/a/b@sha256:abc")).toBe("127.0.0.1:5000/a/b 1 → latest");
    expect(describeImageChange("a:1", "c:1")).toBe("a:1 → c:1");
    expect(describeImageChange(null, "c:1")).toBe("new c:1");
  });
});
