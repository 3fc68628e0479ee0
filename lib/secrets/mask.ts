// Pure: the one place that decides what a viewer may see of a secret. Used for .env and compose
// files (stack page, release diffs, /api/diff, /api/stacks/{name}), log lines, error messages and
// notifications. Masks by key name (*PASSWORD*, *_PASS, *TOKEN*, DSN, DATABASE_URL, …) and by value
// shape (URL userinfo, PEM private key blocks, long high-entropy tokens), line-break aware: \r\n,
// a lone \r and U+2028/2029 all end a line, so no line break can carry a value out of its mask.

export const MASK = "••••••••";
/** What replaces a URL's password: `postgres://app:••••@db/app`. */
export const URL_MASK = "••••";
export const CHANGED = " (changed)";

// ---- key names ---------------------------------------------------------------------------

const SECRET_KEY_PARTS: RegExp[] = [
  /PASSWORD/,
  /PASSWD/,
  /PASSPHRASE/,
  /(^|_)PASS($|_)/,
  /REQUIREPASS|MASTERAUTH/, // redis
  /(^|_)PWD?($|_)/,
  /SECRET/,
  /TOKEN/,
  /(^|_)KEYS?($|_)/,
  /KEY$/, // APIKEY, SSHKEY, LICENSEKEY
  /API_?KEY/,
  /ACCESS_?KEY/,
  /PRIVATE/,
  /CREDENTIAL/,
  /(^|_)CREDS?($|_)/,
  /(^|_)DSN($|_)/,
  /(^|_)(DATABASE|DB)_UR[IL]($|_)/,
  /CONN(ECTION)?_?STR(ING)?/,
  /(^|_)AUTH($|_)/,
  /AUTHORIZATION/,
  /BASICAUTH/,
  /(^|_)SALT($|_)/,
  /(^|_)COOKIE($|_)/,
  /SIGNING/,
  /WEBHOOK/,
];

/** Normalise a key: camelCase → CAMEL_CASE, `.`/`-`/space → `_`, upper case. */
function normKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[.\-\s]+/g, "_")
    .toUpperCase();
}

