import { describe, expect, it } from "vitest";
import { summarizeService, type RawService, type RawTask } from "../docker/swarm-model";
import { swarmStackView } from "./swarm-view";
import type { ContainerView } from "./types";

const spec = (image: string) => ({ Image: image, Labels: { "com.docker.stack.namespace": "s" } });
function svc(name: string, image: string, over: Partial<RawService> = {}): RawService {
  return {
    ID: `id-${name}`,
    CreatedAt: "2026-01-01T00:00:00Z",
    UpdatedAt: "2026-01-01T00:00:00Z",
    Spec: {
      Name: `s_${name}`,
      Labels: { "com.docker.stack.namespace": "s", "com.docker.stack.image": image },
      TaskTemplate: { ContainerSpec: spec(image) },
      Mode: { Replicated: { Replicas: 2 } },
    },
    ...over,
  };
}
function task(service: string, image: string, slot: number, state: string): RawTask {
  return {
    ID: `t-${service}-${slot}-${state}`,
    ServiceID: `id-${service}`,
    Slot: slot,
    CreatedAt: "2026-01-01T00:00:01Z",
    DesiredState: state === "running" || state === "starting" ? "running" : "shutdown",
    Spec: { ContainerSpec: spec(image) },
    Status: { State: state, Message: state, ContainerStatus: { ContainerID: `c-${service}-${slot}` } },
  };
}
const container = (id: string): ContainerView =>
  ({
    id,
    host: "local",
    name: id,
    image: "x",
    imageId: "sha256:1",
    state: "running",
    status: "Up 1 second (healthy)",
    health: "healthy",
    created: "",
    project: null,
    service: null,
    oneoff: false,
    configHash: null,
    version: null,
    ports: [],
    configuredImage: "x",
    restartCount: 0,
    startedAt: null,
    digest: null,
  }) as ContainerView;

describe("swarmStackView", () => {
  it("a converged stack is synced and healthy, with replicas and its task containers", () => {
    const s = summarizeService(svc("web", "oresi-test/web:1.1.0"), [
      task("web", "oresi-test/web:1.1.0", 1, "running"),
      task("web", "oresi-test/web:1.1.0", 2, "running"),
    ]);
    const v = swarmStackView(
      { stack: "s", services: [{ name: "web", image: "oresi-test/web:1.1.0", configHash: null }] },
      [s],
      [container("c-web-1"), container("c-web-2"), container("other")],
    );
    expect(v.kind).toBe("swarm");
    expect(v.sync.status).toBe("synced");
    expect(v.health).toEqual({ status: "healthy", reason: null });
    expect(v.services[0].containers.map((c) => c.id)).toEqual(["c-web-1", "c-web-2"]);
    expect(v.services[0]).toMatchObject({
      healthcheck: "healthy",
      swarm: { replicas: { running: 2, desired: 2 }, image: "oresi-test/web:1.1.0", seen: "2/2 running" },
    });
  });
  it("image drift, a missing and an extra service, a paused update", () => {
    const web = summarizeService(
      svc("web", "oresi-test/web:2.0.0-broken", {
        UpdateStatus: { State: "paused", Message: "update paused due to failure", StartedAt: "2026-01-01T00:00:00Z" },
      }),
      [task("web", "oresi-test/web:1.1.0", 1, "running")],
    );
    const old = summarizeService(svc("old", "oresi-test/api:1.0.0"), [
      task("old", "oresi-test/api:1.0.0", 1, "running"),
      task("old", "oresi-test/api:1.0.0", 2, "running"),
    ]);
    const v = swarmStackView(
      {
        stack: "s",
        services: [
          { name: "web", image: "oresi-test/web:1.1.0", configHash: null },
          { name: "api", image: "oresi-test/api:1.1.0", configHash: null },
        ],
      },
      [web, old],
      [],
    );
    expect(v.sync.status).toBe("out_of_sync");
    const by = Object.fromEntries(v.services.map((x) => [x.name, x]));
    expect(by.web.drift).toEqual([{ kind: "image_differs", text: "runs oresi-test/web:2.0.0-broken, the release says oresi-test/web:1.1.0" }]);
    expect(by.web.health.status).toBe("degraded");
    expect(by.web.health.reason).toMatch(/^0\/2 running, update paused: update paused due to failure/);
    expect(by.api).toMatchObject({ drift: [{ kind: "missing" }], health: { status: "missing" } });
    expect(by.old).toMatchObject({ desired: null, drift: [{ kind: "extra" }], health: { status: "healthy" } });
    expect(v.health.status).toBe("degraded");
  });
  it("a rollout in progress is progressing; scaled to 0 is suspended", () => {
    const rolling = summarizeService(svc("web", "oresi-test/web:1.1.0", { UpdateStatus: { State: "updating", StartedAt: "2026-01-01T00:00:00Z" } }), [
      task("web", "oresi-test/web:1.1.0", 1, "running"),
      task("web", "oresi-test/web:1.1.0", 2, "starting"),
    ]);
    expect(swarmStackView({ stack: "s", services: [{ name: "web", image: "oresi-test/web:1.1.0", configHash: null }] }, [rolling], []).health).toEqual({
      status: "progressing",
      reason: "web 1/2 running, 1 starting, update updating",
    });
    const zero = summarizeService(
      svc("web", "oresi-test/web:1.1.0", { Spec: { ...svc("web", "oresi-test/web:1.1.0").Spec, Mode: { Replicated: { Replicas: 0 } } } }),
      [],
    );
    expect(swarmStackView({ stack: "s", services: [{ name: "web", image: "oresi-test/web:1.1.0", configHash: null }] }, [zero], []).services[0].health).toEqual(
      { status: "suspended", reason: "scaled to 0" },
    );
  });
});
