// .env parsing and ${VAR} interpolation the way Compose does them (pure; the Compose adapter,
// the release views and tests use it).
import { envEntries } from "../secrets/mask";

/**
 * Parse a .env file the way Compose does for the common cases: KEY=VALUE, quotes (also over several
 * lines), comments, `export`, CRLF.
 */
export function parseEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of envEntries(text).entries) out.set(e.key, e.value);
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
