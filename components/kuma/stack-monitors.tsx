import Link from "next/link";
import { Suspense } from "react";
import { Card, Skeleton } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { kumaOverview } from "@/lib/stacks/monitors";
import { MonitorBadge } from "./monitor-badge";
import { Sparkline } from "./sparkline";

// A stack's Kuma monitors with sparklines, for /stacks/[name]: <StackMonitors stack={name} />.
// A server component that streams in (Suspense), so a slow Kuma never holds up the page.

async function Body({ stack }: { stack: string }) {
  const o = await kumaOverview();
  if (o.state === "unconfigured") return <p className="text-sm text-slate-700 dark:text-slate-300">Uptime Kuma is not configured.</p>;
  const entry = o.stacks.find((s) => s.stack === stack);
  const byId = new Map(o.monitors.map((m) => [m.id, m]));
  return (
    <>
      {o.state === "degraded" ? (
        <p role="status" className="mb-2 text-sm text-amber-900 dark:text-amber-200">
          <span aria-hidden="true">⚠ </span>
          {o.reason}
        </p>
      ) : null}
      {entry?.error ? <p className="mb-2 text-sm text-red-800 dark:text-red-300">{entry.error}</p> : null}
      {!entry || (!entry.monitors.length && !entry.missing.length) ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          No monitors. Name them in the compose file: <code className="font-mono">{'x-oresi: { kuma: ["Monitor name"] }'}</code>
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {entry.monitors.map((sm) => {
            const m = sm.monitorId !== null ? byId.get(sm.monitorId) : undefined;
            return (
              <li key={sm.name} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm" data-monitor={sm.name}>
                <MonitorBadge state={sm.state} paused={m?.paused} />
                <span className="font-medium">{sm.name}</span>
                {m ? <Sparkline beats={m.beats} /> : null}
                <span className="text-slate-600 dark:text-slate-400">
                  {m?.lastHeartbeat ? <RelativeTime iso={m.lastHeartbeat} /> : null}
                  {m?.responseTimeMs != null ? ` · ${m.responseTimeMs} ms` : ""}
                  {sm.via === "name" ? " · matched by name" : ""}
                </span>
              </li>
            );
          })}
          {entry.missing.map((name) => (
            <li key={`missing-${name}`} className="flex flex-wrap items-center gap-x-3 py-2 text-sm">
              <MonitorBadge state="unknown" />
              <span className="font-medium">{name}</span>
              <span className="text-slate-600 dark:text-slate-400">named in x-oresi.kuma, but Uptime Kuma has no such monitor</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function StackMonitors({ stack }: { stack: string }) {
  return (
    <Card
      title="Kuma monitors"
      actions={
        <Link href="/monitors" className="inline-flex min-h-11 items-center text-sm underline">
          All monitors
        </Link>
      }
    >
      <Suspense fallback={<Skeleton className="h-6 w-2/3" />}>
        <Body stack={stack} />
      </Suspense>
    </Card>
  );
}
