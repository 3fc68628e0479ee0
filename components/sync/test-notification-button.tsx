"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";

/** Send a test message to every target, then refresh the page to show the results. */
export function TestNotificationButton({ disabled }: { disabled?: boolean }) {
  const allowed = useCan("operator");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  if (!allowed) return null;
  async function send() {
    setBusy(true);
    setNote("Sending…");
    try {
      const res = await fetch("/api/sync/test-notification", { method: "POST", headers: { accept: "application/json" } });
      const json = (await res.json().catch(() => ({}))) as { targets?: string[]; error?: { message: string } };
      if (res.status !== 202) throw new Error(json.error?.message ?? `The server answered ${res.status}.`);
      // Targets answer within their timeout (5 s, one retry); show the results after that.
      await new Promise((r) => setTimeout(r, 2_000));
      setNote(`Sent to ${json.targets?.length ?? 0} target(s); results below.`);
      router.refresh();
    } catch (e) {
      setNote((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" onClick={send} disabled={busy || disabled}>
        {busy ? "Sending…" : "Send test notification"}
      </Button>
      <span aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
        {note}
      </span>
    </div>
  );
}
