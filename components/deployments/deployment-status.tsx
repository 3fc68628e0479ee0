import { StatusBadge } from "@/components/ui/status-badge";
import type { Deployment } from "@/lib/deploy/types";
import { statusWord } from "./format";

export function DeploymentStatus({ d }: { d: Pick<Deployment, "status"> }) {
  return <StatusBadge status={d.status} label={statusWord(d)} tone={d.status === "running" ? "info" : undefined} />;
}
