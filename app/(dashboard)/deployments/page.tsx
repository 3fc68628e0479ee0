import { Card, PageHeader } from "@/components/ui/card";
import { HistoryTable } from "@/components/deployments/history-table";
import { RolloutPicker } from "@/components/deployments/rollout-picker";
import { pageCaller } from "@/lib/access/page";
import { deployedRelease, listDeployments, listHolds } from "@/lib/deploy";
import { listReleases } from "@/lib/git/tags";

export const dynamic = "force-dynamic";
export const metadata = { title: "Deployments" };

export default async function DeploymentsPage() {
  await pageCaller();
  const deployments = listDeployments({ limit: 200 });
  const releases = (await listReleases().catch(() => null))?.releases.map((r) => ({ tag: r.tag as string, subject: r.subject })) ?? [];
  return (
    <>
      <PageHeader title="Deployments" />
      {releases.length ? (
        <Card title="Roll out a release" className="mb-4">
          <RolloutPicker releases={releases} deployed={deployedRelease()?.tag ?? null} held={listHolds().map((h) => h.release)} />
        </Card>
      ) : null}
      <Card title="History">
        <HistoryTable deployments={deployments} />
      </Card>
    </>
  );
}
