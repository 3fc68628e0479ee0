import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/http/route";
import { CHAT_USER_RE, handleChat } from "@/lib/intents/chatops";

const chatBodySchema = z.object({
  text: z.string().max(2000, "text: at most 2000 characters"),
  user: z.string().regex(CHAT_USER_RE, "user: a chat user name (letters, digits, . _ @ + -, at most 64)").optional(),
});

// POST /api/chatops – {"text": "roll back to v2.3.0", "user": "alice"} → {"text": reply for the bot}
export const POST = route({ access: "viewer" }, async (ctx) => {
  const body = await ctx.body(chatBodySchema);
  const reply = await handleChat(body.text, body.user, ctx.caller);
  return NextResponse.json(reply.body, { status: reply.status });
});