/** Whether a variable / field name says its value is a secret. */
export function isSecretKey(name: string): boolean {
  const k = normKey(name.trim().replace(/^["']|["']$/g, ""));
  return k !== "" && SECRET_KEY_PARTS.some((r) => r.test(k));
}

// ---- value shapes ------------------------------------------------------------------------

const PUBLIC_PEM = new Set([
  "CERTIFICATE",
  "TRUSTED CERTIFICATE",
  "PUBLIC KEY",
  "RSA PUBLIC KEY",
  "CERTIFICATE REQUEST",
  "NEW CERTIFICATE REQUEST",
  "X509 CRL",
  "PGP PUBLIC KEY BLOCK",
  "PGP SIGNATURE",
  "DH PARAMETERS",
  "EC PARAMETERS",
]);
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+?)-----/;
const isSecretPem = (label: string) => !PUBLIC_PEM.has(label.trim());

/** PEM blocks in one string (multi-line or with literal \n), whole block; unterminated: to the end. */
function maskPem(s: string): string {
  return s.replace(/-----BEGIN ([A-Z0-9 ]+?)-----[\s\S]*?(?:-----END [A-Z0-9 ]+?-----|$)/g, (all, label: string) => (isSecretPem(label) ? MASK : all));
}

/** Whether the text opens a secret PEM block that it does not close. */
function opensPem(s: string): boolean {
  let rest = s;
  for (;;) {
    const m = PEM_BEGIN.exec(rest);
    if (!m) return false;
    const after = rest.slice(m.index + m[0].length);
    const end = after.indexOf("-----END ");
    if (end < 0) return isSecretPem(m[1]);
    rest = after.slice(end + 9);
  }
}

/** URL userinfo: `scheme://user:pw@host` → `scheme://user:••••@host`; a token as user is masked whole. */
function maskUrlUserinfo(s: string, style: "keep-user" | "stars"): string {
  return s.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"`<>]*)@(?=[^\s/@'"`<>])/gi, (all, scheme: string, info: string) => {
    if (style === "stars") return `${scheme}***@`;
    const colon = info.indexOf(":");
    if (colon >= 0) return `${scheme}${info.slice(0, colon)}:${URL_MASK}@`;
    return info.length >= 16 || looksLikeToken(info) ? `${scheme}${URL_MASK}@` : all;
  });
}

const KNOWN_TOKENS = [
  /^gh[pousr]_[A-Za-z0-9]{30,}$/,
  /^github_pat_[A-Za-z0-9_]{30,}$/,
  /^glpat-[A-Za-z0-9_-]{20,}$/,
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/,
  /^[sr]k_(live|test)_[A-Za-z0-9]{16,}$/,
  /^sk-[A-Za-z0-9_-]{20,}$/,
  /^A[KS]IA[0-9A-Z]{16}$/,
  /^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}$/,
  /^npm_[A-Za-z0-9]{30,}$/,
];

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/**
 * A long random-looking value: a known token format, 32+ hex digits (not a digest), or 20+
 * characters mixing upper case, lower case and digits with high entropy.
 */
export function looksLikeToken(s: string, opts: { hex?: boolean } = {}): boolean {
  if (KNOWN_TOKENS.some((r) => r.test(s))) return true;
  if (s.startsWith("/") || s.startsWith("./")) return false;
  const body = s.replace(/[^A-Za-z0-9]/g, "");
  if (body.length < 20) return false;
  if (/^[0-9a-f]+$/i.test(body)) return opts.hex !== false && body.length >= 32 && /\d/.test(body) && /[a-f]/i.test(body);
  const digits = body.replace(/\D/g, "").length;
  if (!/[A-Z]/.test(body) || !/[a-z]/.test(body) || digits < 2) return false;
  let transitions = 0;
  const cls = (c: string) => (/\d/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : 2);
  for (let i = 1; i < body.length; i++) if (cls(body[i]) !== cls(body[i - 1])) transitions++;
  return entropy(body) >= 3.6 && transitions / (body.length - 1) >= 0.3;
}

const TOKEN_CANDIDATE = /(?<![\w+/=.-])[\w+/=-]{20,}(?:\.[\w+/=-]{8,}){0,2}(?![\w+/=.-])/g;

function maskTokens(s: string, hex: boolean): string {
  return s.replace(TOKEN_CANDIDATE, (m, offset: number, whole: string) => {
    if (/sha\d{0,3}[:-]$/i.test(whole.slice(Math.max(0, offset - 8), offset))) return m; // image digests
    return looksLikeToken(m, { hex }) ? MASK : m;
  });
}

const PLAIN_SEGMENTS = new Set(["api", "webhooks", "webhook", "hooks", "services", "notify", "v1", "v2"]);

/**
 * A notification target URL shown without its secrets: credentials, path segments (webhook tokens
 * live there, except well-known words) and query values: `https://••••@host/api/webhooks/••••?k=••••`.
 */
export function maskTargetUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return URL_MASK;
  }
  const auth = u.username || u.password ? `${URL_MASK}@` : "";
  const path = u.pathname
    .split("/")
    .map((s) => (s === "" || PLAIN_SEGMENTS.has(s.toLowerCase()) ? s : URL_MASK))
    .join("/");
  const query = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=${URL_MASK}`).join("&");
  return `${u.protocol}//${auth}${u.host}${path}${query ? `?${query}` : ""}`;
}

export interface TextMaskOptions {
  /** Also mask `key: value` pairs (YAML, prose), not only `key=value` and `"key":"value"`. Default true. */
  colonPairs?: boolean;
  /** Mask 32+ hex digit runs (false in logs, where they are container and image IDs). Default true. */
  hexTokens?: boolean;
  /** How URL credentials read: keep the user (default) or `***@` for the whole userinfo. */
  urlStyle?: "keep-user" | "stars";
}

const FLAG = /(^|\s)(--?[A-Za-z][\w-]*)(\s+)(?!-)([^\s"'`]+|"[^"]*"|'[^']*')/g;
const BEARER = /\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi;
const AUTH_HEADER = /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|digest)\s+)?[^\s"',;]+/gi;
const KEY_SEP = /(["']?)([A-Za-z_][\w.-]*)\1(\s*=\s*|\s*:\s*)/g;

/** A reference such as ${DB_PASSWORD} or $DB_PASSWORD: no value of its own. */
export const isReference = (v: string) => /^["']?\$\{?[A-Za-z_]\w*\}?["']?$/.test(v.trim());

/** Mask the values of secret-named `key=value` / `key: value` / `"key":"value"` pairs in a string. */
function maskPairs(s: string, colonPairs: boolean): string {
  let out = "";
  let last = 0;
  KEY_SEP.lastIndex = 0;
  for (let m = KEY_SEP.exec(s); m; m = KEY_SEP.exec(s)) {
    const [all, q, key, sep] = m;
    const at = m.index + all.length;
    if (!isSecretKey(key) || (sep.includes(":") && !colonPairs && !q) || (sep.includes(":") && s.startsWith("//", at))) continue;
    if (sep.includes(":") && /[/.]/.test(s[m.index - 1] ?? "")) continue; // a path: ./certs/api.key:/run/api.key
    let end: number;
    const c = s[at];
    if (c === '"' || c === "'") {
      const close = closingQuote(s, c, at + 1);
      end = close < 0 ? s.length : close + 1;
    } else {
      const r = /^(?:[^\s,;&}\]"'`]|[\u2028\u2029])*/.exec(s.slice(at))![0];
      end = at + r.length;
    }
    const value = s.slice(at, end);
    if (value === "" || value.startsWith("•") || isReference(value)) continue;
    const quote = c === '"' || c === "'" ? c : "";
    out += s.slice(last, at) + quote + MASK + (quote && end <= s.length && s[end - 1] === quote && end - at > 1 ? quote : "");
    last = end;
    KEY_SEP.lastIndex = end;
  }
  return out + s.slice(last);
}

/** Value-shape and key=value masking of one line (or any string without a PEM spanning lines). */
function maskLine(s: string, o: TextMaskOptions): string {
  let out = maskPem(s);
  out = maskUrlUserinfo(out, o.urlStyle ?? "keep-user");
  out = out.replace(AUTH_HEADER, (_, head: string) => `${head}${MASK}`);
  out = out.replace(BEARER, (_, w: string, sp: string) => `${w}${sp}${MASK}`);
  out = maskPairs(out, o.colonPairs !== false);
  out = out.replace(FLAG, (all, pre: string, flag: string, sp: string, value: string) =>
    isSecretKey(flag.replace(/^-+/, "")) && !value.startsWith("•") && !isReference(value) ? `${pre}${flag}${sp}${MASK}` : all,
  );
  return maskTokens(out, o.hexTokens !== false);
}

// ---- lines -------------------------------------------------------------------------------

interface Line {
  body: string;
  eol: string;
}

/**
 * Split into lines keeping each line's terminator: \r\n, \n and a lone \r (which some readers take
 * for a line break and others for content; masking handles both, see crRun). U+2028/2029 stay
 * content, so they are masked along with the value they sit in.
 */
export function splitLines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ body: text.slice(last, m.index), eol: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ body: text.slice(last), eol: "" });
  return out;
}

interface OutLine {
  text: string;
  eol: string;
  /** Set when the line was masked: what it stood for (a parsed value or the raw lines). */
  secret?: string;
  /** Identity of the masked thing across the two sides of a diff. */
  id?: string;
}

/** Append " (changed)" to masked lines whose secret differs from the same masked line in `other`. */
function finish(mine: OutLine[], other: OutLine[] | null): string {
  if (other) {
    const ids = (lines: OutLine[]) => {
      const seen = new Map<string, number>();
      return lines.map((l) => {
        if (l.secret === undefined) return null;
        const base = `${l.id ?? ""}\u0000${l.text}`;
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        return `${base}#${n}`;
      });
    };
    const theirs = new Map<string, string>();
    ids(other).forEach((id, i) => id && theirs.set(id, other[i].secret!));
    ids(mine).forEach((id, i) => {
      if (id && theirs.has(id) && theirs.get(id) !== mine[i].secret) mine[i] = { ...mine[i], text: mine[i].text + CHANGED };
    });
  }
  return mine.map((l) => l.text + l.eol).join("");
}

/** A value ending in a lone \r may go on after it (for a reader that takes \r for content): extend. */
function crRun(lines: Line[], end: number): number {
  while (end + 1 < lines.length && lines[end].eol === "\r") end++;
  return end;
}

/** Lines start..end (inclusive) as raw text. */
const rawOf = (lines: Line[], start: number, end: number) =>
  lines
    .slice(start, end + 1)
    .map((l) => l.body + l.eol)
    .join("");

/** Index of the line that closes a PEM block opened before line `from` (or the last line). */
function pemEnd(lines: Line[], from: number): number {
  for (let j = from; j < lines.length; j++) if (lines[j].body.includes("-----END ")) return j;
  return lines.length - 1;
}

function plainLines(lines: Line[], o: TextMaskOptions): OutLine[] {
  const out: OutLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const { body, eol } = lines[i];
    if (opensPem(body)) {
      const end = pemEnd(lines, i + 1);
      const begin = body.search(PEM_BEGIN);
      out.push({ text: maskLine(body.slice(0, begin), o) + MASK, eol: lines[end].eol, secret: rawOf(lines, i, end) });
      i = end;
      continue;
    }
    const text = maskLine(body, o);
    out.push(text === body ? { text, eol } : { text, eol, secret: body });
  }
  return out;
}

/** Free text (log lines, messages, unknown files): PEM blocks, credentials in URLs, key=value, tokens. */
export function maskText(text: string, opts: TextMaskOptions = {}): string {
  return finish(plainLines(splitLines(text), opts), null);
}

// ---- .env ----------------------------------------------------------------------------------

export interface EnvEntry {
  key: string;
  /** The parsed value (quotes removed; may span lines). */
  value: string;
  /** First and last line index of the entry. */
  start: number;
  end: number;
  prefix: string;
  sep: string;
  raw: string;
}

const ENV_LINE = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/s;

/** Index of the closing quote q in s from `from` on (double quotes honour backslash escapes). */
function closingQuote(s: string, q: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (q === '"' && s[i] === "\\") i++;
    else if (s[i] === q) return i;
  }
  return -1;
}

