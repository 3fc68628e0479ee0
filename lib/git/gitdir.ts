import "server-only";
import fs from "node:fs";
import path from "node:path";

/** The repository's git folder (the common dir for worktrees), or null when dir is not a work tree. */
export function gitDirOf(dir: string): string | null {
  const dotGit = path.join(dir, ".git");
  let st: fs.Stats;
  try {
    st = fs.statSync(dotGit);
  } catch {
    return null;
  }
  let gitDir = dotGit;
  if (st.isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, "utf8"));
    if (!m) return null;
    gitDir = path.resolve(dir, m[1].trim());
  }
  try {
    const common = fs.readFileSync(path.join(gitDir, "commondir"), "utf8").trim();
    return path.resolve(gitDir, common);
  } catch {
    return gitDir;
  }
}

export function isGitRepo(dir: string): boolean {
  return gitDirOf(dir) !== null;
}

function statKey(p: string): string {
  try {
    const s = fs.statSync(p);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return "-";
  }
}

/**
 * A cheap key that changes whenever a tag is added, moved or removed: the stat of packed-refs
 * and of every folder under refs/tags (git writes refs by renaming a lock file, which touches
 * the folder). A few stat calls instead of a process.
 */
export function tagRefsKey(gitDir: string): string {
  const parts = [statKey(path.join(gitDir, "packed-refs"))];
  const walk = (d: string, depth: number) => {
    parts.push(statKey(d));
    if (depth > 4) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name), depth + 1);
  };
  walk(path.join(gitDir, "refs", "tags"), 0);
  return parts.join("|");
}
