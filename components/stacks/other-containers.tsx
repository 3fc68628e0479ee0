import { Card } from "@/components/ui/card";
import type { ProjectGroup } from "@/lib/stacks/types";
import { containerHealth } from "@/lib/stacks/status-model";
import { HealthBadge } from "./badges";
import { HostChip } from "./host-chip";

/** Containers that belong to no stack of the release: other Compose projects, and plain containers. */
export function OtherContainers({ groups, showHost = false }: { groups: ProjectGroup[]; showHost?: boolean }) {
  const total = groups.reduce((n, g) => n + g.containers.length, 0);
  return (
    <Card title={`Outside any stack (${total})`} className="mt-4">
      <details>
        <summary className="min-h-11 cursor-pointer py-2 text-sm">
          Show {total} containers of {groups.length} other projects
        </summary>
        <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {groups.map((g) => (
            <li key={`${g.host ?? ""}/${g.project ?? "(none)"}`} className="py-2">
              <span className="font-medium">{g.project ?? "not from Compose"}</span> <HostChip host={g.host} show={showHost} />
              <ul className="mt-1 space-y-1">
                {g.containers.map((c) => (
                  <li key={c.id} className="flex flex-wrap items-center gap-2">
                    <span>{c.name}</span>
                    <code className="font-mono text-xs">{c.configuredImage}</code>
                    <HealthBadge health={containerHealth(c)} />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </details>
    </Card>
  );
}
