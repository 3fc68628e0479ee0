"use client";

// Small client helper for parts whose own dialog runs an intent (the Tag release form):
// the intent's confirm text rendered as you type. The run itself: useRunIntent() in lib/queries/intents.
import { useQuery } from "@tanstack/react-query";
import { renderTemplate } from "@/lib/intents/template";
import { intentsQuery } from "@/lib/queries/intents";

/** The intent's confirm text with these values, or null (not loaded, not allowed, or no confirm text). */
export function useIntentConfirm(name: string, vars: Record<string, string | boolean | null | undefined>): string | null {
  const { data } = useQuery(intentsQuery());
  const intent = data?.find((i) => i.name === name);
  return intent?.confirm ? renderTemplate(intent.confirm, { title: intent.title, ...vars }) : null;
}
