import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/time";
import { DiffView } from "@/components/releases/diff-view";
import { ImageChanges, StackChips } from "@/components/releases/chips";
import { RolloutButton } from "@/components/releases/rollout-button";
import { TagReleaseButton } from "@/components/releases/tag-dialog";
import { pageCaller } from "@/lib/access/page";
import { isAppError } from "@/lib/errors";
import { isReleaseTag } from "@/lib/git/refs";
import { getRelease } from "@/lib/releases/detail";
import { releaseDiff } from "@/lib/releases/diff";
import { prepareRelease } from "@/lib/releases/prepare";

export const dynamic = "force-dynamic";

export default async function ReleasePage({ params }: { params: Promise<{ tag: string }> }) {
  await pageCaller("viewer");
  const tag = decodeURIComponent((await params).tag);
  if (!isReleaseTag(tag)) notFound();
  let d;
  try {
    d = await getRelease(tag);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
  const r = d.release;
  const [vsPrevious, vsDeployed, draft] = await Promise.all([
    d.previous ? releaseDiff(d.previous.tag, r.tag) : releaseDiff(r.tag, r.tag),
    d.deployed && d.deployed.sha !== r.sha ? releaseDiff("deployed", r.tag) : null,
    prepareRelease({ fetch: false }),
  ]);
  const summaryLine = `${d.summary.changes.added.length + d.summary.changes.removed.length + d.summary.changes.changed.length} stack(s): ${[...d.summary.changes.added, ...d.summary.changes.removed, ...d.summary.changes.changed].join(", ") || "none"}`;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/releases" className="inline-flex min-h-11 items-center underline">
          ← All releases
        </Link>
      </nav>
      <PageHeader title={<span className="font-mono">{r.tag}</span>}>
        <div className="flex flex-wrap gap-2">
          <RolloutButton
            tag={r.tag}
            deployed={d.isDeployed}
            summary={
              <div className="space-y-2">
                <p>
                  Roll out <span className="font-mono">{r.tag}</span>
                  {d.deployed?.tag ? (
                    <>
                      {" "}
                      (deployed: <span className="font-mono">{d.deployed.tag}</span>)
                    </>
                  ) : null}
                  . {vsDeployed ? `${vsDeployed.stacks.length} stack(s) differ: ${vsDeployed.stacks.map((s) => s.name).join(", ") || "none"}.` : summaryLine}
                </p>
              </div>
            }
          />
          <TagReleaseButton initial={{ sha: draft.sha, ref: draft.ref, suggestions: draft.suggestions, message: draft.message, existing: draft.existing }} />
        </div>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm">
        {d.isDeployed ? <StatusBadge tone="ok" label="deployed" /> : null}
        {r.prerelease ? <StatusBadge tone="warn" label="pre-release" /> : null}
        {!r.annotated ? <StatusBadge tone="unknown" label="lightweight tag" /> : null}
        <span className="text-slate-700 dark:text-slate-300">
          {r.annotated ? "Tagged" : "Committed"} by {r.tagger?.name ?? "unknown"} <RelativeTime iso={r.date} /> · commit{" "}
          <span className="font-mono" title={r.sha}>
            {r.sha.slice(0, 12)}
          </span>
        </span>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Message">
          <pre className="font-sans text-sm whitespace-pre-wrap">{r.message || r.subject}</pre>
        </Card>
        <Card title="CHANGELOG.md">
          {d.changelog ? (
            <pre className="font-sans text-sm whitespace-pre-wrap" data-testid="changelog-section">
              {d.changelog}
            </pre>
          ) : (
            <p className="text-sm text-slate-700 dark:text-slate-300">No section for {r.tag} in CHANGELOG.md.</p>
          )}
        </Card>
      </div>
      <Card title={`Changes since ${d.previous?.tag ?? "the beginning"}`} className="mt-4">
        <div className="flex flex-col gap-2">
          <StackChips changes={d.summary.changes} />
          <ImageChanges images={d.summary.images} />
        </div>
      </Card>
      <Card title={d.previous ? `Diff against the previous release ${d.previous.tag}` : "Diff"} className="mt-4">
        {d.previous ? <DiffView diff={vsPrevious} label={`Diff ${d.previous.tag} to ${r.tag}`} /> : <p className="text-sm">This is the first release.</p>}
      </Card>
      <Card title={d.deployed?.tag ? `Diff against the deployed release ${d.deployed.tag}` : "Diff against the deployed release"} className="mt-4">
        {vsDeployed ? (
          <DiffView diff={vsDeployed} label={`Diff deployed to ${r.tag}`} />
        ) : d.deployed ? (
          <p className="text-sm">{r.tag} is what is deployed: nothing differs.</p>
        ) : (
          <p className="text-sm">Nothing is deployed yet.</p>
        )}
      </Card>
    </>
  );
}
