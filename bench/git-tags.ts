// Bench: listReleases on a repository with 2,000 annotated tags, cold and warm, and the
// summaries (changed stacks + image changes) for a 50-release page. Prints figures; asserts nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";

const TAGS = Number(process.env.BENCH_TAGS ?? 2000);

export async function run(): Promise<Record<string, string | number>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-bench-tags-"));
  const dir = path.join(root, "stacks");
  const env = { ...process.env, GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "b@x", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "b@x" };
  const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: dir, env, input, encoding: "utf8", maxBuffer: 1 << 28 });
  try {
    fs.mkdirSync(dir);
    git(["init", "-q", "-b", "main"]);
    // 200 commits, each changing one of 10 stacks; 2,000 annotated tags spread over them (fast-import: one process).
    let fi = "";
    for (let c = 1; c <= 200; c++) {
      const s = `stack${c % 10}`;
      const compose = `services:\n  app:\n    image: example/${s}:\${TAG}\n`;
      const envTxt = `TAG=1.${c}.0\nDB_PASSWORD=x\n`;
      fi += `commit refs/heads/main\nmark :${c}\ncommitter Bench <b@x> ${1_700_000_000 + c} +0000\ndata ${`c${c}`.length}\nc${c}\n`;
      if (c > 1) fi += `from :${c - 1}\n`;
      fi += `M 100644 inline ${s}/compose.yaml\ndata ${Buffer.byteLength(compose)}\n${compose}\n`;
      fi += `M 100644 inline ${s}/.env\ndata ${Buffer.byteLength(envTxt)}\n${envTxt}\n`;
    }
    for (let t = 0; t < TAGS; t++) {
      const name = `v${Math.floor(t / 100)}.${Math.floor(t / 10) % 10}.${t % 10}${t % 7 === 0 ? "-rc.1" : ""}`;
      const msg = `Release ${name}`;
      fi += `tag ${name}\nfrom :${1 + Math.floor((t * 200) / TAGS)}\ntagger Bench <b@x> ${1_700_000_000 + t} +0000\ndata ${msg.length}\n${msg}\n`;
    }
    git(["fast-import", "--quiet"], fi);
    git(["checkout", "-q", "main"]);
    git(["pack-refs", "--all"]);
    git(["tag", "-a", "loose-not-a-version", "-m", "x"]);

    process.env.STACKS_DIR = dir;
    process.env.DATA_DIR = path.join(root, "data");
    const { reloadConfig } = await import("../lib/config");
    reloadConfig();
    const { listReleases } = await import("../lib/git/tags");
    const { releasePage } = await import("../lib/releases/list");

    const t0 = performance.now();
    const list = await listReleases();
    const cold = performance.now() - t0;
    const N = 200;
    const t1 = performance.now();
    for (let i = 0; i < N; i++) await listReleases();
    const warm = (performance.now() - t1) / N;
    // Which Compose's file rules apply is asked once per process (`docker-compose version` is a
    // Python start, ~0.35 s with v1): timed on its own, so the page figure is the git work.
    const { detectCompose } = await import("../lib/docker/compose");
    const tc = performance.now();
    await detectCompose().catch(() => null);
    const composeOnce = performance.now() - tc;
    const t2 = performance.now();
    await releasePage({ limit: 50 });
    const pageCold = performance.now() - t2;
    const t3 = performance.now();
    for (let i = 0; i < 20; i++) await releasePage({ limit: 50 });
    const pageWarm = (performance.now() - t3) / 20;
    return {
      tags: list.releases.length + list.others.length,
      "listReleases cold (ms)": cold.toFixed(1),
      "listReleases warm (ms, mean of 200)": warm.toFixed(3),
      "Compose detection, once per process (ms)": composeOnce.toFixed(1),
      "release page of 50 with summaries, cold (ms)": pageCold.toFixed(1),
      "release page of 50 with summaries, warm (ms, mean of 20)": pageWarm.toFixed(2),
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
