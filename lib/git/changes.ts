import "server-only";
import { config } from "../config";
import { singleton } from "../singleton";
import { gitError, gitText } from "./client";
import { COMPOSE_FILES } from "./read";
import { isStackName, type Sha, type StackName } from "./refs";
import { resolveCommit } from "./state";

export interface FileStatus {
  status: "A" | "D" | "M" | "T";
  path: string;
}

export interface StackChanges {
  added: StackName[];
  removed: StackName[];
  changed: StackName[];
  /** Changed files per stack (paths relative to the repo). */
  files: Record<string, FileStatus[]>;
  /** Changed files outside any stack folder (README.md, CHANGELOG.md, …). */
  other: string[];
}

/** Group changed files into stacks (top-level folders). A stack is added when its compose file appears, removed when it goes. */
export function groupByStack(files: FileStatus[]): StackChanges {
  const byStack = new Map<string, FileStatus[]>();
  const other: string[] = [];
  for (const f of files) {
    const slash = f.path.indexOf("/");
    const dir = slash > 0 ? f.path.slice(0, slash) : "";
    if (!dir || !isStackName(dir)) {
      other.push(f.path);
      continue;
    }
    if (!byStack.has(dir)) byStack.set(dir, []);
    byStack.get(dir)!.push(f);
  }
  const out: StackChanges = { added: [], removed: [], changed: [], files: {}, other };
  for (const [dir, fs] of [...byStack].sort(([a], [b]) => a.localeCompare(b))) {
    const compose = fs.filter((f) => COMPOSE_FILES.some((c) => f.path === `${dir}/${c}`));
    const added = compose.some((f) => f.status === "A") && !compose.some((f) => f.status === "D" || f.status === "M");
    const removed = compose.length > 0 && compose.every((f) => f.status === "D");
    out.files[dir] = fs;
    if (added && fs.every((f) => f.status === "A")) out.added.push(dir as StackName);
    else if (removed && fs.every((f) => f.status === "D")) out.removed.push(dir as StackName);
    else out.changed.push(dir as StackName);
  }
  return out;
}

/** Parse `git diff-tree --stdin -r --name-status -z --always --format=@%H` output into one list per input line. */
export function parseDiffTreeBatch(out: string): FileStatus[][] {
  const tokens = out.split("\0");
  const result: FileStatus[][] = [];
  let cur: FileStatus[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].replace(/^\n/, "");
    if (!t) continue;
    if (/^@[0-9a-f]{40,64}$/.test(t)) {
      cur = [];
      result.push(cur);
      continue;
    }
    const path = tokens[++i];
    if (cur && path !== undefined) cur.push({ status: t[0] as FileStatus["status"], path });
  }
  return result;
}

const pairCache = singleton("git.changes.pairs", () => new Map<string, FileStatus[]>());

/**
 * Changed files for many (from, to) commit pairs in ONE `git diff-tree --stdin` process.
 * Commits are immutable, so results are cached for the life of the process. A null `from`
 * means "the empty repository" (the first release: everything was added).
 */
export async function changedFilesForPairs(pairs: { from: Sha | null; to: Sha }[]): Promise<FileStatus[][]> {
  const dir = config().stacksDir;
  const key = (p: { from: Sha | null; to: Sha }) => `${dir}\0${p.from ?? "-"}\0${p.to}`;
  const missing = pairs.filter((p) => !pairCache.has(key(p)));
  const uniq = [...new Map(missing.map((p) => [key(p), p])).values()];
  const withFrom = uniq.filter((p) => p.from);
  const roots = uniq.filter((p) => !p.from);
  try {
    if (withFrom.length) {
      // "<commit> <parent>" lines: diff-tree compares parent → commit, whatever their ancestry.
      const out = await gitText(["diff-tree", "--stdin", "-r", "--name-status", "--no-renames", "-z", "--always", "--format=@%H"], {
        input: withFrom.map((p) => `${p.to} ${p.from}\n`).join(""),
      });
      const lists = parseDiffTreeBatch(out);
      withFrom.forEach((p, i) => pairCache.set(key(p), lists[i] ?? []));
    }
    for (const p of roots) {
      const out = await gitText(["ls-tree", "-r", "-z", "--name-only", "--full-tree", p.to]);
      pairCache.set(
        key(p),
        out
          .split("\0")
          .filter(Boolean)
          .map((path) => ({ status: "A" as const, path })),
      );
    }
  } catch (e) {
    throw gitError(e, "Comparing releases");
  }
  return pairs.map((p) => pairCache.get(key(p)) ?? []);
}

/** Stacks added, removed and changed between two releases or commits (one cached git call per pair). */
export async function changedStacks(from: string | null, to: string): Promise<StackChanges> {
  const [f, t] = await Promise.all([from ? resolveCommit(from) : null, resolveCommit(to)]);
  const [files] = await changedFilesForPairs([{ from: f, to: t }]);
  return groupByStack(files);
}
