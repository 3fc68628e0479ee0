import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { Deployment, DeploymentStatus as Status } from "@/lib/deploy/types";
import { statusWord } from "./format";

export const DEPLOYMENT_TONE: Record<Status, Tone> = {
  queued: "warn",
  running: "info",
  verifying: "warn",
  succeeded: "ok",
  failed: "bad",
  rolled_back: "bad",
  interrupted: "warn",
};

export function DeploymentStatus({ d }: { d: Pick<Deployment, "status"> }) {
  return <StatusBadge label={statusWord(d)} tone={DEPLOYMENT_TONE[d.status]} />;
}
