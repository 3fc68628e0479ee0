"use client";

// "Tag release": suggested versions as one-tap choices, drafted notes, validation as you type.
import { useEffect, useId, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";
import { checkNewVersion } from "@/lib/releases/versions";
import { useIntentConfirm } from "@/components/intents/use-intent";
import { releaseDraftQuery, useTagRelease, type TagDraft } from "@/lib/queries/releases";

export type { TagDraft } from "@/lib/queries/releases";

const input = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

export function TagReleaseButton({ initial }: { initial: TagDraft }) {
  const allowed = useCan("admin");
  const router = useRouter();
  const qc = useQueryClient();
  const tagRelease = useTagRelease();
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<TagDraft>(initial);
  const [tag, setTag] = useState<string>(initial.suggestions.patch);
  const [message, setMessage] = useState(initial.message);
  const [touchedMessage, setTouchedMessage] = useState(false);
  const [backport, setBackport] = useState(false);
  const [changelog, setChangelog] = useState(false);
  const busy = tagRelease.isPending;
  const [error, setError] = useState<string | null>(null);
  const confirmText = useIntentConfirm("tag", { version: tag.trim() });

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);

  // Refresh the draft (fetches origin/main on the server) each time the dialog opens.
  function openDialog() {
    setOpen(true);
    qc.fetchQuery(releaseDraftQuery())
      .then((d) => {
        setDraft(d);
        if (!touchedMessage) setMessage(d.message.replace(/^Release \S+/, `Release ${tag}`));
      })
      .catch(() => undefined);
  }

  const problem = checkNewVersion(tag.trim(), draft.existing, { backport });
  const orderProblem = !!checkNewVersion(tag.trim(), draft.existing, { backport: false }) && problem === null;
  const needsBackport = checkNewVersion(tag.trim(), draft.existing)?.message.includes("backport") ?? false;

  const choose = (v: string) => {
    setTag(v);
    if (!touchedMessage) setMessage((m) => m.replace(/^Release \S+/, `Release ${v}`));
  };

  async function submit() {
    setError(null);
    try {
      // With the drafted notes as the message, tag through the `tag` intent (as chat does);
      // an edited message goes to POST /api/releases, which takes free text.
      await tagRelease.mutateAsync({ tag: tag.trim(), message: touchedMessage ? message : undefined, backport, changelog });
      setOpen(false);
      router.push(`/releases/${encodeURIComponent(tag.trim())}`);
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <>
      <Button onClick={openDialog} disabled={!allowed} title={allowed ? undefined : "Needs the admin role"}>
        Tag release
      </Button>
      <dialog
        ref={ref}
        aria-labelledby={`${id}-t`}
        onCancel={(e) => {
          e.preventDefault();
          setOpen(false);
        }}
        className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-xl border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <form
          className="space-y-4 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            if (!problem) void submit();
          }}
        >
          <h2 id={`${id}-t`} className="text-lg font-semibold">
            Tag a release
          </h2>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            An annotated tag on <span className="font-mono">{draft.ref}</span>
            {draft.sha ? <span className="font-mono"> ({draft.sha.slice(0, 12)})</span> : null}, pushed to origin.
            {draft.fetchError ? <span className="block text-amber-800 dark:text-amber-200">Could not fetch: {draft.fetchError}</span> : null}
          </p>
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Suggested versions{draft.suggestions.base ? ` (after ${draft.suggestions.base})` : ""}</legend>
            <div className="flex flex-wrap gap-2">
              {(["patch", "minor", "major"] as const).map((k) => (
                <Button
                  key={k}
                  type="button"
                  variant={tag === draft.suggestions[k] ? "primary" : "secondary"}
                  aria-pressed={tag === draft.suggestions[k]}
                  onClick={() => choose(draft.suggestions[k])}
                >
                  {k} <span className="font-mono">{draft.suggestions[k]}</span>
                </Button>
              ))}
            </div>
          </fieldset>
          <div>
            <label htmlFor={`${id}-v`} className="mb-1 block text-sm font-medium">
              Version
            </label>
            <input
              id={`${id}-v`}
              className={`${input} font-mono`}
              value={tag}
              onChange={(e) => choose(e.target.value)}
              aria-invalid={!!problem}
              aria-describedby={`${id}-vh`}
              autoComplete="off"
              spellCheck={false}
            />
            <p
              id={`${id}-vh`}
              role="status"
              className={`mt-1 text-sm ${problem ? "text-red-800 dark:text-red-300" : "text-emerald-800 dark:text-emerald-300"}`}
            >
              {problem ? problem.message : orderProblem ? `Backport: ${tag} is older than the newest release.` : `${tag} is a valid new version.`}
            </p>
          </div>
          {needsBackport ? (
            <label className="flex min-h-11 items-center gap-2 text-sm">
              <input type="checkbox" className="h-5 w-5" checked={backport} onChange={(e) => setBackport(e.target.checked)} />
              This is a backport (a version lower than the newest release)
            </label>
          ) : null}
          <div>
            <label htmlFor={`${id}-m`} className="mb-1 block text-sm font-medium">
              Message (release notes drafted from the commits since the last release, by stack)
            </label>
            <textarea
              id={`${id}-m`}
              className={`${input} h-48 font-mono`}
              value={message}
              onChange={(e) => {
                setTouchedMessage(true);
                setMessage(e.target.value);
              }}
            />
          </div>
          <label className="flex min-h-11 items-center gap-2 text-sm">
            <input type="checkbox" className="h-5 w-5" checked={changelog} onChange={(e) => setChangelog(e.target.checked)} />
            Also add these notes to CHANGELOG.md (its own commit on main, pushed before the tag)
          </label>
          {confirmText && !problem ? (
            <p data-testid="tag-confirm" className="text-sm font-medium">
              {confirmText}
            </p>
          ) : null}
          {error ? (
            <p role="alert" className="rounded-lg bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
              {error}
            </p>
          ) : null}
          <div className="flex flex-wrap justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={!!problem || busy}>
              {busy ? "Tagging…" : `Tag ${tag.trim() || "release"}`}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
