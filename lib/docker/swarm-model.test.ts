import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { decideMode, judgeService, specSince, stackFileFrom, summarizeService, type RawService, type RawTask } from "./swarm-model";

describe("decideMode: Compose or Swarm", () => {
  it("follows x-oresi.mode when it is written", () => {
    expect(decideMode({ declared: "compose", manager: true, swarmStackRuns: true, composeContainers: false }).mode).toBe("compose");
    expect(decideMode({ declared: "swarm", manager: true, swarmStackRuns: false, composeContainers: false })).toEqual({
      mode: "swarm",
      reason: "x-oresi.mode: swarm",
    });
    // unknown (host down): still Swarm, the deploy itself then fails on the host
    expect(decideMode({ declared: "swarm", manager: null, swarmStackRuns: false, composeContainers: false }).error).toBeUndefined();
  });
  it("refuses mode: swarm on a host that is no manager, saying what to do", () => {
    const d = decideMode({ declared: "swarm", manager: false, swarmStackRuns: false, composeContainers: false }, "nas");
    expect(d.mode).toBe("swarm");
    expect(d.error).toMatch(/Docker host nas is not a Swarm manager: run `docker swarm init`/);
  });
  it("detects only a Swarm stack that already runs on a manager, never a Compose stack", () => {
    expect(decideMode({ manager: true, swarmStackRuns: true, composeContainers: false }).mode).toBe("swarm");
    // a new stack on a manager stays Compose (deploy: keys decide nothing)
    expect(decideMode({ manager: true, swarmStackRuns: false, composeContainers: false }).mode).toBe("compose");
    // Compose containers of that project run: Compose, whatever else runs
    expect(decideMode({ manager: true, swarmStackRuns: true, composeContainers: true }).mode).toBe("compose");
    expect(decideMode({ manager: false, swarmStackRuns: true, composeContainers: false }).mode).toBe("compose");
    expect(decideMode({ manager: null, swarmStackRuns: false, composeContainers: false }).mode).toBe("compose");
  });
});

describe("stackFileFrom: Compose's config output for docker stack deploy", () => {
  it("passes v1's output through unchanged", () => {
    const v1 =
      "services:\n  web:\n    deploy:\n      replicas: 2\n    image: oresi-test/web:1.0.0\n    ports:\n    - published: 8081\n      target: 8080\nversion: '3.9'\n";
    const f = stackFileFrom(v1);
    expect(f).toEqual({ text: v1, services: [{ name: "web", image: "oresi-test/web:1.0.0" }], notes: [], problems: [] });
  });
  it("adapts v2's output: version added, top-level name removed, ports as numbers", () => {
    const v2 = YAML.stringify({
      name: "web",
      services: { web: { image: "x:1", ports: [{ mode: "ingress", target: 8080, published: "8081", protocol: "tcp" }] } },
    });
    const f = stackFileFrom(v2);
    expect(f.problems).toEqual([]);
    const doc = YAML.parse(f.text);
    expect(doc.version).toBe("3.9");
    expect(doc.name).toBeUndefined();
    expect(doc.services.web.ports[0]).toEqual({ mode: "ingress", target: 8080, published: 8081, protocol: "tcp" });
    expect(f.notes).toHaveLength(3);
  });
  it("says why stack deploy would refuse a file", () => {
    expect(stackFileFrom("version: '2.4'\nservices:\n  a:\n    image: x\n").problems[0]).toMatch(
      /version 2\.4; docker stack deploy reads version 3 files only/,
    );
    expect(stackFileFrom("version: '3.9'\nservices:\n  a:\n    build: .\n").problems[0]).toMatch(/a is built from source/);
    expect(stackFileFrom("version: '3.9'\nservices: {}\n").problems).toEqual(["the file has no services"]);
    expect(stackFileFrom("[unclosed").problems[0]).toMatch(/unreadable YAML/);
  });
});

const spec = { Image: "oresi-test/web:1.1.0", Env: ["A=1"], Labels: { "com.docker.stack.namespace": "s" } };
function service(over: Partial<RawService> = {}): RawService {
  return {
    ID: "svc1",
    CreatedAt: "2026-01-01T00:00:00.000Z",
    UpdatedAt: "2026-01-01T00:01:00.000Z",
    Spec: {
      Name: "s_web",
      Labels: { "com.docker.stack.namespace": "s", "com.docker.stack.image": "oresi-test/web:1.1.0" },
      TaskTemplate: { ContainerSpec: spec, ForceUpdate: 0 },
      Mode: { Replicated: { Replicas: 2 } },
    },
    ...over,
  };
}
function task(id: string, state: string, over: Partial<RawTask> & { image?: string } = {}): RawTask {
  return {
    ID: id,
    ServiceID: "svc1",
    Slot: Number(id.replace(/\D/g, "")) || 1,
    CreatedAt: "2026-01-01T00:01:01.000Z",
    DesiredState: state === "running" || state === "starting" ? "running" : "shutdown",
    Spec: { ContainerSpec: { ...spec, ...(over.image ? { Image: over.image } : {}) }, ForceUpdate: 0 },
    Status: { State: state, Message: state, ContainerStatus: { ContainerID: `c${id}`, ExitCode: 0 } },
    ...over,
  };
}

