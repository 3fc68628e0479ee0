import "server-only";
import fs from "node:fs";
import path from "node:path";
import { gitError, gitRaw } from "./client";
import { isStackName, repoPath, type Sha, type StackName } from "./refs";

/** The main compose file names (which one wins differs: v1.29 prefers docker-compose.yml, v2 compose.yaml; the full rules with override files and COMPOSE_FILE: lib/docker/compose-files.ts). */
export const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"] as const;

export interface TreeEntry {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  object: string;
}

/** Every file of a commit, in one `git ls-tree -r` call. */
export async function treeAt(commit: Sha): Promise<TreeEntry[]> {
  try {
    const out = (await gitRaw(["ls-tree", "-r", "-z", "--full-tree", commit])).toString("utf8");
    return out
      .split("\0")
      .filter(Boolean)
      .map((l) => {
        const tab = l.indexOf("\t");
        const [mode, type, object] = l.slice(0, tab).split(" ");
        return { path: l.slice(tab + 1), mode, type: type as TreeEntry["type"], object };
      });
  } catch (e) {
    throw gitError(e, `Listing files of ${commit.slice(0, 12)}`);
  }
}

export interface StackFiles {
  name: StackName;
  composeFile: string;
  envFile: string | null;
  files: string[];
}

/** Stacks at a commit: top-level folders holding a compose file (Dockge's layout). */
export function stacksInTree(tree: TreeEntry[]): StackFiles[] {
  const byDir = new Map<string, string[]>();
  for (const e of tree) {
    const slash = e.path.indexOf("/");
    if (slash < 0 || e.type !== "blob") continue;
    const dir = e.path.slice(0, slash);
    if (!byDir.has(dir)) byDir.set(dir, []);
    byDir.get(dir)!.push(e.path.slice(slash + 1));
  }
  const out: StackFiles[] = [];
  for (const [dir, files] of byDir) {
    if (!isStackName(dir)) continue;
    const compose = COMPOSE_FILES.find((f) => files.includes(f));
    if (!compose) continue;
    out.push({ name: dir, composeFile: `${dir}/${compose}`, envFile: files.includes(".env") ? `${dir}/.env` : null, files: files.map((f) => `${dir}/${f}`) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Read several files of one commit in a single `git cat-file --batch` process. Missing files map to null. */
export async function readFilesAt(commit: Sha, paths: string[]): Promise<Map<string, Buffer | null>> {
  const result = new Map<string, Buffer | null>();
  if (!paths.length) return result;
  for (const p of paths) repoPath(p);
  let out: Buffer;
  try {
    out = await gitRaw(["cat-file", "--batch"], { input: paths.map((p) => `${commit}:${p}\n`).join("") });
  } catch (e) {
    throw gitError(e, `Reading files of ${commit.slice(0, 12)}`);
  }
  let pos = 0;
  for (const p of paths) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
      result.set(p, null);
      continue;
    }
    const size = Number(header.split(" ")[2]);
    result.set(p, out.subarray(pos, pos + size));
    pos += size + 1; // content + trailing newline
  }
  return result;
}

export async function readFileAt(commit: Sha, file: string): Promise<string | null> {
  const b = (await readFilesAt(commit, [file])).get(file);
  return b ? b.toString("utf8") : null;
}

/** At most this many files outside any stack folder are exported beside a stack (shared `../` files). */
const SHARED_MAX_FILES = 200;

/**
 * Write one stack's files as they are at a commit into dest/<stack>/ (for `compose config`
 * on a release that is not checked out), and the repository's files outside any stack folder
 * into dest/ (so `extends:`, `env_file:` or COMPOSE_FILE entries like `../shared/x.yml` are
 * there too; skipped when there are more than SHARED_MAX_FILES). Returns the stack's folder.
 */
export async function exportStackAt(commit: Sha, stack: StackFiles, dest: string): Promise<string> {
  const tree = await treeAt(commit);
  const stacks = new Set(stacksInTree(tree).map((s) => s.name as string));
  const shared = tree
    .filter((e) => e.type === "blob" && e.mode !== "120000" && !stacks.has(e.path.split("/")[0]))
    .map((e) => e.path)
    .filter((p) => {
      try {
        repoPath(p);
        return true;
      } catch {
        return false;
      }
    });
  const files = await readFilesAt(commit, [...stack.files, ...(shared.length <= SHARED_MAX_FILES ? shared : [])]);
  const dir = path.join(dest, stack.name);
  const root = path.resolve(dest);
  for (const [p, content] of files) {
    if (!content) continue;
    const target = path.join(dest, p);
    if (!target.startsWith(dir + path.sep) && !path.resolve(target).startsWith(root + path.sep)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Read files of several commits in ONE `git cat-file --batch`; key "<sha>:<path>", missing files map to null. */
export async function readFilesMulti(specs: { commit: Sha; path: string }[]): Promise<Map<string, Buffer | null>> {
  const result = new Map<string, Buffer | null>();
  const keys = [...new Set(specs.map((s) => `${s.commit}:${repoPath(s.path)}`))];
  if (!keys.length) return result;
  let out: Buffer;
  try {
    out = await gitRaw(["cat-file", "--batch"], { input: keys.map((k) => `${k}\n`).join("") });
  } catch (e) {
    throw gitError(e, "Reading files");
  }
  let pos = 0;
  for (const k of keys) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
      result.set(k, null);
      continue;
    }
    const size = Number(header.split(" ")[2]);
    result.set(k, out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return result;
}
