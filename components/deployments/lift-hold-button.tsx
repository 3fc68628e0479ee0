"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";
import { useLiftHold } from "@/lib/queries/deployments";
import { ConfirmDialog } from "./confirm-dialog";

/** Lift the hold on a release so that a scheduled sync may roll it out again. */
export function LiftHoldButton({ release, reason }: { release: string; reason: string }) {
  const allowed = useCan("operator");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const liftHold = useLiftHold();
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
        busy={liftHold.isPending}
        error={error}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          liftHold.mutate(release, {
            onSuccess: () => {
              setOpen(false);
              router.refresh();
            },
            onError: (e) => setError(e.message),
          })
        }
      >
        <p>
          A scheduled sync may then roll out {release} again. It was held because: {reason}
        </p>
      </ConfirmDialog>
    </>
  );
}
