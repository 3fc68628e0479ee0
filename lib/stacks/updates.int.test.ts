// "Update available" against a real registry: Debian's docker-registry on 127.0.0.1 with a temp
// storage, images pushed by the real engine, and a token gateway in front of it that speaks
// the Bearer challenge flow (realm/service/scope) the way Docker Hub and GHCR do.
import http from "node:http";
import path from "node:path";
import { sh, startRegistry, type Registry } from "@/test/fixtures/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeFile, createStacksRepo, type StacksRepo } from "../../e2e/fixtures/stacks-repo";
import { makeTempDir } from "../../e2e/fixtures/sandbox";
import { freePort } from "../../e2e/fixtures/server";
import { reloadConfig } from "../config";
import { composeUp } from "../docker/compose";
import { invalidateContainers } from "../docker/containers";
import { parseImageRef, remoteDigest } from "../docker/registry";
import { checkStackUpdates } from "./check";
import { invalidateStacksReport, stacksReport } from "./report";

let repo: StacksRepo;
let registry: Registry;
let gateway: http.Server;
let port = 0;
let gwPort = 0;
let ref = "";
const tokenRequests: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  port = registry.port;

  // Token gateway: 401 + Bearer challenge without a token; with one, proxy to the registry.
  gwPort = await freePort();
  gateway = http.createServer((req, res) => {
    if (req.url?.startsWith("/token")) {
      tokenRequests.push(req.url);
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ token: "t0k3n-for-pull" }));
    }
    if (req.headers.authorization !== "Bearer t0k3n-for-pull") {
      res.statusCode = 401;
      res.setHeader("www-authenticate", `Bearer realm="http://127.0.0.1:${gwPort}/token",service="gw.test",scope="repository:oresitest/web:pull"`);
      return res.end();
    }
    const up = http.request({ host: "127.0.0.1", port, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${port}` } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => gateway.listen(gwPort, "127.0.0.1", r));

  ref = `127.0.0.1:${port}/oresitest/web:1`;
  sh("tag", "oresi-test/web:1.0.0", ref);
  sh("push", ref);

  repo = createStacksRepo({ tag: "upd", history: false });
  repo.commit({ [`${repo.stack("reg")}/docker-compose.yml`]: composeFile(ref) }, "a stack from the local registry");
  process.env.STACKS_DIR = repo.dir;
  process.env.DATA_DIR = makeTempDir("data");
  reloadConfig();
  await composeUp(path.join(repo.dir, repo.stack("reg")), repo.stack("reg"));
}, 120_000);

afterAll(async () => {
  repo?.cleanup();
  try {
    sh("rmi", "-f", ref);
  } catch {
    /* gone */
  }
  registry?.stop();
  await new Promise((r) => gateway?.close(r));
});

async function regService() {
  invalidateContainers();
  invalidateStacksReport();
  const r = await stacksReport(0);
  return r.stacks.find((s) => s.name === repo.stack("reg"))!.services[0];
}

describe("update available (real registry on loopback)", () => {
  it("parses references as Docker does", () => {
    expect(parseImageRef("nginx")).toMatchObject({ registry: "docker.io", repository: "library/nginx", tag: "latest" });
    expect(parseImageRef("ghcr.io/o/app:1.2")).toMatchObject({ registry: "ghcr.io", repository: "o/app", tag: "1.2" });
    expect(parseImageRef("localhost:5000/a/b")).toMatchObject({ registry: "localhost:5000", repository: "a/b", tag: "latest" });
    expect(() => parseImageRef("UPPER/Case")).toThrow(/not an image reference/);
  });

  it("reads the digest with a HEAD request, and follows the Bearer token flow", async () => {
    const local = sh("image", "inspect", "-f", "{{index .RepoDigests 0}}", ref).split("@")[1];
    expect((await remoteDigest(ref)).digest).toBe(local);
    const viaGateway = await remoteDigest(`127.0.0.1:${gwPort}/oresitest/web:1`);
    expect(viaGateway.digest).toBe(local);
    expect(tokenRequests[0]).toMatch(/service=gw\.test/);
    expect(tokenRequests[0]).toMatch(/scope=repository%3Aoresitest%2Fweb%3Apull/);
    await expect(remoteDigest(`127.0.0.1:${port}/oresitest/none:1`)).rejects.toMatchObject({ code: "not_found" });
  });

  it("is in sync after a check, and reports update available once another image is pushed to the tag", async () => {
    let s = await regService();
    expect(s.containers[0].digest).toMatch(/^sha256:/);
    expect(s.drift).toEqual([]);
    await checkStackUpdates(repo.stack("reg"));
    expect((await regService()).drift).toEqual([]);

    // Someone pushes a new image to the same tag; the local tag stays where it was.
    sh("tag", "oresi-test/web:1.1.0", ref);
    sh("push", ref);
    sh("tag", "oresi-test/web:1.0.0", ref);
    // Not on a page view:
    expect((await regService()).drift).toEqual([]);
    const r = await checkStackUpdates(repo.stack("reg"));
    expect(r.checks[0].remoteDigest).toMatch(/^sha256:/);
    s = await regService();
    expect(s.drift.map((d) => d.kind)).toEqual(["update_available"]);
    expect(s.drift[0].text).toMatch(/the registry serves a different image/);
  });
});
