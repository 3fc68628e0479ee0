import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { ReleaseList, ReleaseTimeline } from "@/components/releases/release-list";
import { RepoBanner } from "@/components/releases/repo-banner";
import { TagReleaseButton } from "@/components/releases/tag-dialog";
import { pageCaller } from "@/lib/access/page";
import { config } from "@/lib/config";
import { isGitRepo } from "@/lib/git/gitdir";
import { signatureBadges } from "@/lib/git/signature";
import { repoState } from "@/lib/git/state";
import { releasePage } from "@/lib/releases/list";
import { prepareRelease } from "@/lib/releases/prepare";

export const dynamic = "force-dynamic";

const PAGE = 50;

export default async function ReleasesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await pageCaller("viewer");
  const sp = await searchParams;
  const q = typeof sp.q === "string" ? sp.q.slice(0, 200) : "";
  const view = sp.view === "timeline" ? "timeline" : "list";
  const pageNo = Math.max(1, Number(sp.page) || 1);
  if (!isGitRepo(config().stacksDir))
    return (
      <>
        <PageHeader title="Releases" />
        <Card>
          {config().stacksDir} is not a git repository yet.{" "}
          <Link href="/" className="underline">
            Clone your stacks repository from the Overview.
          </Link>
        </Card>
      </>
    );
  const [data, state, draft] = await Promise.all([releasePage({ q, offset: (pageNo - 1) * PAGE, limit: PAGE }), repoState(), prepareRelease({ fetch: false })]);
  const signatures = await signatureBadges(data.releases.map((r) => r.tag));
  const deployedTag = data.deployed?.tag ?? null;
  const qs = (o: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ q, view, ...o })) if (v !== undefined && v !== "" && !(k === "view" && v === "list")) p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : "";
  };
  return (
    <>
      <PageHeader title="Releases">
        <TagReleaseButton initial={{ sha: draft.sha, ref: draft.ref, suggestions: draft.suggestions, message: draft.message, existing: draft.existing }} />
      </PageHeader>
      <RepoBanner state={state} />
      <Card>
        <div className="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end sm:justify-between">
          <form role="search" method="get" className="flex flex-1 items-end gap-2">
            <div className="flex-1">
              <label htmlFor="release-search" className="mb-1 block text-sm font-medium">
                Search releases
              </label>
              <input
                id="release-search"
                name="q"
                type="search"
                defaultValue={q}
                placeholder="version, message, tagger…"
                className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950"
              />
            </div>
            {view === "timeline" ? <input type="hidden" name="view" value="timeline" /> : null}
            <button
              type="submit"
              className="inline-flex min-h-11 items-center rounded-lg border border-slate-300 px-4 text-sm font-semibold dark:border-slate-700"
            >
              Search
            </button>
          </form>
          <nav aria-label="View" className="flex gap-1">
            {(["list", "timeline"] as const).map((v) => (
              <Link
                key={v}
                href={`/releases${qs({ view: v, page: undefined })}`}
                aria-current={view === v ? "page" : undefined}
                className={`inline-flex min-h-11 items-center rounded-lg px-3 text-sm font-medium capitalize ${view === v ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "border border-slate-300 dark:border-slate-700"}`}
              >
                {v}
              </Link>
            ))}
          </nav>
        </div>
        <p className="mb-2 text-sm text-slate-700 dark:text-slate-300">
          {q ? `${data.matched} of ${data.total} releases match “${q}”.` : `${data.total} releases.`}
          {deployedTag ? (
            <>
              {" "}
              Deployed: <span className="font-mono">{deployedTag}</span>.
            </>
          ) : null}
        </p>
        {data.releases.length === 0 ? (
          <p className="py-4 text-sm">{q ? "No release matches." : "No release yet: tag one with “Tag release”."}</p>
        ) : view === "timeline" ? (
          <ReleaseTimeline items={data.releases} deployedTag={deployedTag} signatures={signatures} />
        ) : (
          <ReleaseList items={data.releases} deployedTag={deployedTag} signatures={signatures} />
        )}
        {data.matched > PAGE ? (
          <nav aria-label="Pages" className="mt-3 flex items-center gap-2 text-sm">
            {pageNo > 1 ? (
              <Link className="inline-flex min-h-11 items-center underline" href={`/releases${qs({ page: pageNo - 1 })}`}>
                Newer
              </Link>
            ) : null}
            <span>
              Page {pageNo} of {Math.ceil(data.matched / PAGE)}
            </span>
            {pageNo * PAGE < data.matched ? (
              <Link className="inline-flex min-h-11 items-center underline" href={`/releases${qs({ page: pageNo + 1 })}`}>
                Older
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Card>
      {data.others.length ? (
        <Card title="Other tags (not versions)" className="mt-4">
          <ul className="flex flex-wrap gap-2 text-sm" aria-label="Other tags">
            {data.others.map((o) => (
              <li key={o.name} className="rounded-md bg-slate-100 px-2 py-1 font-mono dark:bg-slate-800" title={o.sha}>
                {o.name}
                {!o.annotated ? <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">(lightweight)</span> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
