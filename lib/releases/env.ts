// .env parsing and Compose-style ${VAR} interpolation (pure; used on the server and in tests).

/** Parse a .env file the way Compose does for the common cases: KEY=VALUE, quotes, comments, `export`. */
export function parseEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.lastIndexOf('"') > 0) || (v.startsWith("'") && v.lastIndexOf("'") > 0)) {
      v = v.slice(1, v.lastIndexOf(v[0]));
    } else {
      v = v.replace(/\s+#.*$/, "").trim();
    }
    out.set(m[1], v);
  }
  return out;
}

/**
 * Interpolate $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR:+alt} and $$
 * as Compose does (nested defaults are resolved once). Unknown variables become "".
 */
export function interpolate(s: string, vars: Map<string, string>): string {
  return s.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, dollar, name, op, arg, bare) => {
    if (dollar === "$") return "$";
    if (bare) return vars.get(bare) ?? "";
    const v = vars.get(name);
    const set = v !== undefined;
    const nonEmpty = set && v !== "";
    switch (op) {
      case ":-":
        return nonEmpty ? v! : interpolate(arg ?? "", vars);
      case "-":
        return set ? v! : interpolate(arg ?? "", vars);
      case ":+":
        return nonEmpty ? interpolate(arg ?? "", vars) : "";
      case "+":
        return set ? interpolate(arg ?? "", vars) : "";
      case ":?":
      case "?":
        return v ?? "";
      default:
        return v ?? "";
    }
  });
}

/** Keys whose values must never be shown: *PASSWORD*, *SECRET*, *TOKEN*, *KEY* (and a few cousins). */
export const SECRET_KEY_RE = /(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE)/i;
export const MASK = "••••••••";

/**
 * Mask the values of secret-looking keys in a .env text. When `other` (the other side of a
 * diff) is given, a changed secret reads "•••••••• (changed)" so a diff still shows that it changed.
 */
export function maskEnv(text: string, other?: string | null): string {
  const otherVars = other != null ? parseEnv(other) : null;
  const mine = parseEnv(text);
  return text
    .split("\n")
    .map((line) => {
      const m = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/.exec(line);
      if (!m || !SECRET_KEY_RE.test(m[2]) || m[4].trim() === "") return line;
      const changed = otherVars && otherVars.has(m[2]) && otherVars.get(m[2]) !== mine.get(m[2]);
      return `${m[1]}${m[2]}${m[3]}${MASK}${changed ? " (changed)" : ""}`;
    })
    .join("\n");
}
