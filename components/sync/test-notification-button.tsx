"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";
import { useTestNotification } from "@/lib/queries/sync";

/** Send a test message to every target, then refresh the page to show the results. */
export function TestNotificationButton({ disabled }: { disabled?: boolean }) {
  const allowed = useCan("operator");
  const router = useRouter();
  const sendTest = useTestNotification();
  const [waiting, setWaiting] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  if (!allowed) return null;
  const busy = sendTest.isPending || waiting;
  async function send() {
    setNote("Sending…");
    setWaiting(true);
    try {
      const json = await sendTest.mutateAsync();
      // Targets answer within their timeout (5 s, one retry); show the results after that.
      await new Promise((r) => setTimeout(r, 2_000));
      setNote(`Sent to ${json.targets?.length ?? 0} target(s); results below.`);
      router.refresh();
    } catch (e) {
      setNote((e as Error).message);
    } finally {
      setWaiting(false);
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
