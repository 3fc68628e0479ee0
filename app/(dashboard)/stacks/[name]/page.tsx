import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AutoRefresh } from "@/components/kuma/auto-refresh";
import { StackMonitors } from "@/components/kuma/stack-monitors";
import { HealthBadge, SyncBadge } from "@/components/stacks/badges";
import { CheckUpdatesButton } from "@/components/stacks/check-updates-button";
import { LogViewer } from "@/components/stacks/log-viewer";
import { StackTimeline } from "@/components/deployments/stack-timeline";
import { ServiceTable } from "@/components/stacks/service-table";
import { HostChip } from "@/components/stacks/host-chip";
import { multiHost } from "@/lib/docker/hosts";
import { Card, PageHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { pageCaller } from "@/lib/access/page";
import { isAppError } from "@/lib/errors";
import { isStackName } from "@/lib/git/refs";
import { stackDetail } from "@/lib/stacks/report";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Stack ${(await params).name}` };
}

export default async function StackPage({ params }: { params: Promise<{ name: string }> }) {
  await pageCaller("viewer");
  const { name } = await params;
  if (!isStackName(name)) notFound();
  let d;
  try {
    d = await stackDetail(name);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    const down = isAppError(e) ? /: (host \S+ (?:unreachable|not configured))/.exec(e.message)?.[1] : undefined;
    return (
      <>
        <AutoRefresh seconds={10} />
        <PageHeader title={`Stack ${name}`} />
        <Card title={down ? `${down[0].toUpperCase()}${down.slice(1)}` : "Containers are not available"}>
          <p role="alert" className="text-red-800 dark:text-red-300">
            {isAppError(e) ? e.message : "The stack could not be read; see the server log."}
          </p>
        </Card>
      </>
    );
  }
  const s = d.stack;
  const containers = s.services.flatMap((x) => x.containers.map((c) => ({ id: c.id, name: `${x.name} (${c.name})` })));
  return (
    <>
      <AutoRefresh seconds={15} />
      <p className="mb-1 text-sm">
        <Link href="/stacks" className="inline-flex min-h-11 items-center text-blue-800 underline dark:text-blue-300">
          ← Stacks
        </Link>
      </p>
      <PageHeader title={`Stack ${s.name}`}>
        <span className="flex flex-wrap items-center gap-2">
          <HostChip host={s.host} show={multiHost()} />
          <SyncBadge status={s.sync.status} reason={s.sync.reason} />
          <HealthBadge health={s.health} />
          <CheckUpdatesButton stack={s.name} />
        </span>
      </PageHeader>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Compared with <code className="font-mono">{d.target.ref}</code> ({d.target.commit.slice(0, 12)}) · registry checked{" "}
        {d.updatesCheckedAt ? <RelativeTime iso={d.updatesCheckedAt} /> : "never"}
      </p>
      {d.repoDrift.length ? (
        <Card className="mb-4" title="The stacks repository drifts">
          <ul className="list-disc pl-5 text-sm">
            {d.repoDrift.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </Card>
      ) : null}
      {s.desiredError ? (
        <Card className="mb-4" title="Compose refuses this stack at the release">
          <p className="text-sm text-red-800 dark:text-red-300">{s.desiredError}</p>
        </Card>
      ) : null}
      <Card title="Desired vs running" className="mb-4">
        <ServiceTable services={s.services} />
      </Card>
      <div className="mb-4">
        <StackMonitors stack={s.name} />
      </div>
      <StackTimeline stack={s.name} />
      <Card title="Logs" className="mb-4">
        <LogViewer containers={containers} />
      </Card>
      <Card title={`${d.composeFile} at ${d.target.ref}`}>
        <pre className="max-h-[32rem] overflow-auto rounded-lg bg-slate-100 p-3 font-mono text-xs dark:bg-slate-950" tabIndex={0} aria-label="Compose file">
          {d.composeText}
        </pre>
      </Card>
    </>
  );
}
