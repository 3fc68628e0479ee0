import type { AuditEvent } from "@/lib/audit/record";
import { RelativeTime } from "@/components/ui/time";

function summary(params: unknown): string {
  if (params === null || params === undefined) return "";
  const s = typeof params === "string" ? params : JSON.stringify(params);
  return s.length > 120 ? s.slice(0, 117) + "…" : s;
}

const ok = new Set(["ok", "accepted", "succeeded", "started"]);

/** The audit trail as a table that scrolls sideways on a phone. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  if (!events.length) return <p className="text-sm text-slate-700 dark:text-slate-300">No audit events match these filters.</p>;
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Audit events">
      <table className="w-full min-w-[48rem] text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Time
            </th>
            <th scope="col" className="py-2 pr-3">
              Actor
            </th>
            <th scope="col" className="py-2 pr-3">
              Action
            </th>
            <th scope="col" className="py-2 pr-3">
              Target
            </th>
            <th scope="col" className="py-2 pr-3">
              Result
            </th>
            <th scope="col" className="py-2 pr-3">
              From
            </th>
            <th scope="col" className="py-2">
              Details
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {events.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td className="py-2 pr-3 whitespace-nowrap">
                <RelativeTime iso={e.ts} />
              </td>
              <td className="py-2 pr-3">
                <span className="font-medium">{e.actor}</span>
                <span className="block text-xs text-slate-600 dark:text-slate-400">
                  {e.actorKind}
                  {e.role ? ` · ${e.role}` : ""}
                </span>
              </td>
              <td className="py-2 pr-3 font-mono text-xs">{e.action}</td>
              <td className="py-2 pr-3 break-all">{e.target ?? ""}</td>
              <td className="py-2 pr-3">
                <span className={ok.has(e.result) ? "text-green-800 dark:text-green-300" : "text-red-800 dark:text-red-300"}>
                  <span aria-hidden="true">{ok.has(e.result) ? "✓ " : "✗ "}</span>
                  {e.result}
                  {e.status ? ` (${e.status})` : ""}
                  {e.count > 1 ? ` · ${e.count} times` : ""}
                </span>
              </td>
              <td className="py-2 pr-3 font-mono text-xs">{e.sourceIp ?? ""}</td>
              <td className="py-2 font-mono text-xs break-all text-slate-700 dark:text-slate-300">
                {e.deploymentId ? (
                  <a className="underline" href={`/deployments/${encodeURIComponent(e.deploymentId)}`}>
                    {e.deploymentId}
                  </a>
                ) : null}{" "}
                {summary(e.params)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
