"use client";

// Small client helpers for parts whose own dialog runs an intent (the Tag release form):
// the intent's confirm text rendered as you type, and the POST itself.
import { useQuery } from "@tanstack/react-query";
import { renderTemplate } from "@/lib/intents/template";
import { intentsQuery } from "./intent-button";

/** The intent's confirm text with these values, or null (not loaded, not allowed, or no confirm text). */
export function useIntentConfirm(name: string, vars: Record<string, string | boolean | null | undefined>): string | null {
  const { data } = useQuery(intentsQuery());
  const intent = data?.find((i) => i.name === name);
  return intent?.confirm ? renderTemplate(intent.confirm, { title: intent.title, ...vars }) : null;
}

/** POST /api/intents/{name}; resolves with the status and the JSON body (never throws on a 4xx). */
export async function postIntent(name: string, params: Record<string, string | boolean>): Promise<{ status: number; body: Record<string, unknown> & { error?: { message: string } } }> {
  const res = await fetch(`/api/intents/${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message: string } } };
}
