"use client";

// The buttons that start a deployment (rollout or rollback): each runs its intent through
// POST /api/intents/{name} after a confirmation that shows the rollout preview.
import type { ReactNode } from "react";
import { IntentButton } from "@/components/intents/intent-button";

/** "Roll back to vX" with the plan's summary; runs the `rollback` intent (its confirm text is the dialog's title). */
export function RollbackButton({ to, summary }: { to: string; summary: string }) {
  return (
    <IntentButton intent="rollback" variant="danger" summary={<p data-testid="rollback-summary">{summary}</p>} deployment={{ kind: "rollback" }}>
      {`Roll back to ${to}`}
    </IntentButton>
  );
}

/** "Roll out vY" with what the release changes; runs the `rollout` intent (its confirm text is the dialog's title). */
export function RolloutButton({
  to,
  summary,
  label,
  variant = "primary",
}: {
  to: string;
  summary: ReactNode;
  label?: ReactNode;
  variant?: "primary" | "secondary";
}) {
  return (
    <IntentButton intent="rollout" params={{ to }} variant={variant} summary={summary} deployment={{ kind: "rollout", to }}>
      {label ?? `Roll out ${to}`}
    </IntentButton>
  );
}
