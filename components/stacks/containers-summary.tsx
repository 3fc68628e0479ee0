import Link from "next/link";
import { isAppError } from "@/lib/errors";
import { stacksReport } from "@/lib/stacks/report";
import { HostChip } from "./host-chip";

/** Overview line: containers running · healthy · unhealthy · drifted (links to the filtered list), then drift in plain sentences. */
export async function ContainersSummary() {
  let r;
  try {
    r = await stacksReport();
  } catch (e) {
    return (
      <section aria-label="Containers" className="mb-4 text-sm">
        <p role="alert" className="text-red-800 dark:text-red-300">
          <span aria-hidden="true">✕ </span>Containers: {isAppError(e) ? e.message : "not available"}
        </p>
      </section>
    );
  }
  const c = r.counts;
  const link = "inline-flex min-h-11 items-center underline-offset-2 hover:underline";
  const problems = r.problems.filter((p) => p.kind !== "update_available");
  // With several hosts, each stack's line names its host.
  const several = r.hosts.length > 1;
  const hostOf = new Map(r.stacks.map((x) => [x.name, x.host]));
  return (
    <section aria-label="Containers" className="mb-4" data-testid="containers-summary">
      <p className="flex flex-wrap items-center gap-x-2 text-sm">
        <span className="font-semibold">Containers</span>
        <Link className={link} href="/stacks?filter=running">
          {c.running} running
        </Link>
        ·
        <Link className={`${link} text-emerald-800 dark:text-emerald-300`} href="/stacks?filter=healthy">
          <span aria-hidden="true">✓&nbsp;</span>
          {c.healthy} healthy
        </Link>
        ·
        <Link className={`${link} ${c.unhealthy ? "font-semibold text-red-800 dark:text-red-300" : ""}`} href="/stacks?filter=unhealthy">
          <span aria-hidden="true">✕&nbsp;</span>
          {c.unhealthy} unhealthy
        </Link>
        ·
        <Link className={`${link} ${c.drifted ? "font-semibold text-amber-900 dark:text-amber-200" : ""}`} href="/stacks?filter=drifted">
          <span aria-hidden="true">!&nbsp;</span>
          {c.drifted} drifted
        </Link>
      </p>
      {r.hosts.some((h) => h.status === "down") ? (
        <ul className="mt-1 space-y-1 text-sm" data-testid="hosts-down">
          {r.hosts
            .filter((h) => h.status === "down")
            .map((h) => (
              <li key={h.name} className="text-red-800 dark:text-red-300">
                <span aria-hidden="true">✕ </span>
                <Link href="/stacks" className="underline-offset-2 hover:underline">
                  Host {h.name} unreachable: its {h.stacks} stack{h.stacks === 1 ? "" : "s"} cannot be read
                </Link>
                ; the other hosts work as usual.
              </li>
            ))}
        </ul>
      ) : null}
      {problems.length ? (
        <ul className="mt-1 space-y-1 text-sm">
          {problems.slice(0, 6).map((p, i) => (
            <li key={i}>
              <span aria-hidden="true">⚠ </span>
              {p.stack ? (
                <Link href={`/stacks/${p.stack}`} className="underline-offset-2 hover:underline">
                  {p.text}
                </Link>
              ) : (
                p.text
              )}
              {p.stack ? (
                <>
                  {" "}
                  <HostChip host={hostOf.get(p.stack)} show={several} />
                </>
              ) : null}
              {p.kind !== "unhealthy" && p.kind !== "repo" ? " (drift)" : ""}
            </li>
          ))}
          {problems.length > 6 ? (
            <li>
              <Link href="/stacks?filter=drifted" className="underline">
                {problems.length - 6} more…
              </Link>
            </li>
          ) : null}
        </ul>
      ) : null}
    </section>
  );
}
