import { describe, expect, it } from "vitest";
import { mapMonitorsToStacks, nameMatchesStack, normalizeName } from "./match";

const monitors = [
  { id: 1, name: "Web OK (200)", state: "up" as const },
  { id: 2, name: "API Broken (500)", state: "down" as const },
  { id: 3, name: "Paused Service", state: "up" as const },
  { id: 4, name: "Backup Job (push)", state: "up" as const },
  { id: 5, name: "Media Server: HTTPS", state: "pending" as const },
  { id: 6, name: "Jellyfin2", state: "up" as const },
];

describe("monitors to stacks", () => {
  it("normalizes case, spaces, - and _", () => {
    expect(normalizeName("  Home_Assistant -  LAN ")).toBe("home assistant lan");
  });

  it("matches by name: equal, or the stack name followed by a space, ':', '/' or '('", () => {
    expect(nameMatchesStack("jellyfin", "jellyfin")).toBe(true);
    expect(nameMatchesStack("Jellyfin: HTTPS", "jellyfin")).toBe(true);
    expect(nameMatchesStack("Home Assistant (LAN)", "home-assistant")).toBe(true);
    expect(nameMatchesStack("jellyfin/api", "jellyfin")).toBe(true);
    expect(nameMatchesStack("Jellyfin2", "jellyfin")).toBe(false);
    expect(nameMatchesStack("My Jellyfin", "jellyfin")).toBe(false);
  });

  it("x-oresi first (exact, then ignoring case), then by name (longest stack wins), else unassigned", () => {
    const r = mapMonitorsToStacks(monitors, [
      { stack: "frontend", kuma: ["web ok (200)", "Gone Monitor"] },
      { stack: "web", kuma: [] },
      { stack: "api", kuma: [] },
      { stack: "backup-job", kuma: [] },
      { stack: "media", kuma: [] },
      { stack: "media-server", kuma: [] },
      { stack: "jellyfin", kuma: [], error: "x-oresi: kuma: expected array" },
    ]);
    const by = Object.fromEntries(r.stacks.map((s) => [s.stack, s]));
    expect(by.frontend.monitors).toEqual([{ name: "Web OK (200)", monitorId: 1, via: "x-oresi", state: "up" }]);
    expect(by.frontend.missing).toEqual(["Gone Monitor"]);
    expect(by.frontend.state).toBe("unknown");
    expect(by.web.monitors).toEqual([]); // named by frontend, so not matched to web by name
    expect(by.web.state).toBeNull();
    expect(by.api).toMatchObject({ state: "down", monitors: [{ name: "API Broken (500)", via: "name" }] });
    expect(by["backup-job"].monitors.map((m) => m.monitorId)).toEqual([4]);
    expect(by["media-server"].monitors.map((m) => m.monitorId)).toEqual([5]);
    expect(by.media.monitors).toEqual([]);
    expect(by.jellyfin.error).toContain("x-oresi");
    expect(r.unassigned).toEqual([3, 6]);
  });

  it("a monitor named by two stacks belongs to both", () => {
    const r = mapMonitorsToStacks(monitors, [
      { stack: "a", kuma: ["API Broken (500)"] },
      { stack: "b", kuma: ["API Broken (500)", "API Broken (500)"] },
    ]);
    expect(r.stacks.map((s) => s.monitors.length)).toEqual([1, 1]);
    expect(r.stacks[1].state).toBe("down");
  });
});
