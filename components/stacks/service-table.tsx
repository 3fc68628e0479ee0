import { RelativeTime } from "@/components/ui/time";
import type { ServiceView } from "@/lib/stacks/types";
import { DriftBadges, HealthBadge, ShortDigest, SyncBadge } from "./badges";
import { SwarmServiceRuns } from "./swarm-service";

/** Per service: what the release says, what runs, and how they differ. */
export function ServiceTable({ services }: { services: ServiceView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Desired and running state per service</caption>
        <thead className="text-xs text-slate-600 uppercase dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Service
            </th>
            <th scope="col" className="py-2 pr-3">
              Release says
            </th>
            <th scope="col" className="py-2 pr-3">
              Runs
            </th>
            <th scope="col" className="py-2 pr-3">
              Health
            </th>
            <th scope="col" className="py-2 pr-3">
              Sync
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 align-top dark:divide-slate-800">
          {services.map((s) => (
            <tr key={s.name} data-testid={`service-${s.name}`}>
              <th scope="row" className="py-2 pr-3 font-medium">
                {s.name}
              </th>
              <td className="py-2 pr-3">
                {s.desired ? (
                  <code className="font-mono text-xs">{s.desired.image ?? "(built)"}</code>
                ) : (
                  <span className="text-slate-600 dark:text-slate-400">not in the release</span>
                )}
              </td>
              <td className="py-2 pr-3">
                {s.swarm ? <SwarmServiceRuns swarm={s.swarm} /> : null}
                {s.containers.length ? (
                  s.containers.map((c) => (
                    <div key={c.id} className="mb-1">
                      <code className="font-mono text-xs">{c.configuredImage}</code>
                      {c.version ? <span className="ml-2 font-mono text-xs">v {c.version}</span> : null}
                      <div className="text-xs text-slate-600 dark:text-slate-400">
                        {c.name} · image <ShortDigest value={c.imageId} /> · digest <ShortDigest value={c.digest} />
                        {c.startedAt ? (
                          <>
                            {" "}
                            · started <RelativeTime iso={c.startedAt} />
                          </>
                        ) : null}
                        {c.restartCount ? ` · ${c.restartCount} restarts` : ""}
                        {c.ports.length
                          ? ` · ports ${c.ports.map((p) => (p.publicPort ? `${p.publicPort}→${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`)).join(", ")}`
                          : ""}
                      </div>
                    </div>
                  ))
                ) : s.swarm ? null : (
                  <span className="text-red-800 dark:text-red-300">no container</span>
                )}
              </td>
              <td className="py-2 pr-3">
                <HealthBadge health={s.health} />
              </td>
              <td className="py-2 pr-3">
                <span className="inline-flex flex-wrap gap-1">
                  <SyncBadge status={s.sync} />
                  <DriftBadges drift={s.drift} />
                </span>
                {s.drift.map((d) => (
                  <p key={d.kind} className="mt-1 text-xs text-slate-700 dark:text-slate-300">
                    {d.text}
                  </p>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
