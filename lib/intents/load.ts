import "server-only";
import fs from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import { config } from "../config";
import { logger } from "../logger";
import { singleton } from "../singleton";
import { checkIntent } from "./check";
import { intentSchema, type Intent } from "./schema";

// Intent files are read from INTENTS_DIR (read-only; never written). Instead of a
// file watcher (inotify does not fire on many bind mounts), each access compares a
// cheap signature (file names, sizes, mtimes) and re-reads only when it changed.

export interface IntentFileError {
  file: string;
  line: number;
  reason: string;
}

export interface IntentSet {
  dir: string;
  intents: Intent[];
  errors: IntentFileError[];
  loadedAt: string;
  signature: string;
}

const MAX_FILE_BYTES = 64 * 1024;
const MAX_FILES = 200;

function listFiles(dir: string): { files: { name: string; size: number; mtimeMs: number }[]; error?: string } {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    return {
      files: [],
      error: (e as NodeJS.ErrnoException).code === "ENOENT" ? `INTENTS_DIR ${dir} does not exist` : `cannot read INTENTS_DIR ${dir}: ${(e as Error).message}`,
    };
  }
  const files = names
    .filter((n) => /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/.test(n))
    .sort()
    .slice(0, MAX_FILES)
    .flatMap((name) => {
      try {
        const st = fs.statSync(path.join(dir, name));
        return st.isFile() ? [{ name, size: st.size, mtimeMs: st.mtimeMs }] : [];
      } catch {
        return [];
      }
    });
  return { files };
}

function lineOf(doc: Document, lc: LineCounter, p: (string | number)[]): number {
  for (let k = p.length; k >= 0; k--) {
    const node = doc.getIn(p.slice(0, k), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

/** Parse and check one file's text. Pure apart from logging; exported for tests. */
export function parseIntentFile(file: string, text: string): { intent?: Intent; errors: IntentFileError[]; nameLine: number } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    return {
      errors: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line,
        reason: `YAML error: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
      nameLine: 1,
    };
  }
  const raw = doc.toJS({ maxAliasCount: 10 });
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return { errors: [{ file, line: 1, reason: "the file must be a YAML mapping (name:, title:, action:, …)" }], nameLine: 1 };
  const res = intentSchema.safeParse(raw);
  const nameLine = lineOf(doc, lc, ["name"]);
  if (!res.success) {
    return {
      errors: res.error.issues.map((i) => {
        const p = i.path.filter((x): x is string | number => typeof x !== "symbol");
        // An unknown key (say, `command:`) points at that key's line.
        if (i.code === "unrecognized_keys" && i.keys.length) p.push(i.keys[0]);
        const where = p.length ? p.join(".") : "";
        return { file, line: lineOf(doc, lc, p), reason: `${where ? where + ": " : ""}${i.message}` };
      }),
      nameLine,
    };
  }
  const issues = checkIntent(res.data);
  if (issues.length) return { errors: issues.map((i) => ({ file, line: lineOf(doc, lc, i.path), reason: `${i.path.join(".")}: ${i.message}` })), nameLine };
  return { intent: { ...res.data, file }, errors: [], nameLine };
}

/** Read every intent file of a folder; bad ones are reported and left out. */
export function loadIntentsFrom(dir: string): IntentSet {
  const { files, error } = listFiles(dir);
  const signature = JSON.stringify(files);
  const errors: IntentFileError[] = [];
  if (error) errors.push({ file: dir, line: 0, reason: error });
  const intents: Intent[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    if (f.size > MAX_FILE_BYTES) {
      errors.push({ file: f.name, line: 1, reason: `the file is larger than ${MAX_FILE_BYTES / 1024} KiB` });
      continue;
    }
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, f.name), "utf8");
    } catch (e) {
      errors.push({ file: f.name, line: 1, reason: `cannot read: ${(e as Error).message}` });
      continue;
    }
    const r = parseIntentFile(f.name, text);
    errors.push(...r.errors);
    if (!r.intent) continue;
    const first = seen.get(r.intent.name);
    if (first) {
      errors.push({ file: f.name, line: r.nameLine, reason: `duplicate name "${r.intent.name}": ${first} already defines it; this file is left out` });
      continue;
    }
    seen.set(r.intent.name, f.name);
    intents.push(r.intent);
  }
  return { dir, intents, errors, loadedAt: new Date().toISOString(), signature };
}

const cache = singleton("intents.cache", () => ({ set: null as IntentSet | null, checkedAt: 0 }));

/** Re-stat at most this often (a burst of requests costs one readdir). */
const RECHECK_MS = 500;

/** The current intents, re-read when a file was added, removed or changed. */
export function intents(): IntentSet {
  const dir = config().intentsDir;
  const now = Date.now();
  const cur = cache.set;
  if (cur && cur.dir === dir && now - cache.checkedAt < RECHECK_MS) return cur;
  cache.checkedAt = now;
  if (cur && cur.dir === dir && JSON.stringify(listFiles(dir).files) === cur.signature) return cur;
  const next = loadIntentsFrom(dir);
  cache.set = next;
  for (const e of next.errors) logger.warn("intent file left out", { file: e.file, line: e.line, reason: e.reason });
  logger.info("intents loaded", { dir, count: next.intents.length, errors: next.errors.length });
  return next;
}

/** Forget the cache (tests that rewrite files within the re-check window). */
export function reloadIntents(): IntentSet {
  cache.set = null;
  cache.checkedAt = 0;
  return intents();
}

export function findIntent(name: string): Intent | undefined {
  return intents().intents.find((i) => i.name === name);
}
