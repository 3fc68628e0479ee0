import Link from "next/link";
import { RelativeTime } from "@/components/ui/time";
import type { StackView } from "@/lib/stacks/types";
import { DriftBadges, HealthBadge, SyncBadge } from "./badges";
import { HostChip } from "./host-chip";

/** One row per stack: sync and health, services with image:tag and version, health, uptime, drift. */
export function StacksList({ stacks, showHost = false }: { stacks: StackView[]; showHost?: boolean }) {
  if (!stacks.length) return <p className="text-sm text-slate-700 dark:text-slate-300">No stack matches.</p>;
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800">
      {stacks.map((s) => (
        <li key={s.name} className="py-3" data-testid={`stack-${s.name}`}>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Link
              href={`/stacks/${s.name}`}
              className="inline-flex min-h-11 items-center font-semibold text-blue-800 underline-offset-2 hover:underline dark:text-blue-300"
            >
              {s.name}
            </Link>
            <HostChip host={s.host} show={showHost} />
            <span className="flex flex-wrap items-center gap-2">
              <DriftBadges drift={[...new Map(s.services.flatMap((x) => x.drift).map((d) => [d.kind, d])).values()]} />
              <SyncBadge status={s.sync.status} />
              <HealthBadge health={s.health} />
            </span>
          </div>
          {s.desiredError ? <p className="text-sm text-red-800 dark:text-red-300">{s.desiredError}</p> : null}
          {s.hostDown ? (
            <p className="text-sm text-red-800 dark:text-red-300" data-testid="host-down">
              <span aria-hidden="true">✕ </span>
              {s.hostDown}: what runs there is not known until it answers.
            </p>
          ) : null}
          <ul className="mt-1 space-y-1 text-sm">
            {s.services.map((svc) => {
              const c = svc.containers[0];
              return (
                <li key={svc.name} className="flex flex-wrap items-center gap-x-3 gap-y-1">
                  <span className="min-w-24 font-medium">{svc.name}</span>
                  <code className="font-mono text-xs">{c?.configuredImage ?? svc.desired?.image ?? "—"}</code>
                  {c?.version ? <span className="font-mono text-xs text-slate-600 dark:text-slate-400">v {c.version}</span> : null}
                  <HealthBadge health={svc.health} />
                  {c?.startedAt && c.state === "running" ? (
                    <span className="text-xs text-slate-600 dark:text-slate-400">
                      up since <RelativeTime iso={c.startedAt} />
                    </span>
                  ) : null}
                  {svc.containers.length > 1 ? <span className="text-xs">×{svc.containers.length}</span> : null}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}