/** The entries of a .env text, with quoted values that span lines and unquoted PEM blocks. */
export function envEntries(text: string): { lines: Line[]; entries: EnvEntry[] } {
  const lines = splitLines(text);
  const entries: EnvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ENV_LINE.exec(lines[i].body);
    if (!m || m[1].trimStart().startsWith("#")) continue;
    const rawValue = m[4];
    let end = i;
    let value: string;
    const q = rawValue[0];
    if (q === '"' || q === "'") {
      let acc = rawValue;
      let close = closingQuote(acc, q, 1);
      while (close < 0 && end + 1 < lines.length) {
        end++;
        acc += lines[end - 1].eol + lines[end].body;
        close = closingQuote(acc, q, 1);
      }
      value = close < 0 ? acc.slice(1) : acc.slice(1, close);
    } else {
      value = rawValue.replace(/\s+#.*$/, "").trim();
      if (opensPem(value)) end = pemEnd(lines, i + 1);
      end = crRun(lines, end);
      for (let j = i + 1; j <= end; j++) value += lines[j - 1].eol + lines[j].body;
    }
    entries.push({ key: m[2], value, start: i, end, prefix: m[1], sep: m[3], raw: rawOf(lines, i, end) });
    i = end;
  }
  return { lines, entries };
}

function envLines(text: string): OutLine[] {
  const { lines, entries } = envEntries(text);
  const byStart = new Map(entries.map((e) => [e.start, e]));
  const out: OutLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const e = byStart.get(i);
    if (!e) {
      out.push(...plainLines([lines[i]], {}));
      continue;
    }
    const eol = lines[e.end].eol;
    i = e.end;
    const multi = e.end > e.start;
    if ((e.value === "" || isReference(e.value)) && !multi) out.push({ text: lines[e.start].body, eol });
    else if (isSecretKey(e.key) || opensPem(e.value) || maskPem(e.value) !== e.value)
      out.push({ text: `${e.prefix}${e.key}${e.sep}${MASK}`, eol, secret: e.value, id: e.key });
    else if (multi) {
      // A non-secret value over several lines: each line on its own, shapes masked.
      const part = plainLines(lines.slice(e.start, e.end + 1), {});
      out.push(...part.map((p) => (p.secret !== undefined ? { ...p, id: e.key } : p)));
    } else {
      const text = maskLine(lines[e.start].body, {});
      out.push(text === lines[e.start].body ? { text, eol } : { text, eol, secret: e.value, id: e.key });
    }
  }
  return out;
}

