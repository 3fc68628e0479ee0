import Link from "next/link";
import { RelativeTime } from "@/components/ui/time";
import type { Deployment } from "@/lib/deploy/types";
import { DeploymentStatus } from "./deployment-status";
import { duration, kindWord, who } from "./format";

/** Deployment history: kind, from → to, status, who, started, duration. */
export function HistoryTable({ deployments, compact = false }: { deployments: Deployment[]; compact?: boolean }) {
  if (!deployments.length) return <p className="text-sm text-slate-700 dark:text-slate-300">No deployments yet.</p>;
  return (
    <div className="-mx-4 overflow-x-auto px-4">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Release
            </th>
            <th scope="col" className="py-2 pr-3">
              Kind
            </th>
            <th scope="col" className="py-2 pr-3">
              Status
            </th>
            <th scope="col" className="py-2 pr-3">
              Who
            </th>
            <th scope="col" className="py-2 pr-3">
              Started
            </th>
            {!compact && (
              <th scope="col" className="py-2 pr-3">
                Duration
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {deployments.map((d) => (
            <tr key={d.id} data-deployment={d.id}>
              <td className="py-2 pr-3">
                <Link href={d.url} className="inline-flex min-h-11 items-center font-mono underline-offset-2 hover:underline">
                  {d.from && d.kind !== "adopt" ? `${d.from} → ` : ""}
                  {d.to ?? "—"}
                </Link>
              </td>
              <td className="py-2 pr-3">{kindWord(d)}</td>
              <td className="py-2 pr-3">
                <DeploymentStatus d={d} />
              </td>
              <td className="py-2 pr-3">{who(d)}</td>
              <td className="py-2 pr-3">
                <RelativeTime iso={d.startedAt ?? d.createdAt} />
              </td>
              {!compact && <td className="py-2 pr-3 font-mono">{duration(d.durationMs)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
