import { describe, expect, it } from "vitest";
import type { ContainerDetails, ContainerInfo } from "../docker/types";
import { toView } from "./drift";
import { containerHealth } from "./status-model";

const container: ContainerInfo = {
  id: "c1",
  name: "web-app-1",
  image: "oresi-test/web:1.0.0",
  imageId: "sha256:aaa",
  state: "running",
  status: "Up 5 seconds (healthy)",
  health: "healthy",
  created: "2026-11-25T10:00:00.000Z",
  project: "web",
  service: "app",
  oneoff: false,
  host: "local",
  configHash: "h",
  version: "1.0.0",
  ports: [],
};
const details: ContainerDetails = {
  id: "c1",
  configuredImage: "oresi-test/web:1.0.0",
  startedAt: "2026-11-25T10:00:01.000Z",
  finishedAt: null,
  restartCount: 0,
  health: "starting",
  tty: false,
};

describe("container view", () => {
  it("takes health from the fresh list, not from cached inspect details", () => {
    const v = toView(container, details, []);
    expect(v.health).toBe("healthy");
    expect(containerHealth(v)).toEqual({ status: "healthy", reason: null });
    expect(v.restartCount).toBe(0);
  });
  it("falls back to the details' health when the list has none", () => {
    expect(toView({ ...container, status: "Up 5 seconds", health: null }, details, []).health).toBe("starting");
  });
});
