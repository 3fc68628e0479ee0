// CHANGELOG.md sections (Keep a Changelog `## [1.2.3] - date` or `## v1.2.3` headings). Pure.

function headingVersion(line: string): string | null {
  const m = /^##\s+\[?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\]?(?:\s|$|\()/.exec(line);
  return m ? m[1] : null;
}

/** The body of the section for a release (without its heading), or null. */
export function changelogSection(text: string | null, tag: string): string | null {
  if (!text) return null;
  const want = tag.replace(/^v/, "");
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => headingVersion(l) === want);
  if (start < 0) return null;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^##\s/.test(lines[i]) || /^#\s/.test(lines[i])) {
      end = i;
      break;
    }
  }
  const body = lines
    .slice(start + 1, end)
    .join("\n")
    .replace(/\n\[[^\]]+\]:\s*\S+\s*$/gm, "")
    .trim();
  return body;
}

/**
 * Add a release section: below `## [Unreleased]` when present, else above the newest release,
 * else at the end. Creates the file's header when there is none.
 */
export function insertChangelogSection(text: string | null, tag: string, date: string, body: string): string {
  const section = `## [${tag.replace(/^v/, "")}] - ${date}\n\n${body.trim()}\n`;
  if (!text || !text.trim()) return `# Changelog\n\nAll notable changes to these stacks.\n\n${section}`;
  const lines = text.replace(/\s+$/, "").split("\n");
  let at = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!/^##\s/.test(lines[i])) continue;
    if (/^##\s+\[?unreleased\]?/i.test(lines[i])) continue;
    at = i;
    break;
  }
  if (at < 0) return `${lines.join("\n")}\n\n${section}`;
  return [...lines.slice(0, at), ...section.split("\n"), ...lines.slice(at)].join("\n").replace(/\n*$/, "\n");
}
