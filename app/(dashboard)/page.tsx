import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import { ReleaseCard } from "@/components/overview/release-card";
import { DeployProblems } from "@/components/overview/problems";
import { RecentDeployments } from "@/components/overview/recent-deployments";
import { status } from "@/lib/status";
import { config } from "@/lib/config";
import { KumaSummary } from "@/components/kuma/kuma-summary";
import { SyncCard } from "@/components/sync/sync-card";
import { ContainersSummary } from "@/components/stacks/containers-summary";
import { CloneRepo } from "@/components/releases/clone-repo";
import { overviewData } from "@/lib/deploy/overview";

export const dynamic = "force-dynamic";

const DEPENDENCY_TONE: Record<"ok" | "degraded" | "down" | "unconfigured", Tone> = { ok: "ok", degraded: "warn", down: "bad", unconfigured: "unknown" };

export default async function OverviewPage() {
  const report = await status();
  const stacks = report.dependencies.find((d) => d.name === "stacks");
  const repoOk = !!stacks && stacks.status === "ok";
  const deploy = repoOk ? await overviewData() : null;
  return (
    <>
      <PageHeader title="Overview" />
      {deploy ? <ReleaseCard data={deploy} /> : null}
      {deploy ? <DeployProblems data={deploy} /> : null}
      {/* Other parts' summaries (containers, Kuma, sync) go below, one line each. */}
      {repoOk ? <ContainersSummary /> : null}
      <KumaSummary />
      {repoOk ? <SyncCard /> : null}
      {stacks && stacks.status !== "ok" ? (
        <Card title="Set up your stacks repository" className="mb-4">
          <p className="mb-2">{stacks.reason}.</p>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Oresi reads the git work tree at <code className="font-mono">STACKS_DIR</code> (now <code className="font-mono">{config().stacksDir}</code>): one
            folder per stack with a compose file and <code className="font-mono">.env</code>. Set <code className="font-mono">STACKS_DIR</code> to your Dockge
            stacks folder and restart, or clone your repository there.
          </p>
          <CloneRepo />
        </Card>
      ) : null}
      {deploy ? <RecentDeployments deployments={deploy.recent} /> : null}
      <Card title="Dependencies">
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {report.dependencies.map((d) => (
            <li key={d.name} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="font-medium capitalize">{d.name}</span>
              <span className="flex items-center gap-2 text-sm">
                <span className="text-slate-600 dark:text-slate-400">{d.reason}</span>
                <StatusBadge tone={DEPENDENCY_TONE[d.status]} label={d.status} />
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
