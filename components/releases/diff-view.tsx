import type { ReleaseDiff } from "@/lib/releases/diff";

const lineCls = {
  "+": "bg-emerald-50 text-emerald-950 dark:bg-emerald-950/60 dark:text-emerald-100",
  "-": "bg-red-50 text-red-950 dark:bg-red-950/60 dark:text-red-100",
  " ": "",
};

/** Unified diff per stack and file (secret values already masked by the server). */
export function DiffView({ diff, label }: { diff: ReleaseDiff; label: string }) {
  const from = diff.from.tag ?? diff.from.sha.slice(0, 12);
  const to = diff.to.tag ?? diff.to.sha.slice(0, 12);
  if (!diff.stacks.length)
    return (
      <p className="text-sm text-slate-700 dark:text-slate-300">
        No compose or env file differs between <span className="font-mono">{from}</span> and <span className="font-mono">{to}</span>.
      </p>
    );
  return (
    <div className="space-y-3" aria-label={label}>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        <span className="font-mono">{from}</span> → <span className="font-mono">{to}</span>: {diff.stacks.length} stack{diff.stacks.length === 1 ? "" : "s"}.
        Secrets (secret-named keys, passwords in URLs, private keys, tokens) are masked for everyone.
      </p>
      {diff.stacks.map((s) => (
        <details key={s.name} open className="rounded-lg border border-slate-200 dark:border-slate-800">
          <summary className="flex min-h-11 cursor-pointer items-center gap-2 px-3 font-medium">
            <span className="font-mono">{s.name}</span>
            <span className="text-xs text-slate-600 dark:text-slate-400">{s.change}</span>
          </summary>
          {s.files.map((f) => (
            <div key={f.path} className="border-t border-slate-200 dark:border-slate-800">
              <h4 className="px-3 py-1 font-mono text-xs text-slate-700 dark:text-slate-300">
                {f.path} <span className="text-slate-600 dark:text-slate-400">({f.status === "A" ? "added" : f.status === "D" ? "deleted" : "modified"})</span>
              </h4>
              <pre className="overflow-x-auto px-0 pb-2 font-mono text-xs leading-5" data-testid="unified-diff">
                {f.hunks.map((h, hi) => (
                  <div key={hi}>
                    <div className="px-3 text-slate-600 dark:text-slate-400">{h.header}</div>
                    {h.lines.map((l, li) => (
                      <div key={li} className={`px-3 whitespace-pre ${lineCls[l.kind]}`}>
                        <span aria-hidden="true" className="inline-block w-3 select-none">
                          {l.kind}
                        </span>
                        <span className="sr-only">{l.kind === "+" ? "added: " : l.kind === "-" ? "removed: " : ""}</span>
                        {l.text}
                      </div>
                    ))}
                  </div>
                ))}
              </pre>
            </div>
          ))}
        </details>
      ))}
    </div>
  );
}
