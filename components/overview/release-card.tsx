import Link from "next/link";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { StatusBadge } from "@/components/ui/status-badge";
import { RollbackButton, RolloutButton } from "@/components/deployments/start-button";
import type { OverviewData } from "@/lib/deploy/overview";

function stacksSentence(stacks: { stack: string; change: string }[]): string {
  if (!stacks.length) return "No stack changes (other files only).";
  return `${stacks.length} stack${stacks.length === 1 ? "" : "s"}: ${stacks.map((s) => (s.change === "changed" ? s.stack : `${s.stack} (${s.change})`)).join(", ")}`;
}

/** Deployed release, when, by whom, verified, message; Roll back (always while possible) and Roll out (new). */
export function ReleaseCard({ data }: { data: OverviewData }) {
  const { deployed, rollback, newer, running } = data;
  const dep = deployed?.deployment;
  return (
    <Card className="mb-4" title={undefined}>
      <div data-testid="release-card" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className="text-sm text-slate-700 dark:text-slate-300">Deployed:</span>
          <span data-testid="deployed-release" className="font-mono text-xl font-bold">
            {deployed?.tag ?? data.checkedOut ?? "nothing yet"}
          </span>
          {deployed && dep ? (
            <span className="text-sm text-slate-700 dark:text-slate-300">
              · <RelativeTime iso={deployed.at} /> by {dep.actor.name} ·{" "}
              <StatusBadge tone={dep.kind === "adopt" ? "unknown" : "ok"} label={dep.kind === "adopt" ? "adopted (not verified)" : "verified"} />
            </span>
          ) : data.checkedOut ? (
            <span className="text-sm text-slate-700 dark:text-slate-300">· checked out in the work tree; recorded as deployed at the first rollout</span>
          ) : null}
        </div>
        {deployed?.release?.subject ? <p className="text-sm">&ldquo;{deployed.release.subject}&rdquo;</p> : null}
        {running ? (
          <p className="text-sm">
            <StatusBadge tone="info" label={running.status.replace(/_/g, " ")} /> {running.kind === "rollback" ? "Rolling back" : "Rolling out"}{" "}
            <span className="font-mono">{running.to}</span> —{" "}
            <Link className="underline" href={running.url}>
              watch it
            </Link>
          </p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {rollback.available && rollback.target ? <RollbackButton to={rollback.target.release} summary={rollback.summary} /> : null}
          {newer && !newer.hold ? (
            <RolloutButton
              to={newer.release.tag}
              label={`Roll out ${newer.release.tag} (new)`}
              variant={rollback.available ? "secondary" : "primary"}
              summary={
                <>
                  <p>
                    {deployed?.tag ?? data.checkedOut ?? "nothing"} → {newer.release.tag}: {stacksSentence(newer.stacks)}
                  </p>
                  {newer.release.subject ? <p className="mt-1 text-slate-700 dark:text-slate-300">&ldquo;{newer.release.subject}&rdquo;</p> : null}
                </>
              }
            />
          ) : null}
        </div>
        {!rollback.available && rollback.reason && deployed ? <p className="text-xs text-slate-600 dark:text-slate-400">{rollback.reason}</p> : null}
      </div>
    </Card>
  );
}
