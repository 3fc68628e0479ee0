import Link from "next/link";
import { Suspense } from "react";
import { Card, Skeleton } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { kumaOverview } from "@/lib/stacks/monitors";
import { sortWorstFirst, type MonitorState } from "@/lib/kuma/types";
import { MonitorBadge } from "./monitor-badge";

// The Kuma line of the Overview: counts (links to the filtered monitors page) and the
// monitors that are not up, red first, each with its stack. Streams in: a slow Kuma never
// holds up the rest of the page.

const COUNTED: MonitorState[] = ["up", "down", "pending", "maintenance"];

async function Body() {
  const o = await kumaOverview();
  if (o.state === "unconfigured")
    return (
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Not configured. Set <code className="font-mono">KUMA_URL</code> with <code className="font-mono">KUMA_STATUS_PAGE</code> or{" "}
        <code className="font-mono">KUMA_API_KEY</code> to see your monitors here.
      </p>
    );
  const stackOf = new Map<number, string[]>();
  for (const s of o.stacks) for (const m of s.monitors) if (m.monitorId !== null) stackOf.set(m.monitorId, [...(stackOf.get(m.monitorId) ?? []), s.stack]);
  const bad = sortWorstFirst(o.monitors.filter((m) => m.state !== "up"));
  return (
    <>
      {o.state === "degraded" ? (
        <p role="status" className="mb-2 text-sm text-amber-900 dark:text-amber-200">
          <span aria-hidden="true">⚠ </span>
          {o.reason}
        </p>
      ) : null}
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label="Monitor counts">
        {COUNTED.map((s) => (
          <li key={s}>
            <Link href={`/monitors?state=${s}`} className="inline-flex min-h-11 items-center gap-1 underline-offset-2 hover:underline">
              <strong className="tabular-nums">{o.counts[s]}</strong> {s}
            </Link>
          </li>
        ))}
      </ul>
      {bad.length ? (
        <ul className="mt-2 divide-y divide-slate-200 dark:divide-slate-800" aria-label="Monitors not up">
          {bad.slice(0, 8).map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm" data-monitor={m.name}>
              <MonitorBadge state={m.state} paused={m.paused} />
              <span className="font-medium">{m.name}</span>
              <span className="text-slate-600 dark:text-slate-400">
                {stackOf.has(m.id) ? (
                  stackOf.get(m.id)!.map((s) => (
                    <Link key={s} href={`/stacks/${encodeURIComponent(s)}`} className="mr-1 underline">
                      {s}
                    </Link>
                  ))
                ) : (
                  <>no stack</>
                )}
                {m.lastHeartbeat ? (
                  <>
                    {" · "}
                    <RelativeTime iso={m.lastHeartbeat} />
                  </>
                ) : null}
              </span>
            </li>
          ))}
          {bad.length > 8 ? (
            <li className="py-2 text-sm">
              <Link href="/monitors" className="underline">
                {bad.length - 8} more
              </Link>
            </li>
          ) : null}
        </ul>
      ) : o.monitors.length ? (
        <p className="mt-1 text-sm text-emerald-800 dark:text-emerald-300">All monitors are up.</p>
      ) : null}
    </>
  );
}

export function KumaSummary() {
  return (
    <Card
      title="Uptime Kuma"
      className="mb-4"
      actions={
        <Link href="/monitors" className="inline-flex min-h-11 items-center text-sm underline">
          All monitors
        </Link>
      }
    >
      <Suspense fallback={<Skeleton className="h-6 w-2/3" />}>
        <Body />
      </Suspense>
    </Card>
  );
}
