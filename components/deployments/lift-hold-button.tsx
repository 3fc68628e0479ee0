"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";
import { ConfirmDialog } from "./confirm-dialog";

/** Lift the hold on a release so that a scheduled sync may roll it out again. */
export function LiftHoldButton({ release, reason }: { release: string; reason: string }) {
  const allowed = useCan("operator");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button variant="secondary" disabled={!allowed} title={allowed ? undefined : "Needs the operator role"} onClick={() => setOpen(true)}>
        Lift hold on {release}
      </Button>
      <ConfirmDialog
        open={open}
        title={`Lift the hold on ${release}?`}
        confirmLabel="Lift hold"
        busy={busy}
        error={error}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            const res = await fetch(`/api/deployments/holds/${encodeURIComponent(release)}`, { method: "DELETE" });
            if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: { message: string } }).error?.message ?? `HTTP ${res.status}`);
            setOpen(false);
            router.refresh();
          } catch (e) {
            setError((e as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>A scheduled sync may then roll out {release} again. It was held because: {reason}</p>
      </ConfirmDialog>
    </>
  );
}
