import { Card, PageHeader } from "@/components/ui/card";
import { HistoryTable } from "@/components/deployments/history-table";
import { pageCaller } from "@/lib/access/page";
import { listDeployments } from "@/lib/deploy";

export const dynamic = "force-dynamic";
export const metadata = { title: "Deployments" };

export default async function DeploymentsPage() {
  await pageCaller();
  const deployments = listDeployments({ limit: 200 });
  return (
    <>
      <PageHeader title="Deployments" />
      <Card>
        <HistoryTable deployments={deployments} />
      </Card>
    </>
  );
}
