import { PageHeader, Card } from "@/components/ui/card";

export default function StacksPage() {
  return (
    <>
      <PageHeader title="Stacks" />
      <Card>Stacks and their containers.</Card>
    </>
  );
}
