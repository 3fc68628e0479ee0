import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { makeTempDir } from "@/e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { exportStackAt, readFilesAt, stacksInTree, treeAt } from "./read";
import { sha } from "./refs";

let repo: StacksRepo;
beforeAll(() => {
  repo = createStacksRepo({ tag: "read" });
  process.env.STACKS_DIR = repo.dir;
  reloadConfig();
});
afterAll(() => repo.cleanup());

describe("reading a commit", () => {
  it("lists stacks with their compose and env files in one tree call", async () => {
    const head = sha(repo.git("rev-parse", "v1.0.0^{commit}"));
    const stacks = stacksInTree(await treeAt(head));
    expect(stacks.map((s) => s.name)).toEqual([repo.stack("api"), repo.stack("cache"), repo.stack("web")].sort());
    const api = stacks.find((s) => s.name === repo.stack("api"))!;
    expect(api.composeFile).toBe(`${repo.stack("api")}/compose.yaml`);
    expect(api.envFile).toBe(`${repo.stack("api")}/.env`);
  });

  it("reads several files at once, missing ones as null", async () => {
    const c = sha(repo.git("rev-parse", "v1.0.0^{commit}"));
    const files = await readFilesAt(c, [`${repo.stack("web")}/.env`, "nope.txt", "CHANGELOG.md"]);
    expect(files.get(`${repo.stack("web")}/.env`)!.toString()).toContain("WEB_TAG=1.0.0");
    expect(files.get("nope.txt")).toBeNull();
    expect(files.get("CHANGELOG.md")!.toString()).toContain("## [1.0.0]");
  });

  it("exports a stack as it was at a release", async () => {
    const c = sha(repo.git("rev-parse", "v1.0.0^{commit}"));
    const stack = stacksInTree(await treeAt(c)).find((s) => s.name === repo.stack("web"))!;
    const dest = makeTempDir("export");
    const dir = await exportStackAt(c, stack, dest);
    expect(fs.readFileSync(path.join(dir, ".env"), "utf8")).toContain("WEB_TAG=1.0.0");
    fs.rmSync(dest, { recursive: true, force: true });
  });
});
