import Link from "next/link";
import { Card } from "@/components/ui/card";
import { RolloutButton } from "@/components/deployments/start-button";
import { LiftHoldButton } from "@/components/deployments/lift-hold-button";
import type { OverviewData } from "@/lib/deploy/overview";

/** Problems first, in plain sentences that say what to do: an interrupted deployment, a failed one, live edits, holds. */
export function DeployProblems({ data }: { data: OverviewData }) {
  const { interrupted, lastFailed, repo, holds, deployed } = data;
  const items: React.ReactNode[] = [];
  if (interrupted) {
    const step = interrupted.steps.find((s) => s.status === "failed" || s.status === "running")?.name ?? "start";
    const at = repo?.headRelease ?? (repo?.head ? repo.head.slice(0, 12) : "unknown");
    const touched = interrupted.steps.some((s) => (s.name === "switch" || s.name === "up") && s.status !== "pending" && s.status !== "skipped");
    items.push(
      <li key="int" data-testid="interrupted" className="space-y-2">
        <p>
          <strong>⚠ Interrupted:</strong>{" "}
          <Link className="underline" href={interrupted.url}>
            {interrupted.kind} {interrupted.from} → {interrupted.to}
          </Link>{" "}
          stopped during <em>{step}</em> when the server went down. The repository is checked out at <span className="font-mono">{at}</span>
          {repo?.branch ? ` (branch ${repo.branch})` : " (detached)"}; the last verified release is <span className="font-mono">{deployed?.tag ?? "none"}</span>
          . {touched ? `These stacks may run either release: ${interrupted.stacks.map((s) => s.stack).join(", ") || "none"}.` : "Nothing running was touched."}
        </p>
        <div className="flex flex-wrap gap-2">
          {interrupted.to ? (
            <RolloutButton
              to={interrupted.to}
              label={`Finish rollout to ${interrupted.to}`}
              summary={
                <p>
                  Runs the rollout to {interrupted.to} again from the start: {interrupted.stacks.map((s) => s.stack).join(", ") || "the stacks that differ"}.
                </p>
              }
            />
          ) : null}
          {deployed?.tag && deployed.tag !== interrupted.to ? (
            <RolloutButton
              to={deployed.tag}
              variant="secondary"
              label={`Go back to ${deployed.tag}`}
              summary={<p>Checks out {deployed.tag} again and brings up every stack that differs from what the work tree is at now.</p>}
            />
          ) : null}
        </div>
      </li>,
    );
  }
  if (lastFailed) {
    items.push(
      <li key="fail">
        <strong>✕ {lastFailed.status === "rolled_back" ? "Rolled back" : "Failed"}:</strong>{" "}
        <Link className="underline" href={lastFailed.url}>
          {lastFailed.kind} to {lastFailed.to}
        </Link>{" "}
        — {lastFailed.error ?? "see its log"}
        {lastFailed.status === "rolled_back" ? " The previous release runs again." : ""}
      </li>,
    );
  }
  if (repo?.dirtyFiles.length) {
    items.push(
      <li key="dirty">
        <strong>
          ⚠ {repo.dirtyFiles.length} file{repo.dirtyFiles.length === 1 ? "" : "s"} edited in place (live edits)
        </strong>{" "}
        — rollouts are refused until they are committed or discarded: <span className="font-mono">{repo.dirtyFiles.slice(0, 5).join(", ")}</span>
        {repo.dirtyFiles.length > 5 ? "…" : ""}
      </li>,
    );
  }
  for (const h of holds) {
    items.push(
      <li key={`hold-${h.release}`} className="space-y-2">
        <p>
          <strong>⏸ {h.release} is on hold</strong> — a scheduled sync will not roll it out again. {h.reason}
        </p>
        <LiftHoldButton release={h.release} reason={h.reason} />
      </li>,
    );
  }
  if (!items.length) return null;
  return (
    <Card className="mb-4 border-amber-400 dark:border-amber-700" title="Needs attention">
      <ul className="space-y-3 text-sm">{items}</ul>
    </Card>
  );
}
