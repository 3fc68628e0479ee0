"use client";

// The one button that starts a deployment (rollout or rollback) after a confirmation that
// says exactly what will change. Small on purpose: the intents part may route its action
// through POST /api/intents/{name} instead (see `action`).
import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";
import { ConfirmDialog } from "./confirm-dialog";
import { IntentButton } from "@/components/intents/intent-button";
import { DeploymentPreviewPanel } from "./deployment-preview";

export type StartBody = { kind: "rollout"; to: string; force?: boolean } | { kind: "rollback"; force?: boolean };

/** POST the deployment; resolves with its page, or throws the server's message. */
export async function postDeployment(body: StartBody): Promise<{ id: string; url: string }> {
  const res = await fetch("/api/deployments", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { id?: string; url?: string; error?: { message: string; details?: { url?: string } } };
  if (res.status !== 202 || !json.id) throw new Error(json.error?.message ?? `The server answered ${res.status}.`);
  return { id: json.id, url: json.url ?? `/deployments/${json.id}` };
}

export function StartDeploymentButton({
  body,
  label,
  title,
  summary,
  variant = "primary",
  action = postDeployment,
}: {
  body: StartBody;
  label: ReactNode;
  title: string;
  /** Exactly what will change, e.g. "1 stack: web — oresi-test/web 1.1.0 → 1.0.0". */
  summary: ReactNode;
  variant?: "primary" | "secondary" | "danger";
  action?: (body: StartBody) => Promise<{ url: string }>;
}) {
  const allowed = useCan("operator");
  const router = useRouter();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button
        variant={variant}
        disabled={!allowed}
        title={allowed ? undefined : "Needs the operator role"}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <ConfirmDialog
        open={open}
        title={title}
        confirmLabel={typeof label === "string" ? label : "Confirm"}
        danger={body.kind === "rollback"}
        busy={busy}
        error={error}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          setError(null);
          try {
            const r = await action(body);
            setOpen(false);
            await qc.invalidateQueries();
            router.push(r.url);
          } catch (e) {
            setError((e as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        {summary}
        {open ? <DeploymentPreviewPanel target={body.kind === "rollout" ? { kind: "rollout", to: body.to } : { kind: "rollback" }} /> : null}
      </ConfirmDialog>
    </>
  );
}

/** "Roll back to vX" with the plan's summary; runs the `rollback` intent (its confirm text is the dialog's title). */
export function RollbackButton({ to, summary }: { to: string; summary: string }) {
  return (
    <IntentButton intent="rollback" variant="danger" summary={<p data-testid="rollback-summary">{summary}</p>} deployment={{ kind: "rollback" }}>
      {`Roll back to ${to}`}
    </IntentButton>
  );
}

/** "Roll out vY" with what the release changes; runs the `rollout` intent (its confirm text is the dialog's title). */
export function RolloutButton({ to, summary, label, variant = "primary" }: { to: string; summary: ReactNode; label?: ReactNode; variant?: "primary" | "secondary" }) {
  return (
    <IntentButton intent="rollout" params={{ to }} variant={variant} summary={summary} deployment={{ kind: "rollout", to }}>
      {label ?? `Roll out ${to}`}
    </IntentButton>
  );
}
