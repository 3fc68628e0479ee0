import type { RepoState } from "@/lib/git/state";

/** Branch/HEAD/ahead-behind line, and live edits shown prominently. */
export function RepoBanner({ state }: { state: RepoState }) {
  return (
    <div className="mb-4 space-y-2">
      {state.dirtyFiles.length ? (
        <div
          role="alert"
          className="rounded-lg border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
        >
          <p className="font-semibold">
            <span aria-hidden="true">! </span>
            {state.dirtyFiles.length} file{state.dirtyFiles.length === 1 ? "" : "s"} edited in place (live edits): commit them to the repository, or discard
            them. Rollouts are refused until then.
          </p>
          <ul className="mt-1 list-inside list-disc font-mono text-xs">
            {state.dirtyFiles.slice(0, 10).map((f) => (
              <li key={f}>{f}</li>
            ))}
            {state.dirtyFiles.length > 10 ? <li>… and {state.dirtyFiles.length - 10} more</li> : null}
          </ul>
        </div>
      ) : null}
      <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="repo-state">
        Work tree at <span className="font-mono">{state.headRelease ?? state.head?.slice(0, 12) ?? "no commit"}</span>
        {state.branch ? (
          <>
            {" "}
            on branch <span className="font-mono">{state.branch}</span>
          </>
        ) : (
          " (detached)"
        )}
        {state.ahead !== null && state.behind !== null ? ` · ${state.ahead} ahead, ${state.behind} behind origin` : ""}
        {state.dirtyFiles.length ? "" : " · no live edits"}
      </p>
    </div>
  );
}
