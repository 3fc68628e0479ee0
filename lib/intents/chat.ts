import type { Intent } from "./schema";
import { checkFormat, type ParamValue } from "./values";

// Chat patterns: "roll back to {to}". Literal words match case-insensitively, a
// {param} captures one token (validated by the parameter's type), whitespace is
// flexible, and the pattern must match the whole text.

export const MAX_CHAT_TEXT = 200;

interface Compiled {
  intent: Intent;
  pattern: string;
  re: RegExp;
  names: string[];
}

const PLACEHOLDER = /^\{([A-Za-z][A-Za-z0-9_]*)\}$/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Placeholder names a pattern uses. */
export function patternNames(pattern: string): string[] {
  return [...pattern.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
}

export function compilePattern(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const parts = pattern
    .trim()
    .split(/\s+/)
    .map((tok) => {
      const m = PLACEHOLDER.exec(tok);
      if (m) {
        names.push(m[1]);
        return "(\\S{1,128})";
      }
      return escape(tok);
    });
  return { re: new RegExp(`^${parts.join("\\s+")}$`, "i"), names };
}

export type ChatMatch =
  { kind: "match"; intent: Intent; pattern: string; params: Record<string, ParamValue> } | { kind: "invalid"; intent: Intent; pattern: string; reason: string };

export type ChatResult =
  | { kind: "run"; match: Extract<ChatMatch, { kind: "match" }> }
  | { kind: "help" }
  | { kind: "ambiguous"; intents: string[] }
  | { kind: "unsafe"; reason: string }
  | { kind: "invalid"; intent: Intent; reason: string };

/** Strip a bot's command prefix and tidy whitespace; refuse text that is not plain, short, printable. */
export function cleanChatText(text: unknown): { ok: true; text: string } | { ok: false; reason: string } {
  if (typeof text !== "string") return { ok: false, reason: "text must be a string" };
  if (text.length > MAX_CHAT_TEXT) return { ok: false, reason: `the command is longer than ${MAX_CHAT_TEXT} characters` };
  if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text))
    return { ok: false, reason: "the command contains control characters" };
  const t = text
    .replace(/\t/g, " ")
    .trim()
    .replace(/^<@[A-Za-z0-9]+>\s*/, "") // a Slack mention of the bot
    .replace(/^[/!]\s*/, "")
    .replace(/^@?oresi[:,]?\s+/i, "")
    .replace(/[.!]$/, "")
    .trim();
  return { ok: true, text: t };
}

/** Match a (clean) chat text against every intent's patterns. */
export function matchChat(text: string, intents: Intent[]): ChatResult {
  if (text === "" || /^(help|\?|commands)$/i.test(text)) return { kind: "help" };
  const compiled: Compiled[] = intents.flatMap((intent) => intent.chat.map((pattern) => ({ intent, pattern, ...compilePattern(pattern) })));
  const byIntent = new Map<string, ChatMatch>();
  for (const c of compiled) {
    const m = c.re.exec(text);
    if (!m) continue;
    const prev = byIntent.get(c.intent.name);
    if (prev?.kind === "match") continue; // first valid pattern of an intent wins
    const params: Record<string, ParamValue> = {};
    let reason: string | null = null;
    c.names.forEach((name, i) => {
      if (reason) return;
      const p = c.intent.params[name];
      const r = checkFormat(name, p, m[i + 1]);
      if (r.ok) params[name] = r.value;
      else reason = r.reason;
    });
    byIntent.set(
      c.intent.name,
      reason ? { kind: "invalid", intent: c.intent, pattern: c.pattern, reason } : { kind: "match", intent: c.intent, pattern: c.pattern, params },
    );
  }
  const matches = [...byIntent.values()];
  // Two intents reading the same text is a fault in the intent files: run neither.
  if (matches.length > 1) return { kind: "ambiguous", intents: matches.map((m) => m.intent.name) };
  const m = matches[0];
  if (m?.kind === "match") return { kind: "run", match: m };
  if (m?.kind === "invalid") return { kind: "invalid", intent: m.intent, reason: m.reason };
  return { kind: "help" };
}

/** The command list a bot posts for "help". */
export function helpText(intents: Intent[]): string {
  const lines = intents.filter((i) => i.chat.length).map((i) => `• ${i.chat.map((c) => `\`${c}\``).join(" or ")}: ${i.title}`);
  return lines.length ? `Commands:\n${lines.join("\n")}` : "No chat commands are available to you.";
}
