// The house's import rules, checked on the real source: walk lib/, app/ and components/,
// read every module's imports with the TypeScript compiler (static, dynamic and type-only
// imports alike), and fail on
// - an import cycle anywhere among them (a cycle makes the order of module evaluation, and so
//   which half-initialised value a module sees, an accident);
// - an adapter (lib/git, lib/docker, lib/kuma) importing anything above it: an adapter knows its
//   external system, its own folder and the shared leaves below, nothing of the engine, the
//   stacks model, status or HTTP (and not another adapter: the engine composes them);
// - git started anywhere but lib/git (its command lines live there only).
// Tests are left out (a test may import anything it checks). A module added later is covered
// by this walk without anyone editing this file.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./fixtures/source-files";

const root = path.resolve(__dirname, "..");
const DIRS = ["lib", "app", "components"];

/**
 * The shared leaves an adapter may import besides its own folder and packages: configuration
 * (with the pure parsers it validates with), errors, logging and redaction, process-wide state,
 * the shared cache and the domain vocabulary. They import only each other (tested below).
 */
const LEAVES = [
  "lib/config.ts",
  "lib/access/accounts.ts",
  "lib/access/ip.ts",
  "lib/access/passwords.ts",
  "lib/access/roles.ts",
  "lib/errors.ts",
  "lib/logger.ts",
  "lib/redact.ts",
  "lib/secrets/mask.ts",
  "lib/singleton.ts",
  "lib/cache.ts",
  "lib/domain.ts",
];
const ADAPTERS = ["lib/git/", "lib/docker/", "lib/kuma/"];

function isTest(file: string): boolean {
  return /\.(int\.)?test\.tsx?$/.test(file) || /(^|\/)testing\.tsx?$/.test(file);
}

const rel = (abs: string) => path.relative(root, abs).split(path.sep).join("/");

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null; // a package
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

/** Module (repo-relative path) → the project modules it imports. */
function importGraph(): Map<string, string[]> {
  const files = DIRS.flatMap((d) => sourceFiles(path.join(root, d))).filter((f) => !isTest(rel(f)));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const info = ts.preProcessFile(fs.readFileSync(f, "utf8"), true, true);
    const deps = new Set<string>();
    for (const imp of info.importedFiles) {
      const to = resolve(f, imp.fileName);
      if (to && !isTest(rel(to))) deps.add(rel(to));
    }
    graph.set(rel(f), [...deps].sort());
  }
  return graph;
}

/** Every cycle's members (Tarjan's strongly connected components of more than one module, or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** One concrete path a → … → a inside a cycle, for a readable failure. */
function onePath(graph: Map<string, string[]>, members: string[]): string {
  const inComp = new Set(members);
  const start = members[0];
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const p = [start];
        for (let u = v; u !== start; u = prev.get(u)!) p.splice(1, 0, u);
        return [...p, start].join(" → ");
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return members.join(", ");
}

describe("import structure", () => {
  const graph = importGraph();

  it("reads the real tree (the walk finds modules and their imports)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("lib/startup.ts")).toContain("lib/config.ts");
    expect(graph.get("app/api/status/route.ts")).toContain("lib/status.ts");
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const g = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(g)).toEqual([["a.ts", "b.ts", "c.ts"]]);
    expect(onePath(g, ["a.ts", "b.ts", "c.ts"])).toBe("a.ts → b.ts → c.ts → a.ts");
    expect(
      cycles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("has no import cycle among lib/, app/ and components/", () => {
    const found = cycles(graph).map((c) => onePath(graph, c));
    expect(found, `import cycles:\n${found.join("\n")}`).toEqual([]);
  });

  it("adapters (lib/git, lib/docker, lib/kuma) import only their own folder and the shared leaves", () => {
    const wrong: string[] = [];
    for (const [from, deps] of graph) {
      const own = ADAPTERS.find((a) => from.startsWith(a));
      if (!own) continue;
      for (const to of deps) if (!to.startsWith(own) && !LEAVES.includes(to)) wrong.push(`${from} → ${to}`);
    }
    expect(wrong, `adapters importing above themselves:\n${wrong.join("\n")}`).toEqual([]);
  });

  it("the shared leaves import no other project module (so adapters stay at the bottom)", () => {
    const wrong = LEAVES.flatMap((leaf) => (graph.get(leaf) ?? []).filter((to) => !LEAVES.includes(to)).map((to) => `${leaf} → ${to}`));
    expect(wrong, `shared leaves importing above themselves:\n${wrong.join("\n")}`).toEqual([]);
  });

  it("git runs only in lib/git: nothing else imports its runner or starts git", () => {
    const wrong: string[] = [];
    for (const [from, deps] of graph) {
      if (from.startsWith("lib/git/")) continue;
      if (deps.includes("lib/git/client.ts")) wrong.push(`${from} imports lib/git/client.ts`);
      if (/\b(spawn|spawnSync|execFile|execFileSync)\(\s*["'`]git["'`]/.test(fs.readFileSync(path.join(root, from), "utf8"))) wrong.push(`${from} starts git`);
    }
    expect(wrong, `git command lines outside lib/git:\n${wrong.join("\n")}`).toEqual([]);
  });
});
