"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Can } from "@/components/access/role";
import { Button } from "@/components/ui/button";
import { isUnreachable } from "@/lib/queries/api";
import { useCheckUpdates } from "@/lib/queries/stacks";

/** Ask the registries now whether the stack's image tags point to new images (operator). */
export function CheckUpdatesButton({ stack }: { stack: string }) {
  const router = useRouter();
  const checkUpdates = useCheckUpdates();
  const busy = checkUpdates.isPending;
  const [msg, setMsg] = useState<string | null>(null);
  function check() {
    setMsg(null);
    checkUpdates.mutate(stack, {
      onSuccess: (body) => {
        const failed = body.checks.filter((c) => c.error);
        setMsg(
          failed.length
            ? `Checked; ${failed.length} could not be checked: ${failed.map((f) => f.error).join("; ")}`
            : `Checked ${body.checks.length} image(s).`,
        );
        router.refresh();
      },
      onError: (e) => setMsg(isUnreachable(e) ? "The server did not answer." : e.message),
    });
  }
  return (
    <Can
      role="operator"
      fallback={
        <Button variant="secondary" disabled title="Needs the operator role">
          Check for updates
        </Button>
      }
    >
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
