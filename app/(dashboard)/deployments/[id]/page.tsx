import { notFound } from "next/navigation";
import Link from "next/link";
import { PageHeader } from "@/components/ui/card";
import { DeploymentLive } from "@/components/deployments/deployment-live";
import { pageCaller } from "@/lib/access/page";
import { getDeploymentRow, logsOf } from "@/lib/deploy/store";
import { DEPLOYMENT_ID_RE } from "@/lib/deploy/ids";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Deployment ${(await params).id}` };
}

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  await pageCaller();
  const { id } = await params;
  if (!DEPLOYMENT_ID_RE.test(id)) notFound();
  const d = getDeploymentRow(id);
  if (!d) notFound();
  return (
    <>
      <PageHeader title={`Deployment ${d.id}`}>
        <Link href="/deployments" className="inline-flex min-h-11 items-center text-sm underline">
          All deployments
        </Link>
      </PageHeader>
      <DeploymentLive initial={d} initialLogs={logsOf(id)} />
    </>
  );
}
