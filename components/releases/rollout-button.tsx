"use client";

// The "Roll out" entry point of a release page: E's deployment button (confirmation, 202, live page).
import type { ReactNode } from "react";
import { RolloutButton as StartRollout } from "@/components/deployments/start-button";
import { Button } from "@/components/ui/button";

export function RolloutButton({ tag, summary, deployed }: { tag: string; summary: ReactNode; deployed: boolean }) {
  if (deployed)
    return (
      <Button variant="secondary" disabled title={`${tag} is the deployed release`}>
        Deployed
      </Button>
    );
  return <StartRollout to={tag} summary={summary} variant="secondary" />;
}
