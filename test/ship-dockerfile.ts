// A small Dockerfile reader for the ship checks: test/ship.test.ts lints the structure,
// e2e/standalone.spec.ts lays out the runtime files exactly as the runtime stage's COPY
// lines do, so the test and the image cannot drift apart.
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..");

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ENV… */
  cmd: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  /** The image or earlier stage it starts from, with ARG defaults substituted. */
  from: string;
  /** The FROM line as written (before substitution). */
  fromRaw: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
  stage(name: string): Stage;
}

export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split("\n");
  let buf = "";
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (!buf && (trimmed === "" || trimmed.startsWith("#"))) continue;
    if (buf && trimmed.startsWith("#")) continue; // comment inside a continued instruction
    if (!buf) start = i + 1;
    if (trimmed.endsWith("\\")) {
      buf += trimmed.slice(0, -1).trimEnd() + " ";
      continue;
    }
    buf += trimmed;
    const m = /^(\S+)\s*(.*)$/s.exec(buf.trim());
    if (m) out.push({ cmd: m[1].toUpperCase(), args: m[2].trim(), line: start });
    buf = "";
  }
  return out;
}

/** KEY=VALUE pairs of an ENV, ARG or LABEL instruction (quotes removed). */
export function keyValues(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (const m of args.matchAll(re)) {
    let v = m[2] ?? "";
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

export function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a, b) => vars[a ?? b] ?? all);
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.cmd === "FROM") {
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith("--platform"));
      const name = parts[1]?.toUpperCase() === "AS" ? parts[2] : undefined;
      stages.push({ from: substitute(parts[0], globalArgs), fromRaw: parts[0], name, instructions: [] });
    } else if (!stages.length) {
      if (ins.cmd === "ARG") Object.assign(globalArgs, keyValues(ins.args));
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return {
    globalArgs,
    stages,
    stage(name) {
      const s = stages.find((x) => x.name === name);
      if (!s) throw new Error(`Dockerfile has no stage named ${name}`);
      return s;
    },
  };
}

export function readDockerfile(): Dockerfile {
  return parseDockerfile(fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
}

/** The WORKDIR in effect at the end of a stage. */
export function workdir(stage: Stage): string {
  let wd = "/";
  for (const i of stage.instructions) if (i.cmd === "WORKDIR") wd = path.posix.resolve(wd, i.args);
  return wd;
}

/** ENV of a stage, in order, later values winning. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.instructions) if (i.cmd === "ENV") Object.assign(env, keyValues(i.args));
  return env;
}

export interface CopyStep {
  from?: string;
  /** Absolute source path in the source stage (or context-relative without --from). */
  src: string;
  /** Absolute destination path in the stage being built. */
  dest: string;
}

/** COPY steps of a stage, paths made absolute against the WORKDIR in effect at each step. */
export function copySteps(df: Dockerfile, stage: Stage): CopyStep[] {
  const out: CopyStep[] = [];
  let wd = "/";
  for (const i of stage.instructions) {
    if (i.cmd === "WORKDIR") wd = path.posix.resolve(wd, i.args);
    if (i.cmd !== "COPY") continue;
    const words = i.args.split(/\s+/);
    const flags = words.filter((w) => w.startsWith("--"));
    const paths = words.filter((w) => !w.startsWith("--"));
    const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
    const dest = path.posix.resolve(wd, paths[paths.length - 1]);
    for (const src of paths.slice(0, -1)) {
      const srcStage = from ? df.stages.find((s) => s.name === from) : undefined;
      const srcAbs = srcStage ? path.posix.resolve(workdir(srcStage), src) : src;
      out.push({ from, src: srcAbs, dest: paths[paths.length - 1].endsWith("/") && !dest.endsWith("/") ? dest + "/" : dest });
    }
  }
  return out;
}

export interface RuntimeFile {
  /** Source in the repository (the builder's WORKDIR maps to the repository root). */
  src: string;
  /** Destination relative to the runtime WORKDIR ("" for the WORKDIR itself). */
  dest: string;
}

/**
 * The files the runtime stage copies from the builder, mapped onto this checkout:
 * the builder's WORKDIR is the repository root after `next build`.
 */
export function runtimeFiles(df: Dockerfile = readDockerfile()): { workdir: string; files: RuntimeFile[] } {
  const runtime = df.stages[df.stages.length - 1];
  const builder = df.stage("builder");
  const bwd = workdir(builder);
  const rwd = workdir(runtime);
  const files = copySteps(df, runtime)
    .filter((c) => c.from === "builder")
    .map((c) => {
      const relSrc = path.posix.relative(bwd, c.src);
      if (relSrc.startsWith("..")) throw new Error(`COPY source ${c.src} is outside the builder's WORKDIR ${bwd}`);
      const relDest = path.posix.relative(rwd, c.dest.replace(/\/$/, "") || "/");
      if (relDest.startsWith("..")) throw new Error(`COPY destination ${c.dest} is outside the runtime WORKDIR ${rwd}`);
      return { src: path.join(ROOT, relSrc), dest: relDest };
    });
  return { workdir: rwd, files };
}

/** The exec-form JSON array of a CMD/ENTRYPOINT/HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const i = args.indexOf("[");
  if (i < 0) throw new Error(`not in exec form: ${args}`);
  return JSON.parse(args.slice(i)) as string[];
}
