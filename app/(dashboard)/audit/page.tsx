import type { Metadata } from "next";
import { PageHeader, Card } from "@/components/ui/card";
import { AuditTable } from "@/components/access/audit-table";
import { pageCaller } from "@/lib/access/page";
import { auditActions, auditQuerySchema, listAudit } from "@/lib/audit/query";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit" };

const FILTERS = ["action", "actor", "result", "since", "until"] as const;
const input = "block min-h-11 w-full rounded-lg border border-slate-400 bg-white px-3 text-sm dark:border-slate-600 dark:bg-slate-950";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await pageCaller("viewer");
  const raw = await searchParams;
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const s = Array.isArray(v) ? v[0] : v;
    if (s) flat[k] = s;
  }
  const parsed = auditQuerySchema.safeParse({ ...flat, format: undefined });
  const q = parsed.success ? parsed.data : auditQuerySchema.parse({});
  const problem = parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  const { events, next } = listAudit(q);
  const actions = auditActions();

  const keep = new URLSearchParams();
  for (const f of FILTERS) if (parsed.success && flat[f]) keep.set(f, flat[f]);
  const exportHref = `/api/audit?${new URLSearchParams({ ...Object.fromEntries(keep), format: "jsonl" })}`;
  const olderHref = next ? `/audit?${new URLSearchParams({ ...Object.fromEntries(keep), before: String(next) })}` : null;

  return (
    <>
      <PageHeader title="Audit">
        <a
          href={exportHref}
          className="inline-flex min-h-11 items-center rounded-lg border border-slate-300 bg-white px-4 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
        >
          Export JSON lines
        </a>
      </PageHeader>
      <Card className="mb-4">
        <form method="get" action="/audit" className="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter audit events">
          <div>
            <label htmlFor="f-action" className="mb-1 block text-sm font-medium">
              Action
            </label>
            <input id="f-action" name="action" list="audit-actions" defaultValue={flat.action ?? ""} placeholder="auth.*" className={input} />
            <datalist id="audit-actions">
              {actions.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </div>
          <div>
            <label htmlFor="f-actor" className="mb-1 block text-sm font-medium">
              Actor
            </label>
            <input id="f-actor" name="actor" defaultValue={flat.actor ?? ""} className={input} />
          </div>
          <div>
            <label htmlFor="f-result" className="mb-1 block text-sm font-medium">
              Result
            </label>
            <input id="f-result" name="result" defaultValue={flat.result ?? ""} placeholder="ok, forbidden…" className={input} />
          </div>
          <div>
            <label htmlFor="f-since" className="mb-1 block text-sm font-medium">
              Since
            </label>
            <input id="f-since" name="since" type="date" defaultValue={flat.since ?? ""} className={input} />
          </div>
          <div>
            <label htmlFor="f-until" className="mb-1 block text-sm font-medium">
              Until
            </label>
            <input id="f-until" name="until" type="date" defaultValue={flat.until ?? ""} className={input} />
          </div>
          <div className="flex items-end gap-2">
            <button
              type="submit"
              className="inline-flex min-h-11 flex-1 items-center justify-center rounded-lg bg-blue-700 px-4 text-sm font-semibold text-white hover:bg-blue-800"
            >
              Filter
            </button>
            <a href="/audit" className="inline-flex min-h-11 items-center rounded-lg px-3 text-sm font-medium underline">
              Clear
            </a>
          </div>
        </form>
        {problem ? (
          <p role="alert" className="mt-3 text-sm text-red-800 dark:text-red-300">
            Some filters were ignored: {problem}
          </p>
        ) : null}
      </Card>
      <Card>
        <AuditTable events={events} />
        {olderHref ? (
          <p className="mt-3">
            <a href={olderHref} className="inline-flex min-h-11 items-center text-sm font-medium underline">
              Older events
            </a>
          </p>
        ) : null}
      </Card>
    </>
  );
}
