import "server-only";
import { audit } from "../audit/record";
import { config } from "../config";
import { isAppError, type ErrorCode } from "../errors";
import type { Caller } from "../access/caller";
import { cleanChatText, helpText, matchChat } from "./chat";
import { intents } from "./load";
import { mayRun, runIntent } from "./run";

// POST /api/chatops: a chat text in, a reply a bot can post as it is out. Nothing runs
// unless exactly one intent's pattern reads the whole text and every value is valid.

export const CHAT_USER_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

export interface ChatReply {
  status: number;
  body: {
    text: string;
    intent?: string;
    params?: Record<string, unknown>;
    result?: Record<string, unknown>;
    error?: { code: ErrorCode; message: string };
  };
}

function publicBase(): string {
  const c = config();
  return (c.PUBLIC_URL ?? c.NEXTAUTH_URL ?? "").replace(/\/+$/, "");
}

function refuse(caller: Caller, text: string, code: ErrorCode, status: number, message: string): ChatReply {
  audit({ caller, action: "chatops.refused", target: null, params: { text: text.slice(0, 200) }, result: message, status });
  return { status, body: { text: `Not run: ${message}`, error: { code, message } } };
}

export async function handleChat(rawText: string, user: string | undefined, key: Caller): Promise<ChatReply> {
  // Only a bot's key acts for a chat user; a signed-in person acts as themselves.
  const caller: Caller = user && key.kind === "key" ? { ...key, onBehalfOf: user } : key;
  const clean = cleanChatText(rawText);
  if (!clean.ok) return refuse(caller, rawText.replace(/[^\x20-\x7e]/g, "?"), "bad_request", 400, `${clean.reason}.`);
  const set = intents().intents;
  const m = matchChat(clean.text, set);
  const mine = set.filter((i) => mayRun(i, caller.role));
  switch (m.kind) {
    case "help":
      return {
        status: 200,
        body: { text: (clean.text && !/^(help|\?|commands)$/i.test(clean.text) ? `I don't know "${clean.text.slice(0, 60)}". ` : "") + helpText(mine) },
      };
    case "unsafe":
      return refuse(caller, clean.text, "bad_request", 400, `${m.reason}.`);
    case "ambiguous":
      return refuse(
        caller,
        clean.text,
        "bad_request",
        400,
        `"${clean.text.slice(0, 60)}" matches several commands (${m.intents.join(", ")}); nothing was run. Fix the intents' chat patterns.`,
      );
    case "invalid":
      return refuse(caller, clean.text, "bad_request", 400, `${m.reason}. Usage: ${m.intent.chat.map((c) => `\`${c}\``).join(" or ")}`);
    case "run": {
      const { intent, params } = m.match;
      try {
        const out = await runIntent(intent.name, params, caller, "chat");
        let text = out.summary;
        if (out.deploymentId && typeof out.body.url === "string") {
          const base = publicBase();
          text += ` Watch it: ${base}${out.body.url}`;
        }
        return { status: out.status, body: { text, intent: intent.name, params: out.params, result: out.body } };
      } catch (e) {
        if (!isAppError(e)) throw e;
        const details = e.details as { url?: unknown } | undefined;
        const watch = e.code === "conflict" && typeof details?.url === "string" ? ` Watch it: ${publicBase()}${details.url}` : "";
        return { status: e.status, body: { text: `Not run: ${e.message}${watch}`, intent: intent.name, error: { code: e.code, message: e.message } } };
      }
    }
  }
}
