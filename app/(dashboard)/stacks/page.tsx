import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/kuma/auto-refresh";
import { OtherContainers } from "@/components/stacks/other-containers";
import { StacksList } from "@/components/stacks/stacks-list";
import { Card, PageHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { pageCaller } from "@/lib/access/page";
import { isAppError } from "@/lib/errors";
import { stacksReport } from "@/lib/stacks/report";
import type { StackView } from "@/lib/stacks/types";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Stacks" };

/** Filter → its link's word. The first four are what the Overview's counts link to; the last two are the axes. */
const FILTERS = {
  running: "running",
  healthy: "healthy",
  unhealthy: "unhealthy",
  drifted: "drifted",
  out_of_sync: "out of sync",
  degraded: "degraded",
} as const;
type Filter = keyof typeof FILTERS;

function matches(s: StackView, f: Filter | null): boolean {
  if (!f) return true;
  const cs = s.services.flatMap((x) => x.containers);
  if (f === "drifted") return s.drifted;
  if (f === "out_of_sync") return s.sync.status === "out_of_sync";
  if (f === "degraded") return s.health.status === "degraded";
  if (f === "running") return cs.some((c) => c.state === "running");
  return cs.some((c) => c.health === f);
}

export default async function StacksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await pageCaller("viewer");
  const sp = await searchParams;
  const raw = Array.isArray(sp.filter) ? sp.filter[0] : sp.filter;
  const filter = raw && raw in FILTERS ? (raw as Filter) : null;
  let report;
  try {
    report = await stacksReport();
  } catch (e) {
    return (
      <>
        <AutoRefresh seconds={10} />
        <PageHeader title="Stacks" />
        <Card title="Containers are not available">
          <p role="alert" className="text-red-800 dark:text-red-300">
            {isAppError(e) ? e.message : "The stacks could not be read; see the server log."}
          </p>
          <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">This page recovers by itself once Docker answers again.</p>
        </Card>
      </>
    );
  }
  const shown = report.stacks.filter((s) => matches(s, filter));
  return (
    <>
      <AutoRefresh seconds={10} />
      <PageHeader title="Stacks">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Desired state from <code className="font-mono">{report.target.ref}</code>
          {report.target.source === "head" ? " (nothing deployed yet: HEAD)" : " (deployed)"} · updated <RelativeTime iso={report.generatedAt} />
        </p>
      </PageHeader>
      {report.repoDrift.length ? (
        <Card className="mb-4" title="The stacks repository drifts">
          <ul className="list-disc pl-5 text-sm">
            {report.repoDrift.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </Card>
      ) : null}
      {report.hosts.some((h) => h.status === "down") ? (
        <Card className="mb-4" title="A Docker host does not answer">
          <ul className="space-y-1 text-sm" data-testid="hosts-down">
            {report.hosts
              .filter((h) => h.status === "down")
              .map((h) => (
                <li key={h.name} className="text-red-800 dark:text-red-300">
                  <span aria-hidden="true">✕ </span>
                  Host {h.name} unreachable ({h.stacks} stack{h.stacks === 1 ? "" : "s"}): {h.message}
                </li>
              ))}
          </ul>
          <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">Only its stacks are affected; the page recovers by itself once it answers.</p>
        </Card>
      ) : null}
      <nav aria-label="Filter stacks" className="mb-3 flex flex-wrap gap-2 text-sm">
        {[null, ...(Object.keys(FILTERS) as Filter[])].map((f) => (
          <Link
            key={f ?? "all"}
            href={f ? `/stacks?filter=${f}` : "/stacks"}
            aria-current={filter === f ? "page" : undefined}
            className={`inline-flex min-h-11 items-center rounded-lg border px-3 ${filter === f ? "border-slate-900 bg-slate-900 text-white dark:border-slate-100 dark:bg-slate-100 dark:text-slate-900" : "border-slate-300 dark:border-slate-700"}`}
          >
            {f ? FILTERS[f] : "all"}
          </Link>
        ))}
      </nav>
      <Card title={`${shown.length} of ${report.stacks.length} stacks`}>
        <StacksList stacks={shown} showHost={report.hosts.length > 1} />
      </Card>
      {!filter && report.others.length ? <OtherContainers groups={report.others} showHost={report.hosts.length > 1} /> : null}
    </>
  );
}