describe("summarizeService and judgeService", () => {
  it("counts running tasks of the current spec against the desired replicas", () => {
    const s = summarizeService(service(), [
      task("t1", "running"),
      task("t2", "running"),
      task("t0", "shutdown", { image: "oresi-test/web:1.0.0", CreatedAt: "2025-12-31T00:00:00Z" }),
    ]);
    expect(s).toMatchObject({
      name: "web",
      stack: "s",
      fullName: "s_web",
      image: "oresi-test/web:1.1.0",
      digest: null,
      mode: "replicated",
      replicas: { running: 2, desired: 2 },
    });
    expect(s.tasks.map((t) => [t.id, t.current])).toEqual([
      ["t1", true],
      ["t2", true],
      ["t0", false],
    ]);
    expect(judgeService(s)).toEqual({ ok: true, final: false, seen: "2/2 running" });
  });
  it("waits while a task starts (health: starting) or the update is in progress", () => {
    const s = summarizeService(service({ UpdateStatus: { State: "updating", Message: "update in progress" } }), [
      task("t1", "running"),
      task("t2", "starting"),
    ]);
    expect(judgeService(s)).toEqual({ ok: false, final: false, seen: "1/2 running, 1 starting, update updating" });
    const done = summarizeService(service({ UpdateStatus: { State: "completed", Message: "update completed" } }), [
      task("t1", "running"),
      task("t2", "running"),
    ]);
    expect(judgeService(done)).toEqual({ ok: true, final: false, seen: "2/2 running, update completed" });
  });
  it("a paused or rolled back update is a definite failure", () => {
    const s = summarizeService(service({ UpdateStatus: { State: "paused", Message: "update paused due to failure or early termination of task x" } }), [
      task("t2", "running"),
    ]);
    expect(judgeService(s)).toEqual({
      ok: false,
      final: true,
      seen: "1/2 running, update paused: update paused due to failure or early termination of task x",
    });
    const r = summarizeService(service({ UpdateStatus: { State: "rollback_completed", Message: "rollback completed" } }), [
      task("t1", "running"),
      task("t2", "running"),
    ]);
    expect(judgeService(r).final).toBe(true);
  });
  it("a task of the current spec that ended since the deploy fails it; older ones and other specs do not", () => {
    const bad = task("t3", "failed", { Status: { State: "failed", Message: "started", Err: "task: non-zero exit (1)", ContainerStatus: { ExitCode: 1 } } });
    const s = summarizeService(service(), [task("t1", "running"), bad]);
    expect(judgeService(s)).toEqual({ ok: false, final: true, seen: "1/2 running, task 3 failed: task: non-zero exit (1) (exit 1)" });
    const old = summarizeService(service(), [task("t1", "running"), task("t2", "running"), { ...bad, CreatedAt: "2025-12-31T00:00:00Z" }]);
    expect(judgeService(old).ok).toBe(true);
    const other = summarizeService(service(), [task("t1", "running"), task("t2", "running"), task("t4", "complete", { image: "oresi-test/web:2.0.0-broken" })]);
    expect(judgeService(other).ok).toBe(true);
  });
  it("counts failed tasks from the start of the current update, not from the service's UpdatedAt", () => {
    const bad = task("t3", "failed", { CreatedAt: "2026-01-01T00:02:00Z", Status: { State: "failed", Message: "x", Err: "boom" } });
    // Swarm moves UpdatedAt when the update pauses, after the failed task was created.
    const s = summarizeService(service({ UpdatedAt: "2026-01-01T00:03:00Z", UpdateStatus: { State: "updating", StartedAt: "2026-01-01T00:01:30Z" } }), [
      task("t1", "running"),
      bad,
    ]);
    expect(specSince(s)).toBe("2026-01-01T00:01:30Z");
    expect(judgeService(s)).toMatchObject({ ok: false, final: true });
    expect(judgeService(s, "2026-01-01T00:02:30Z")).toMatchObject({ final: false });
  });
  it("reads the digest of a resolved image, global services and a service scaled to 0", () => {
    const d = "sha256:" + "a".repeat(64);
    const s = summarizeService(
      service({
        Spec: {
          Name: "s_web",
          Labels: { "com.docker.stack.namespace": "s" },
          TaskTemplate: { ContainerSpec: { ...spec, Image: `nginx:1.27@${d}` } },
          Mode: { Global: {} },
        },
      }),
      [],
    );
    expect(s).toMatchObject({ image: "nginx:1.27", imageRef: `nginx:1.27@${d}`, digest: d, mode: "global", replicas: { running: 0, desired: 0 } });
    expect(judgeService(s, null).ok).toBe(true);
  });
});
