import "server-only";
import { stacksInTree, treeAt, type StackFiles, type TreeEntry } from "../git/read";
import type { Sha } from "../git/refs";
import type { StackChange } from "./types";

// Which stacks differ between commits, from two `git ls-tree` listings (blob ids per file
// of each stack folder): added, removed and changed stacks. No process per stack.

export interface Tree {
  sha: Sha;
  entries: TreeEntry[];
  stacks: StackFiles[];
}

export async function loadTree(sha: Sha): Promise<Tree> {
  const entries = await treeAt(sha);
  return { sha, entries, stacks: stacksInTree(entries) };
}

function fingerprint(tree: Tree, stack: StackFiles): string {
  const prefix = `${stack.name}/`;
  return tree.entries
    .filter((e) => e.path.startsWith(prefix))
    .map((e) => `${e.path}\t${e.object}\t${e.mode}`)
    .sort()
    .join("\n");
}

/** Stacks that differ from `from` to `to` (null `from`: every stack of `to` is added). */
export function diffTrees(from: Tree | null, to: Tree): StackChange[] {
  const out: StackChange[] = [];
  const before = new Map((from?.stacks ?? []).map((s) => [s.name as string, s]));
  const after = new Map(to.stacks.map((s) => [s.name as string, s]));
  for (const [name, s] of after) {
    const b = before.get(name);
    if (!b) out.push({ stack: name, change: "added" });
    else if (fingerprint(from!, b) !== fingerprint(to, s)) out.push({ stack: name, change: "changed" });
  }
  for (const name of before.keys()) if (!after.has(name)) out.push({ stack: name, change: "removed" });
  return out.sort((a, b) => a.stack.localeCompare(b.stack));
}

/** Union of changes from several bases (the deployed release and, after an interruption, HEAD). */
export function mergeChanges(lists: StackChange[][]): StackChange[] {
  const m = new Map<string, StackChange>();
  for (const list of lists)
    for (const c of list) {
      const prev = m.get(c.stack);
      if (!prev || (prev.change !== "changed" && prev.change !== c.change)) m.set(c.stack, prev ? { stack: c.stack, change: "changed" } : c);
    }
  return [...m.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}
