// The client reads and writes the API only through lib/queries: api<T>() in lib/queries/api.ts
// is the one place that calls fetch (it sends JSON, keeps the same-origin credentials and
// turns the server's { error: { code, message } } into an ApiError). This walks the real
// source of components/, app/ (route handlers in app/api excepted) and lib/queries/ with the
// TypeScript compiler and fails on any other use of fetch or XMLHttpRequest, so comments,
// strings and option names such as prepareRelease({ fetch: false }) do not count.
// Server-only modules (`import "server-only"`) and tests are left out; a file added later is
// covered without anyone editing this one.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./fixtures/source-files";

const root = path.resolve(__dirname, "..");
const ALLOWED = "lib/queries/api.ts";
const BANNED = new Set(["fetch", "XMLHttpRequest"]);
const GLOBALS = new Set(["window", "globalThis", "self"]);

const isTest = (rel: string) => /\.(int\.)?test\.tsx?$/.test(rel);

/** Where `source` uses fetch or XMLHttpRequest as a value (a call, a reference, window.fetch), as "line:col name". */
function fetchUses(source: string, fileName = "x.tsx"): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && BANNED.has(node.text) && isValueUse(node)) {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      out.push(`${line + 1}:${character + 1} ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function isValueUse(id: ts.Identifier): boolean {
  const p = id.parent;
  // x.fetch: only the global one (window.fetch, globalThis.fetch) counts; opts.fetch is someone's option.
  if (ts.isPropertyAccessExpression(p) && p.name === id) return ts.isIdentifier(p.expression) && GLOBALS.has(p.expression.text);
  // Names of properties, members and parameters declared here, not the global.
  if (
    (ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p)) &&
    p.name === id
  )
    return false;
  if ((ts.isParameter(p) || ts.isVariableDeclaration(p) || ts.isBindingElement(p)) && p.name === id) return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isJsxAttribute(p)) return false;
  return true;
}

function clientFiles(): string[] {
  return ["components", "app", "lib/queries"]
    .flatMap((d) => sourceFiles(path.join(root, d)))
    .map((f) => path.relative(root, f).split(path.sep).join("/"))
    .filter((rel) => !rel.startsWith("app/api/") && !isTest(rel))
    .filter((rel) => !/^\s*import\s+["']server-only["']/m.test(fs.readFileSync(path.join(root, rel), "utf8")));
}

describe("client data goes through lib/queries/api.ts", () => {
  it("no client component, page or query calls fetch itself", () => {
    const files = clientFiles();
    expect(files.length).toBeGreaterThan(20);
    const offenders = files
      .filter((rel) => rel !== ALLOWED)
      .flatMap((rel) => fetchUses(fs.readFileSync(path.join(root, rel), "utf8"), rel).map((u) => `${rel}:${u}`));
    expect(offenders, `call api<T>() from lib/queries/api.ts (through a queryOptions factory or a useMutation hook) instead:\n${offenders.join("\n")}`).toEqual(
      [],
    );
  });

  it("finds the one allowed call, in api<T>()", () => {
    expect(clientFiles()).toContain(ALLOWED);
    expect(fetchUses(fs.readFileSync(path.join(root, ALLOWED), "utf8"), ALLOWED)).toHaveLength(1);
  });

  it("sees calls and references in every form, and nothing in comments, strings or option names", () => {
    expect(fetchUses(`fetch("/api/x").then(r => r.json());`)).toEqual(["1:1 fetch"]);
    expect(fetchUses(`const r = await window.fetch("/api/x");`)).toEqual(["1:24 fetch"]);
    expect(fetchUses(`const r = await globalThis.fetch("/api/x");`)).toHaveLength(1);
    expect(fetchUses(`const f = fetch; f("/api/x");`)).toHaveLength(1);
    expect(fetchUses(`const x = new XMLHttpRequest();`)).toHaveLength(1);
    expect(fetchUses(`const Btn = () => <button onClick={() => fetch("/api/x", { method: "POST" })}>go</button>;`)).toHaveLength(1);
    expect(
      fetchUses(
        [
          `// we fetch("/api/x") here`,
          `const s = "fetch(";`,
          `prepareRelease({ fetch: false });`,
          `if (opts.fetch !== false) run();`,
          `qc.fetchQuery(q);`,
          `function f({ fetch }: { fetch?: boolean }) { return 1; }`,
          `interface O { fetch?: boolean }`,
        ].join("\n"),
      ),
    ).toEqual([]);
  });
});
