// Small display helpers shared by the deployment components (pure; client and server).
import type { Deployment } from "@/lib/deploy/types";

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function statusWord(d: Pick<Deployment, "status">): string {
  return d.status === "succeeded" ? "verified" : d.status.replace(/_/g, " ");
}

export function who(d: Pick<Deployment, "actor">): string {
  const via = d.actor.kind === "key" ? " (API key)" : d.actor.kind === "system" ? "" : d.actor.kind === "webhook" ? " (webhook)" : "";
  return `${d.actor.name}${via}`;
}

export function kindWord(d: Pick<Deployment, "kind" | "auto">): string {
  return d.kind === "rollback" && d.auto ? "automatic rollback" : d.kind === "adopt" ? "adopted" : d.kind;
}
