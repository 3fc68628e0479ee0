"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Can } from "@/components/access/role";
import { Button } from "@/components/ui/button";

/** Ask the registries now whether the stack's image tags point to new images (operator). */
export function CheckUpdatesButton({ stack }: { stack: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  async function check() {
    setBusy(true);
    setMsg(null);
    try {
      const r = await fetch(`/api/stacks/${encodeURIComponent(stack)}/check-updates`, { method: "POST" });
      const body = await r.json();
      if (!r.ok) setMsg(body?.error?.message ?? `Failed (${r.status}).`);
      else {
        const failed = (body.checks as { ref: string; error?: string }[]).filter((c) => c.error);
        setMsg(failed.length ? `Checked; ${failed.length} could not be checked: ${failed.map((f) => f.error).join("; ")}` : `Checked ${body.checks.length} image(s).`);
        router.refresh();
      }
    } catch {
      setMsg("The server did not answer.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Can role="operator" fallback={<Button variant="secondary" disabled title="Needs the operator role">Check for updates</Button>}>
      <span className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" onClick={check} disabled={busy}>
          {busy ? "Checking…" : "Check for updates"}
        </Button>
        {msg ? (
          <span role="status" className="text-sm">
            {msg}
          </span>
        ) : null}
      </span>
    </Can>
  );
}
