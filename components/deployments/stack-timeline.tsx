import Link from "next/link";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import { stackTimeline, type TimelineEvent } from "@/lib/deploy/timeline";
import { DEPLOYMENT_TONE } from "./deployment-status";

const EVENT_TONE: Record<NonNullable<TimelineEvent["status"]>, Tone> = { ...DEPLOYMENT_TONE, adopted: "unknown", healthy: "ok", unhealthy: "bad" };

const icon = { release: "🏷", deployment: "⇪", rollback: "↶", health: "♥" } as const;

/** Per-stack timeline: releases, deployments, health after deployments and rollbacks, with who and when. */
export async function StackTimeline({ stack }: { stack: string }) {
  const events = await stackTimeline(stack);
  return (
    <Card title="Timeline" className="mb-4">
      {events.length ? (
        <ol className="space-y-2 text-sm" data-testid="stack-timeline">
          {events.map((e, i) => (
            <li key={i} className="flex flex-wrap items-baseline gap-x-2">
              <span aria-hidden="true">{icon[e.kind]}</span>
              {e.href ? (
                <Link href={e.href} className="font-medium underline-offset-2 hover:underline">
                  {e.title}
                </Link>
              ) : (
                <span className="font-medium">{e.title}</span>
              )}
              {e.status ? <StatusBadge tone={EVENT_TONE[e.status]} label={e.status === "succeeded" ? "verified" : e.status.replace(/_/g, " ")} /> : null}
              <span className="text-slate-600 dark:text-slate-400">
                <RelativeTime iso={e.at} />
                {e.by ? ` · ${e.by}` : ""}
              </span>
              {e.detail ? <span className="basis-full pl-6 text-slate-700 dark:text-slate-300">{e.detail}</span> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-slate-700 dark:text-slate-300">No releases or deployments touched this stack yet.</p>
      )}
    </Card>
  );
}
