"use client";

// First run: clone the stacks repository into STACKS_DIR, with progress.
import { useEffect, useId, useState } from "react";
import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";
import { invalidateAfterRun } from "@/lib/queries/intents";
import { repoCloneQuery, useCloneRepo } from "@/lib/queries/releases";

export function CloneRepo() {
  const allowed = useCan("admin");
  const router = useRouter();
  const qc = useQueryClient();
  const id = useId();
  const [url, setUrl] = useState("");
  const clone = useCloneRepo();
  // The job shown is the one this form started (seeded by the POST's answer, then polled).
  const progress = useQuery({ ...repoCloneQuery(), enabled: clone.isSuccess });
  const job = clone.isSuccess ? (progress.data ?? clone.data) : null;
  const error = clone.error?.message ?? null;

  useEffect(() => {
    if (job?.state !== "done") return;
    void invalidateAfterRun(qc);
    router.refresh();
  }, [job?.state, qc, router]);

  function start() {
    clone.mutate(url);
  }

  return (
    <div className="mt-3 space-y-2">
      <form
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <div className="flex-1">
          <label htmlFor={`${id}-u`} className="mb-1 block text-sm font-medium">
            Repository URL
          </label>
          <input
            id={`${id}-u`}
            className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-950"
            placeholder="https://github.com/you/stacks.git or git@github.com:you/stacks.git"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <Button type="submit" disabled={!allowed || !url || job?.state === "running"} title={allowed ? undefined : "Needs the admin role"}>
          Clone into STACKS_DIR
        </Button>
      </form>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        HTTPS uses the token in GIT_HTTPS_TOKEN; SSH uses the key file in GIT_SSH_KEY_FILE. Never put credentials in the URL.
      </p>
      <div role="status" className="text-sm">
        {job?.state === "running" ? (
          <span>
            Cloning {job.url}: {job.phase ?? "starting"}
            {job.percent !== null ? ` ${job.percent}%` : ""}…
          </span>
        ) : job?.state === "done" ? (
          <span>Cloned {job.url}. Reloading…</span>
        ) : null}
      </div>
      {error || job?.state === "failed" ? (
        <p role="alert" className="rounded-lg bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
          {error ?? job?.error}
        </p>
      ) : null}
    </div>
  );
}
