import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/kuma/auto-refresh";
import { MonitorBadge } from "@/components/kuma/monitor-badge";
import { Sparkline } from "@/components/kuma/sparkline";
import { Card, PageHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { pageCaller } from "@/lib/access/page";
import { kumaOverview } from "@/lib/stacks/monitors";
import { sortWorstFirst, type MonitorState } from "@/lib/kuma/types";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Monitors" };

const FILTERS: MonitorState[] = ["down", "pending", "maintenance", "unknown", "up"];

function pct(v: number | null): string {
  return v === null ? "—" : `${(Math.round(v * 1000) / 10).toString()} %`;
}

export default async function MonitorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await pageCaller("viewer");
  const sp = await searchParams;
  const raw = Array.isArray(sp.state) ? sp.state[0] : sp.state;
  const filter = FILTERS.includes(raw as MonitorState) ? (raw as MonitorState) : null;
  const o = await kumaOverview();

  const stacksOf = new Map<number, string[]>();
  for (const s of o.stacks) for (const m of s.monitors) if (m.monitorId !== null) stacksOf.set(m.monitorId, [...(stacksOf.get(m.monitorId) ?? []), s.stack]);
  const monitors = sortWorstFirst(o.monitors.filter((m) => !filter || m.state === filter));
  const missing = o.stacks.filter((s) => s.missing.length);
  const ways = [o.source.statusPage ? "the status page" : null, o.source.metrics ? "/metrics" : null].filter(Boolean).join(" and ");

  return (
    <>
      <AutoRefresh seconds={15} />
      <PageHeader title="Monitors">
        {o.state !== "unconfigured" ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Uptime Kuma, read from {ways} · updated <RelativeTime iso={o.fetchedAt} />
          </p>
        ) : null}
      </PageHeader>

      {o.state === "unconfigured" ? (
        <Card title="Connect Uptime Kuma" className="mb-4">
          <p className="text-sm">{o.reason}</p>
          <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">
            A status page needs no credentials; an API key (Kuma: Settings → API Keys) adds /metrics, which Kuma does not cache. See the README, section “Uptime
            Kuma”.
          </p>
        </Card>
      ) : null}
      {o.state === "degraded" ? (
        <div
          role="status"
          className="mb-4 rounded-xl border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <strong>
            <span aria-hidden="true">⚠ </span>Uptime Kuma degraded:
          </strong>{" "}
          {o.reason}
        </div>
      ) : null}
      {o.mapping.error ? <p className="mb-4 text-sm text-amber-900 dark:text-amber-200">{o.mapping.error}</p> : null}

      {o.incidents.length ? (
        <Card title="Incidents" className="mb-4">
          <ul className="space-y-2">
            {o.incidents.map((i, n) => (
              <li key={n} className="text-sm">
                <strong>{i.title}</strong>{" "}
                {i.createdAt ? (
                  <span className="text-slate-600 dark:text-slate-400">
                    (<RelativeTime iso={i.createdAt} />)
                  </span>
                ) : null}
                {i.content ? <p>{i.content}</p> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {o.state !== "unconfigured" ? (
        <nav aria-label="Filter monitors" className="mb-3">
          <ul className="flex flex-wrap gap-1 text-sm">
            <li>
              <Link
                href="/monitors"
                aria-current={!filter ? "page" : undefined}
                className={`inline-flex min-h-11 items-center rounded-lg px-3 ${!filter ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-200 dark:hover:bg-slate-800"}`}
              >
                All <span className="ml-1 tabular-nums">{o.counts.total}</span>
              </Link>
            </li>
            {FILTERS.map((s) => (
              <li key={s}>
                <Link
                  href={`/monitors?state=${s}`}
                  aria-current={filter === s ? "page" : undefined}
                  className={`inline-flex min-h-11 items-center rounded-lg px-3 ${filter === s ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-200 dark:hover:bg-slate-800"}`}
                >
                  {s} <span className="ml-1 tabular-nums">{o.counts[s]}</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      {o.state !== "unconfigured" ? (
        <Card>
          {monitors.length ? (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Monitors, worst first">
              {monitors.map((m) => (
                <li key={m.id} className="flex flex-col gap-1 py-3 sm:flex-row sm:items-center sm:gap-4" data-monitor={m.name}>
                  <div className="flex min-w-0 flex-1 flex-wrap items-center gap-x-2 gap-y-1">
                    <MonitorBadge state={m.state} paused={m.paused} />
                    <span className="font-medium break-words">{m.name}</span>
                    <span className="text-sm text-slate-600 dark:text-slate-400">
                      {stacksOf.has(m.id)
                        ? stacksOf.get(m.id)!.map((s) => (
                            <Link key={s} href={`/stacks/${encodeURIComponent(s)}`} className="mr-1 underline">
                              {s}
                            </Link>
                          ))
                        : "no stack"}
                    </span>
                  </div>
                  <dl className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700 dark:text-slate-300">
                    <div className="flex gap-1">
                      <dt className="sr-only">Last heartbeat</dt>
                      <dd>
                        {m.lastHeartbeat ? <RelativeTime iso={m.lastHeartbeat} /> : "no heartbeat"}
                        {m.message ? ` · ${m.message}` : ""}
                      </dd>
                    </div>
                    <div className="flex gap-1">
                      <dt>Response</dt>
                      <dd className="tabular-nums">{m.responseTimeMs !== null ? `${m.responseTimeMs} ms` : "—"}</dd>
                    </div>
                    <div className="flex gap-1">
                      <dt>24 h</dt>
                      <dd className="tabular-nums">{pct(m.uptime24h)}</dd>
                    </div>
                  </dl>
                  <Sparkline beats={m.beats} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm">{filter ? `No monitor is ${filter}.` : "Uptime Kuma reports no monitors."}</p>
          )}
        </Card>
      ) : null}

      {missing.length ? (
        <Card title="Named in x-oresi, unknown to Kuma" className="mt-4">
          <ul className="space-y-1 text-sm">
            {missing.map((s) => (
              <li key={s.stack}>
                <Link href={`/stacks/${encodeURIComponent(s.stack)}`} className="underline">
                  {s.stack}
                </Link>
                : {s.missing.join(", ")}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
