import { PageHeader, Card } from "@/components/ui/card";

export default function DeploymentsPage() {
  return (
    <>
      <PageHeader title="Deployments" />
      <Card>Rollouts and rollbacks.</Card>
    </>
  );
}
