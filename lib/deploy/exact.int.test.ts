// Exact releases against a real registry (Debian's docker-registry on 127.0.0.1): pre-flight
// pulls, recorded digests, and a rollback that runs the old digest after its tag was moved.
import fs from "node:fs";
import path from "node:path";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { sh, startRegistry, type Registry } from "@/test/fixtures/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeFile, createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { invalidateContainers, listContainers } from "../docker/containers";
import { startDeployment } from "./start";
import { logsOf } from "./store";
import { waitFinished, TEST_OPERATOR as operator } from "./testing";

let registry: Registry;
let repo: StacksRepo;
let ref = "";
let dataDir = "";

function digestOf(image: string, repository: string): string {
  const digests = JSON.parse(sh("image", "inspect", "-f", "{{json .RepoDigests}}", image)) as string[];
  return digests.find((d) => d.startsWith(repository + "@"))!;
}

beforeAll(async () => {
  registry = await startRegistry();
  ref = `127.0.0.1:${registry.port}/oresitest/web:stable`;
  sh("tag", "oresi-test/web:1.0.0", ref);
  sh("push", ref);

  repo = createStacksRepo({ tag: "exact", history: false });
  const reg = repo.stack("reg");
  repo.commit({ [`${reg}/docker-compose.yml`]: composeFile(ref), [`${reg}/.env`]: "APP_MODE=one\n" }, "reg stack on a moving tag");
  repo.tag("v1.0.0");
  repo.commit({ [`${reg}/.env`]: "APP_MODE=two\n" }, "reg: mode two");
  repo.tag("v1.1.0");
  dataDir = await setUpStacksRepo(repo, { data: "exact-data", env: { VERIFY_TIMEOUT: "20s" } });
});
afterAll(() => {
  tearDownStacksRepo(repo);
  registry?.stop();
  try {
    sh("rmi", ref);
  } catch {
    /* already gone */
  }
});

describe("exact releases (real registry on loopback)", () => {
  it("records digests, pulls in pre-flight, and rolls back to the old digest after the tag moved", async () => {
    const repository = ref.slice(0, ref.lastIndexOf(":"));
    const d1 = digestOf("oresi-test/web:1.0.0", repository);
    const oldId = sh("image", "inspect", "-f", "{{.Id}}", "oresi-test/web:1.0.0");
    const newId = sh("image", "inspect", "-f", "{{.Id}}", "oresi-test/web:1.1.0");

    // Someone moves :stable to 1.1.0 upstream; this machine does not have the new image under that tag.
    sh("tag", "oresi-test/web:1.1.0", ref);
    sh("push", ref);
    const d2 = digestOf("oresi-test/web:1.1.0", repository);
    sh("rmi", ref);

    const r1 = await startDeployment({ kind: "rollout", to: "v1.1.0" }, operator);
    const dep1 = await waitFinished(r1.id);
    expect(dep1.status, dep1.error ?? "").toBe("succeeded");
    expect(logsOf(r1.id).some((l) => l.line.includes(`Pulling ${ref}`))).toBe(true);
    const adopted = dep1.from;
    expect(adopted).toBe("v1.0.0");
    expect(dep1.services).toEqual([{ stack: repo.stack("reg"), service: "app", image: ref, imageId: newId, digest: d2 }]);

    const r2 = await startDeployment({ kind: "rollback" }, operator);
    const dep2 = await waitFinished(r2.id);
    expect(dep2.status, dep2.error ?? "").toBe("succeeded");
    expect(dep2.to).toBe("v1.0.0");
    const lines = logsOf(r2.id).map((l) => l.line);
    expect(lines.some((l) => l.includes(`pinned to ${d1}`))).toBe(true);
    invalidateContainers();
    const c = (await listContainers()).find((x) => x.project === repo.stack("reg") && x.state === "running")!;
    expect(c.imageId).toBe(oldId);
    expect(c.health).toBe("healthy");
    expect(dep2.services).toEqual([{ stack: repo.stack("reg"), service: "app", image: ref, imageId: oldId, digest: d1 }]);
    // The override lives under DATA_DIR, never in the stacks repository.
    const override = path.join(dataDir, "pins", r2.id, `${repo.stack("reg")}.override.yml`);
    expect(fs.readFileSync(override, "utf8")).toContain(`image: ${d1}`);
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});
