import { RelativeTime } from "@/components/ui/time";
import type { SwarmServiceInfo } from "@/lib/stacks/types";
import { ShortDigest } from "./badges";
import { SwarmServiceLogs } from "./log-viewer";

const TASK_TONE: Record<string, string> = {
  running: "text-emerald-800 dark:text-emerald-300",
  failed: "text-red-800 dark:text-red-300",
  rejected: "text-red-800 dark:text-red-300",
};

/** What a Swarm service runs: the spec's image and digest, replicas running/desired, the update, its latest tasks, and its log (the Logs button). */
export function SwarmServiceRuns({ swarm }: { swarm: SwarmServiceInfo }) {
  const short = swarm.replicas.running < swarm.replicas.desired;
  return (
    <div data-testid={`swarm-${swarm.fullName}`}>
      <code className="font-mono text-xs">{swarm.image}</code>
      <span className={`ml-2 text-xs font-medium ${short ? "text-amber-800 dark:text-amber-300" : ""}`}>
        {swarm.mode === "global" ? "global, " : ""}
        {swarm.replicas.running}/{swarm.replicas.desired} replicas running
      </span>
      <div className="text-xs text-slate-600 dark:text-slate-400">
        Swarm service {swarm.fullName} · digest <ShortDigest value={swarm.digest} />
        {swarm.update ? ` · update ${swarm.update.state.replace("_", " ")}` : ""}
      </div>
      {swarm.update && swarm.update.state !== "completed" && swarm.update.message ? (
        <p className="text-xs text-slate-700 dark:text-slate-300">{swarm.update.message}</p>
      ) : null}
      {swarm.tasks.length ? (
        <details className="mt-1 text-xs">
          <summary className="inline-flex min-h-11 cursor-pointer items-center text-slate-700 dark:text-slate-300">Tasks ({swarm.tasks.length} latest)</summary>
          <ul className="mt-1 space-y-0.5">
            {swarm.tasks.map((t) => (
              <li key={t.id}>
                <span className={TASK_TONE[t.state] ?? "text-slate-700 dark:text-slate-300"}>
                  {t.slot !== null ? `#${t.slot} ` : ""}
                  {t.state}
                </span>
                {t.desiredState !== t.state ? ` (desired ${t.desiredState})` : ""}
                {t.current ? "" : " · previous spec"}
                {t.error ? ` · ${t.error}` : ""}
                {t.createdAt ? (
                  <>
                    {" "}
                    · <RelativeTime iso={t.createdAt} />
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <SwarmServiceLogs fullName={swarm.fullName} />
    </div>
  );
}
