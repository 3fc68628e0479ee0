// The Docker host of a stack or container: a small muted chip, shown only when more than one host
// is configured (one host keeps the page as it was). A host that does not answer says so in words.
export function HostChip({ host, down, show = true }: { host?: string | null; down?: string | null; show?: boolean }) {
  if (!host || !show) return null;
  if (down)
    return (
      <span
        className="inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200"
        data-testid="host-chip"
      >
        <span aria-hidden="true">✕</span>
        {down}
      </span>
    );
  return (
    <span
      className="inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs whitespace-nowrap ring-1 ring-inset bg-slate-100 text-slate-700 ring-slate-400/30 dark:bg-slate-900 dark:text-slate-300"
      title={`Runs on Docker host ${host}`}
      data-testid="host-chip"
    >
      <span className="sr-only">Docker host </span>
      <span aria-hidden="true">⌂</span>
      {host}
    </span>
  );
}
