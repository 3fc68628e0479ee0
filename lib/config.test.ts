import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, parseDuration } from "./config";

describe("config", () => {
  it("serves a first run on defaults", () => {
    const c = parseConfig({});
    expect(c.DATA_DIR).toBe("./data");
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.DOCKER_HOST).toBe("unix:///var/run/docker.sock");
    expect(c.SYNC_INTERVAL).toBe(3_600_000);
    expect(c.AUTO_ROLLBACK).toBe(true);
  });

  it("names every bad variable with the problem and an example", () => {
    let err: ConfigError | undefined;
    try {
      parseConfig({ KUMA_URL: "nope", SYNC_INTERVAL: "often", DOCKER_HOST: "http://x" });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const vars = err!.problems.map((p) => p.variable).sort();
    expect(vars).toEqual(["DOCKER_HOST", "KUMA_URL", "SYNC_INTERVAL"]);
    expect(err!.message).toContain("example: SYNC_INTERVAL=1h");
  });

  it("checks variables that go together", () => {
    expect(() => parseConfig({ ADMIN_USER: "admin" })).toThrow(/ADMIN_PASSWORD_HASH: required when ADMIN_USER is set/);
    expect(() => parseConfig({ KUMA_STATUS_PAGE: "homelab" })).toThrow(/KUMA_URL/);
  });

  it("treats empty strings as unset and trims URLs", () => {
    const c = parseConfig({ KUMA_URL: "http://kuma:3001/", CHATOPS_API_KEY: "" });
    expect(c.KUMA_URL).toBe("http://kuma:3001");
    expect(c.CHATOPS_API_KEY).toBeUndefined();
  });

  it("parses durations", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("off")).toBe(0);
    expect(parseConfig({ SYNC_INTERVAL: "off" }).SYNC_INTERVAL).toBe(0);
  });
});
