import type { DependencyStatus } from "@/lib/status";

const names: Record<DependencyStatus["name"], string> = {
  stacks: "Stacks repository",
  docker: "Docker engine",
  kuma: "Uptime Kuma",
  database: "Database",
};

/** Shown on every page while a dependency is down: what is wrong and what to do. */
export function DependencyBanner({ dependencies }: { dependencies: DependencyStatus[] }) {
  const bad = dependencies.filter((d) => d.status === "down" || d.status === "degraded");
  if (!bad.length) return null;
  return (
    <div role="status" className="border-b border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      <ul className="mx-auto max-w-6xl space-y-1 px-4 py-2 text-sm">
        {bad.map((d) => (
          <li key={d.name} data-dependency={d.name}>
            <strong>
              <span aria-hidden="true">⚠ </span>
              {names[d.name]} {d.status}:
            </strong>{" "}
            {d.reason}
            {d.hint ? <span className="block sm:inline sm:before:content-['_—_']">{d.hint}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
