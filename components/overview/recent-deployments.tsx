import Link from "next/link";
import { Card } from "@/components/ui/card";
import { HistoryTable } from "@/components/deployments/history-table";
import type { Deployment } from "@/lib/deploy/types";

export function RecentDeployments({ deployments }: { deployments: Deployment[] }) {
  return (
    <Card
      className="mb-4"
      title="Recent deployments"
      actions={
        <Link href="/deployments" className="inline-flex min-h-11 items-center text-sm underline">
          All deployments
        </Link>
      }
    >
      <HistoryTable deployments={deployments.slice(0, 5)} compact />
    </Card>
  );
}
