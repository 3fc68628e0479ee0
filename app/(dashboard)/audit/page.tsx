import { PageHeader, Card } from "@/components/ui/card";

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit" />
      <Card>The audit trail.</Card>
    </>
  );
}