/**
 * A .env text with every secret value masked (secret key, or a value shaped like a secret; a quoted
 * value over several lines collapses to one masked line). Given `other` (the other side of a diff),
 * a masked value that differs there reads "•••••••• (changed)".
 */
export function maskEnv(text: string, other?: string | null): string {
  return finish(envLines(text), other != null ? envLines(other) : null);
}

// ---- YAML (compose files) --------------------------------------------------------------------

const indentOf = (s: string) => /^[ \t]*/.exec(s)![0].length;
const YAML_ENTRY = /^(\s*)((?:-\s+)*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'#:\-{}[\],&*!|>][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+|$)(.*)$/s;
const YAML_LIST_ENV = /^(\s*)(-\s+)(["']?)([A-Za-z_][\w.-]*)=(.*)$/s;
/** A node property alone (anchor, tag), i.e. no scalar value on this line. */
const NO_VALUE = /^(?:(?:[&!][^\s]*)\s*)*(?:#.*)?$/;

/** Line index after which a value starting at line i (quoted, block or plain) has ended. */
function yamlValueEnd(lines: Line[], i: number, keyIndent: number, rest: string): number {
  const v = rest.replace(/^(?:[&!][^\s]*\s+)*/, "");
  const q = v[0];
  if (q === '"' || q === "'") {
    let acc = v;
    let j = i;
    while (closingQuote(acc, q, 1) < 0 && j + 1 < lines.length) {
      j++;
      acc += "\n" + lines[j].body;
    }
    return crRun(lines, j);
  }
  // Block scalars (| >) and plain scalars continue on lines indented deeper than the key (or blank).
  let j = i;
  while (j + 1 < lines.length && (lines[j + 1].body.trim() === "" || indentOf(lines[j + 1].body) > keyIndent || lines[j].eol === "\r")) j++;
  while (j > i && lines[j].body.trim() === "") j--;
  return j;
}

function yamlLines(text: string): OutLine[] {
  const lines = splitLines(text);
  const out: OutLine[] = [];
  const stack: { indent: number; key: string }[] = [];
  const pathOf = () => stack.map((s) => s.key).join(".");
  for (let i = 0; i < lines.length; i++) {
    const { body, eol } = lines[i];
    if (/^\s*#/.test(body) || body.trim() === "") {
      out.push(...plainLines([lines[i]], {}));
      continue;
    }
    const entry = YAML_ENTRY.exec(body);
    const listEnv = entry ? null : YAML_LIST_ENV.exec(body);
    if (entry) {
      const [, ind, dashes, rawKey, rest] = entry;
      const keyIndent = ind.length + dashes.length;
      while (stack.length && stack[stack.length - 1].indent >= keyIndent) stack.pop();
      const key = rawKey.replace(/^["']|["']$/g, "");
      const id = `${pathOf()}.${key}`;
      stack.push({ indent: keyIndent, key });
      if (isSecretKey(key) && !NO_VALUE.test(rest.trim()) && !isReference(rest.replace(/\s+#.*$/, ""))) {
        const end = yamlValueEnd(lines, i, keyIndent, rest);
        const head = body.slice(0, body.length - rest.length);
        out.push({ text: `${head}${MASK}`, eol: lines[end].eol, secret: rawOf(lines, i, end), id });
        i = end;
        continue;
      }
      if (/^[|>]/.test(rest.replace(/^(?:[&!][^\s]*\s+)*/, "")) || opensPem(rest)) {
        // A block scalar under a key that is not secret: its lines may still hold secret shapes.
        const end = opensPem(rest) ? pemEnd(lines, i + 1) : yamlValueEnd(lines, i, keyIndent, rest);
        const block = plainLines(lines.slice(i, end + 1), {});
        out.push(...block.map((b) => (b.secret !== undefined ? { ...b, id } : b)));
        i = end;
        continue;
      }
      const v = rest.replace(/^(?:[&!][^\s]*\s+)*/, "");
      if ((v[0] === '"' || v[0] === "'") && closingQuote(v, v[0], 1) < 0) {
        const end = yamlValueEnd(lines, i, keyIndent, rest);
        const joined = lines
          .slice(i, end + 1)
          .map((l) => l.body)
          .join(" ");
        const masked = maskLine(joined, {});
        if (masked !== joined || opensPem(joined)) {
          out.push({ text: `${body.slice(0, body.length - rest.length)}${MASK}`, eol: lines[end].eol, secret: rawOf(lines, i, end), id });
          i = end;
          continue;
        }
      }
      const text = maskLine(body, {});
      out.push(text === body ? { text, eol } : { text, eol, secret: body, id });
      continue;
    }
    if (listEnv) {
      const [, ind, dash, q, key, rest] = listEnv;
      while (stack.length && stack[stack.length - 1].indent > ind.length) stack.pop();
      const id = `${pathOf()}[${key}]`;
      let end = i;
      if (q && closingQuote(rest, q, 0) < 0) {
        let acc = rest;
        while (closingQuote(acc, q, 0) < 0 && end + 1 < lines.length) acc += "\n" + lines[++end].body;
      }
      if (isSecretKey(key)) end = crRun(lines, end);
      const value = rawOf(lines, i, end);
      if (isSecretKey(key) && rest.replace(/["'\s]/g, "") !== "" && !isReference(rest.replace(/["']$/, ""))) {
        out.push({ text: `${ind}${dash}${q}${key}=${MASK}${q}`, eol: lines[end].eol, secret: value, id });
        i = end;
        continue;
      }
      if (end > i || opensPem(rest)) {
        const pe = opensPem(rest) ? Math.max(end, pemEnd(lines, i + 1)) : end;
        const joined = lines
          .slice(i, pe + 1)
          .map((l) => l.body)
          .join("\n");
        if (joined !== maskText(joined) || opensPem(rest)) {
          out.push({ text: `${ind}${dash}${q}${key}=${MASK}${q}`, eol: lines[pe].eol, secret: rawOf(lines, i, pe), id });
          i = pe;
          continue;
        }
      }
      const text = maskLine(body, {});
      out.push(text === body ? { text, eol } : { text, eol, secret: body, id });
      continue;
    }
    const part = plainLines(lines.slice(i, opensPem(body) ? pemEnd(lines, i + 1) + 1 : i + 1), {});
    out.push(...part.map((p) => (p.secret !== undefined ? { ...p, id: pathOf() } : p)));
    if (opensPem(body)) i = pemEnd(lines, i + 1);
  }
  return out;
}

/**
 * A compose (YAML) text with secrets masked: values of secret-named keys anywhere (environment
 * maps, build args, x- blocks; block scalars and multi-line quoted values whole), `- KEY=value`
 * list entries, and secret-shaped values (URL credentials, PEM blocks, tokens) in any line.
 * Layout and everything else stay as written. Given `other`, a changed masked value says so.
 */
export function maskYaml(text: string, other?: string | null): string {
  return finish(yamlLines(text), other != null ? yamlLines(other) : null);
}

const isEnvName = (name: string) => name === ".env" || name.endsWith(".env") || name.startsWith(".env.");
const isYamlName = (name: string) => /\.ya?ml$/i.test(name);

/** Mask a file by its name: .env files, YAML (compose) files, anything else as free text. */
export function maskFile(path: string, text: string, other?: string | null): string {
  const name = path.split("/").pop() ?? path;
  if (isEnvName(name)) return maskEnv(text, other);
  if (isYamlName(name)) return maskYaml(text, other);
  return finish(plainLines(splitLines(text), {}), other != null ? plainLines(splitLines(other), {}) : null);
}
