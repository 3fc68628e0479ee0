import "server-only";
import { logWithFiles } from "../git/commits";
import { isStackName, type Sha } from "../git/refs";

export interface NoteCommit {
  sha: string;
  short: string;
  subject: string;
  author: string;
}

export interface DraftNotes {
  /** Commits grouped by the stack folder they touch; "other" for files outside stacks. */
  groups: { stack: string; commits: NoteCommit[] }[];
  /** Markdown body: one "### stack" block per stack. */
  markdown: string;
}

/** Parse logWithFiles()'s records (lib/git/commits.ts) and group commits by stack. Exported for tests. */
export function groupLog(out: string): DraftNotes {
  const groups = new Map<string, NoteCommit[]>();
  for (const rec of out.split("\x1e")) {
    if (!rec.trim()) continue;
    const [head, ...rest] = rec.split("\n");
    const [sha, short, subject, author] = head.split("\x1f");
    const files = rest.map((l) => l.trim()).filter(Boolean);
    const stacks = new Set(files.map((f) => (f.includes("/") && isStackName(f.split("/")[0]) ? f.split("/")[0] : "other")));
    if (!stacks.size) stacks.add("other");
    for (const s of stacks) {
      if (!groups.has(s)) groups.set(s, []);
      groups.get(s)!.push({ sha, short, subject, author });
    }
  }
  const sorted = [...groups].sort(([a], [b]) => (a === "other" ? 1 : b === "other" ? -1 : a.localeCompare(b)));
  const markdown = sorted
    .map(([stack, commits]) => `### ${stack === "other" ? "Other" : stack}\n\n${commits.map((c) => `- ${c.subject} (${c.short})`).join("\n")}`)
    .join("\n\n");
  return { groups: sorted.map(([stack, commits]) => ({ stack, commits })), markdown };
}

/** Release notes from the commits since the previous release (`git log PREV..TO`), grouped by stack folder. One git call. */
export async function draftNotes(from: Sha | null, to: Sha): Promise<DraftNotes> {
  return groupLog(await logWithFiles(from, to, "Drafting release notes"));
}
