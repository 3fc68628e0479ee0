"use client";

// First run: clone the stacks repository into STACKS_DIR, with progress.
import { useEffect, useId, useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/access/role";

interface Job {
  state: "idle" | "running" | "done" | "failed";
  url: string | null;
  phase: string | null;
  percent: number | null;
  error: string | null;
}

export function CloneRepo() {
  const allowed = useCan("admin");
  const router = useRouter();
  const id = useId();
  const [url, setUrl] = useState("");
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (job?.state !== "running") return;
    const t = setInterval(async () => {
      const r = await fetch("/api/repo/clone", { headers: { accept: "application/json" } }).catch(() => null);
      if (!r?.ok) return;
      const j = (await r.json()) as Job;
      setJob(j);
      if (j.state === "done") router.refresh();
    }, 1000);
    return () => clearInterval(t);
  }, [job?.state, router]);

  async function start() {
    setError(null);
    const r = await fetch("/api/repo/clone", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ url }) });
    const j = (await r.json().catch(() => ({}))) as Job & { error?: { message: string } };
    if (r.status !== 202) setError((j.error as { message: string } | undefined)?.message ?? `The server answered ${r.status}.`);
    else setJob(j);
  }

  return (
    <div className="mt-3 space-y-2">
      <form
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
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
      <p className="text-xs text-slate-600 dark:text-slate-400">HTTPS uses the token in GIT_HTTPS_TOKEN; SSH uses the key file in GIT_SSH_KEY_FILE. Never put credentials in the URL.</p>
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
