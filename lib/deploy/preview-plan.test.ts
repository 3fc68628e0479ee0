import { describe, expect, it } from "vitest";
import { classifyStack, comparePreview, definitionReasons, summarizePreview } from "./preview-plan";

const def = (image: string, env: string[] = ["A=1"], extra: Record<string, unknown> = {}) => ({ image, environment: env, restart: "unless-stopped", ...extra });

describe("rollout preview decisions", () => {
  it("names what differs in a person's words, image first", () => {
    expect(definitionReasons(def("a:1"), def("a:2", ["A=2"], { volumes: ["./x:/x"] }))).toEqual(["image", "environment", "volumes"]);
    expect(definitionReasons(def("a:1", ["A=1"], { labels: { x: "1", y: "2" } }), def("a:1", ["A=1"], { labels: { y: "2", x: "1" } }))).toEqual([]);
    expect(definitionReasons(def("a:1"), def("a:1", ["A=1"], { mem_limit: "1g" }))).toEqual(["mem limit"]);
    expect(definitionReasons(null, def("a:1"))).toEqual([]);
  });

  it("recreates exactly when the running config hash differs from the target's", () => {
    const out = classifyStack({
      target: [
        { name: "app", image: "web:1.1", configHash: "h-app-new" },
        { name: "db", image: "pg:16", configHash: "h-db" },
        { name: "cache", image: "redis:7", configHash: "h-cache" },
      ],
      targetDefinitions: { app: def("web:1.1"), db: def("pg:16", ["PW=x"]), cache: def("redis:7") },
      base: { hashes: { app: "h-app-old", db: "h-db", old: "h-old" }, definitions: { app: def("web:1.0"), db: def("pg:16", ["PW=x"]), old: def("x:1") } },
      running: [
        { service: "app", image: "web:1.0", configHash: "h-app-old" },
        { service: "db", image: "pg:16", configHash: "h-db" },
        { service: "old", image: "x:1", configHash: "h-old" },
      ],
      pinned: new Map(),
    });
    expect(out).toEqual([
      { service: "app", action: "recreated", reasons: ["image"], from: "web:1.0", to: "web:1.1" },
      { service: "cache", action: "created", reasons: [], from: null, to: "redis:7" },
      { service: "db", action: "untouched", reasons: [], from: "pg:16", to: "pg:16" },
      { service: "old", action: "removed", reasons: [], from: "x:1", to: null },
    ]);
  });

  it("an environment-only change is 'recreated (environment)'; a live change says so; a pin is an image change", () => {
    const sides = {
      target: [{ name: "app", image: "web:1.0", configHash: "new" }],
      targetDefinitions: { app: def("web:1.0", ["A=2"]) },
      base: { hashes: { app: "old" }, definitions: { app: def("web:1.0", ["A=1"]) } },
      pinned: new Map<string, string>(),
    };
    expect(classifyStack({ ...sides, running: [{ service: "app", image: "web:1.0", configHash: "old" }] })[0]).toMatchObject({
      action: "recreated",
      reasons: ["environment"],
    });
    expect(classifyStack({ ...sides, running: [{ service: "app", image: "web:1.0", configHash: "edited" }] })[0].reasons).toEqual([
      "differs from the deployed release",
      "environment",
    ]);
    const pinned = classifyStack({
      ...sides,
      running: [{ service: "app", image: "web:1.0", configHash: "new" }],
      pinned: new Map([["app", "web@sha256:abc"]]),
    })[0];
    expect(pinned).toMatchObject({ action: "recreated", reasons: ["image", "environment"], to: "web@sha256:abc" });
  });

  it("says it in one sentence", () => {
    const { counts, summary } = summarizePreview([
      {
        stack: "media",
        change: "changed",
        services: [{ service: "jellyfin", action: "recreated", reasons: ["image"], from: "jellyfin/jellyfin:10.8", to: "jellyfin/jellyfin:10.9" }],
      },
      { stack: "proxy", change: "changed", services: [{ service: "caddy", action: "recreated", reasons: ["environment"], from: "caddy:2", to: "caddy:2" }] },
      { stack: "dns", change: "unchanged", services: [{ service: "pihole", action: "untouched", reasons: [], from: "pihole:1", to: "pihole:1" }] },
    ]);
    expect(counts).toEqual({ recreated: 2, created: 0, removed: 0, untouched: 1 });
    expect(summary).toBe("2 services recreated: media/jellyfin jellyfin/jellyfin 10.8 → 10.9, proxy/caddy (environment); 1 untouched");
    expect(summarizePreview([]).summary).toBe("No service is recreated, created or removed");
  });

  it("compares what happened with the preview", () => {
    const preview = {
      stacks: [
        {
          stack: "web",
          change: "changed" as const,
          services: [
            { service: "app", action: "recreated" as const, reasons: ["image"], from: "a", to: "b" },
            { service: "side", action: "untouched" as const, reasons: [], from: "c", to: "c" },
          ],
        },
        { stack: "api", change: "unchanged" as const, services: [{ service: "api", action: "untouched" as const, reasons: [], from: "d", to: "d" }] },
      ],
    };
    const t = Date.parse("2026-12-01T10:00:00Z");
    const old = "2026-12-01T09:00:00.000Z";
    const fresh = "2026-12-01T10:00:01.000Z";
    expect(
      comparePreview(
        preview,
        [
          { stack: "web", service: "app", created: fresh },
          { stack: "web", service: "side", created: old },
        ],
        t,
      ),
    ).toEqual({ matched: true, mismatches: [] });
    expect(
      comparePreview(
        preview,
        [
          { stack: "web", service: "app", created: old },
          { stack: "web", service: "side", created: fresh },
        ],
        t,
      ),
    ).toEqual({
      matched: false,
      mismatches: ["web/app: previewed recreated, was untouched", "web/side: previewed untouched, was recreated"],
    });
  });

  it("compares a stack that moves host by host: created on the new one, removed from the old one", () => {
    const preview = {
      stacks: [
        {
          stack: "web",
          change: "changed" as const,
          host: "local",
          services: [{ service: "app", action: "created" as const, reasons: [], from: null, to: "a" }],
        },
        {
          stack: "web",
          change: "removed" as const,
          host: "nas",
          movedTo: "local",
          services: [{ service: "app", action: "removed" as const, reasons: [], from: "a", to: null }],
        },
      ],
    };
    const t = Date.parse("2026-12-01T10:00:00Z");
    const fresh = "2026-12-01T10:00:01.000Z";
    expect(comparePreview(preview, [{ stack: "web", service: "app", created: fresh, host: "local" }], t)).toEqual({ matched: true, mismatches: [] });
    // still running on the old host: not what the preview said
    expect(
      comparePreview(
        preview,
        [
          { stack: "web", service: "app", created: fresh, host: "local" },
          { stack: "web", service: "app", created: "2026-12-01T09:00:00.000Z", host: "nas" },
        ],
        t,
      ),
    ).toEqual({ matched: false, mismatches: ["web/app: previewed removed, was untouched"] });
  });
});
