import { describe, expect, it } from "vitest";
import type { ContainerInfo, Health } from "../docker/types";
import type { MonitorState } from "../kuma/types";
import {
  HEALTH_RANK,
  HEALTH_STATUSES,
  MONITOR_HEALTH,
  OUT_OF_SYNC,
  SYNC_STATUSES,
  containerHealth,
  exitCodeOf,
  serviceHealth,
  serviceSync,
  stackHealth,
  stackSync,
  worseHealth,
} from "./status-model";
import type { DriftKind, HealthStatus } from "./types";

const c = (state: string, health: Health, status = "Up 5 seconds", name = "s-app-1"): Pick<ContainerInfo, "name" | "state" | "health" | "status"> => ({
  name,
  state,
  health,
  status,
});

describe("container health: Docker state + health check", () => {
  it.each<[string, Health, string, HealthStatus, string | null]>([
    ["running", "healthy", "Up 3 minutes (healthy)", "healthy", null],
    ["running", null, "Up 3 minutes", "healthy", "no health check"],
    ["running", "starting", "Up 2 seconds (health: starting)", "progressing", "health check starting"],
    ["running", "unhealthy", "Up 3 minutes (unhealthy)", "degraded", "unhealthy"],
    ["created", null, "Created", "progressing", "created, not started"],
    ["removing", null, "Removal In Progress", "progressing", "being removed"],
    ["restarting", null, "Restarting (1) 5 seconds ago", "degraded", "restarting"],
    ["paused", null, "Up 3 minutes (Paused)", "suspended", "paused"],
    ["exited", null, "Exited (0) 1 minute ago", "suspended", "exited (0)"],
    ["exited", null, "Exited (1) 1 minute ago", "degraded", "exited (1)"],
    ["exited", null, "Exited (137) 1 minute ago", "degraded", "exited (137)"],
    ["exited", null, "Exited", "degraded", "exited"],
    ["dead", null, "Dead", "degraded", "dead"],
    ["weird", null, "", "unknown", "state weird"],
  ])("%s / %s / %s → %s", (state, health, status, want, reason) => {
    expect(containerHealth(c(state, health, status))).toEqual({ status: want, reason });
  });

  it("reads the exit code from Docker's status text", () => {
    expect(exitCodeOf("Exited (2) 3 hours ago")).toBe(2);
    expect(exitCodeOf("Up 3 hours")).toBeNull();
  });
});

describe("monitor health: Uptime Kuma's states", () => {
  it.each<[MonitorState, HealthStatus]>([
    ["up", "healthy"],
    ["down", "degraded"],
    ["pending", "progressing"],
    ["maintenance", "suspended"],
    ["unknown", "unknown"],
  ])("%s → %s", (state, want) => expect(MONITOR_HEALTH[state]).toBe(want));
});

describe("sync: which drift counts", () => {
  it.each<[DriftKind, boolean]>([
    ["image_differs", true],
    ["config_differs", true],
    ["missing", true],
    ["extra", true],
    ["stale_image", true],
    ["update_available", false],
  ])("%s out of sync: %s", (kind, off) => {
    expect(OUT_OF_SYNC[kind]).toBe(off);
    expect(serviceSync([{ kind }])).toBe(off ? "out_of_sync" : "synced");
  });
  it("a service without drift is synced", () => expect(serviceSync([])).toBe("synced"));
  it("names the vocabulary once", () => {
    expect(SYNC_STATUSES).toEqual(["synced", "out_of_sync", "unknown"]);
    expect([...HEALTH_STATUSES].sort()).toEqual(Object.keys(HEALTH_RANK).sort());
  });
});

describe("worst of", () => {
  it("orders healthy < suspended < unknown < progressing < missing < degraded", () => {
    const order = [...HEALTH_STATUSES].sort((a, b) => HEALTH_RANK[a] - HEALTH_RANK[b]);
    expect(order).toEqual(["healthy", "suspended", "unknown", "progressing", "missing", "degraded"]);
    expect(worseHealth("missing", "progressing")).toBe("missing");
    expect(worseHealth("unknown", "degraded")).toBe("degraded");
  });

  it("a service the release has and nothing runs is missing; replicas take the worst", () => {
    expect(serviceHealth([], true)).toEqual({ status: "missing", reason: "no container" });
    expect(serviceHealth([c("running", "healthy", "Up", "a-1"), c("running", "starting", "Up", "a-2")], true)).toEqual({
      status: "progressing",
      reason: "a-2 health check starting",
    });
    expect(serviceHealth([c("running", "unhealthy", "Up")], true)).toEqual({ status: "degraded", reason: "unhealthy" });
  });

  it("a stack takes the worst of its services and monitors, naming them", () => {
    const healthy = { status: "healthy" as const, reason: null };
    const services = [
      { name: "web", drift: [], health: healthy },
      { name: "db", drift: [], health: { status: "progressing" as const, reason: "health check starting" } },
    ];
    expect(stackHealth({ services })).toEqual({ status: "progressing", reason: "db health check starting" });
    expect(stackHealth({ services, monitors: ["up", "down", "down"] })).toEqual({ status: "degraded", reason: "2 monitors down" });
    expect(stackHealth({ services, monitors: ["pending"] })).toEqual({ status: "progressing", reason: "db health check starting, 1 monitor pending" });
    expect(stackHealth({ services: [services[0]], monitors: ["unknown", "up"] })).toEqual({ status: "unknown", reason: "1 monitor state unknown" });
    expect(stackHealth({ services: [services[0]], monitors: ["maintenance", "up"] })).toEqual({ status: "suspended", reason: "1 monitor in maintenance" });
    expect(stackHealth({ services: [services[0]] })).toEqual({ status: "healthy", reason: null });
    expect(stackHealth({ services: [] })).toEqual({ status: "unknown", reason: "no services" });
    expect(stackHealth({ services: [], desiredError: true })).toEqual({ status: "unknown", reason: "compose file refused" });
  });

  it("a stack's sync: out of sync when one service is, unknown when its files are refused", () => {
    const h = { status: "healthy" as const, reason: null };
    expect(stackSync({ services: [{ name: "web", drift: [{ kind: "update_available" }], health: h }] })).toEqual({
      status: "synced",
      reason: null,
      differs: [],
    });
    expect(
      stackSync({
        services: [
          { name: "web", drift: [{ kind: "config_differs" }, { kind: "update_available" }], health: h },
          { name: "side", drift: [{ kind: "extra" }], health: h },
        ],
      }),
    ).toEqual({
      status: "out_of_sync",
      reason: "config differs, extra: web, side",
      differs: [
        { service: "web", kind: "config_differs" },
        { service: "side", kind: "extra" },
      ],
    });
    expect(stackSync({ services: [], desiredError: true })).toEqual({ status: "unknown", reason: "compose file refused", differs: [] });
  });
});
