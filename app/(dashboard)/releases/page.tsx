import { PageHeader, Card } from "@/components/ui/card";

export default function ReleasesPage() {
  return (
    <>
      <PageHeader title="Releases" />
      <Card>Release history is read from the stacks repository.</Card>
    </>
  );
}
