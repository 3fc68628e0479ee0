import { describe, expect, it } from "vitest";
import { parseXOresi } from "./x-oresi";

describe("x-oresi", () => {
  it("reads monitors and verification settings", () => {
    const { settings, error } = parseXOresi(`x-oresi:\n  kuma: [Jellyfin]\n  verify:\n    timeout: 90s\n    logs: true\nservices:\n  a:\n    image: x\n`);
    expect(error).toBeUndefined();
    expect(settings.kuma).toEqual(["Jellyfin"]);
    expect(settings.verify).toEqual({ timeoutMs: 90_000, health: true, kuma: true, logs: true, maxErrorLines: 0 });
  });
  it("defaults when absent and reports bad values", () => {
    expect(parseXOresi("services: {}\n").settings.kuma).toEqual([]);
    expect(parseXOresi("x-oresi:\n  verify:\n    timeout: soon\n").error).toMatch(/timeout/);
    expect(parseXOresi("x-oresi: [unclosed").error).toBeDefined();
  });
});
