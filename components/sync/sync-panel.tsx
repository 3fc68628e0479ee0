"use client";

// The sync line of the Overview: last sync, its result, the next one, a newer release when
// one exists, and "Sync now" for operators. Refreshes by itself, faster while a sync runs.
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/time";
import { useCan } from "@/components/access/role";
import type { SyncStatus } from "@/lib/sync/scheduler";
import { syncQuery, useSyncNow } from "@/lib/queries/sync";
import { every } from "./format";

function badge(s: SyncStatus): { label: string; tone: Tone } {
  if (s.running) return { label: "syncing", tone: "info" };
  if (s.lastRun?.outcome === "failed") return { label: "failed", tone: "bad" };
  if (s.available) return { label: "new release", tone: "info" };
  if (s.lastRun?.outcome === "held") return { label: "on hold", tone: "warn" };
  if (!s.lastRun) return { label: s.enabled ? "not yet" : "off", tone: "unknown" };
  return { label: "up to date", tone: "ok" };
}

export function SyncPanel({ initial }: { initial: SyncStatus }) {
  const canSync = useCan("operator");
  const syncNow = useSyncNow();
  const busy = syncNow.isPending;
  const [note, setNote] = useState<string | null>(null);
  const { data } = useQuery({
    ...syncQuery(),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.running || busy ? 1_000 : 15_000),
  });
  const s = data ?? initial;
  const b = badge(s);

  function startSync() {
    setNote("Asking the remote for new releases…");
    syncNow.mutate(undefined, {
      onSuccess: ({ message }) => {
        if (message !== null) setNote(`Sync finished: ${message}`);
      },
      onError: (e) => setNote(`Sync could not start: ${e.message}`),
    });
  }

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Sync <StatusBadge label={b.label} tone={b.tone} />
        </span>
      }
      className="mb-4"
      actions={
        canSync ? (
          <Button variant="secondary" onClick={startSync} disabled={busy || s.running}>
            {busy || s.running ? "Syncing…" : "Sync now"}
          </Button>
        ) : null
      }
    >
      <div data-testid="sync-card" className="space-y-1 text-sm">
        {s.available ? (
          <p>
            <strong>New release </strong>
            <Link className="font-mono underline" href={`/releases/${encodeURIComponent(s.available.tag)}`}>
              {s.available.tag}
            </Link>{" "}
            found <RelativeTime iso={s.available.foundAt} />
            {s.policy === "notify" ? ": open it to roll it out." : "."}
          </p>
        ) : null}
        {s.lastError && s.lastRun?.outcome === "failed" ? (
          <p className="text-red-800 dark:text-red-300">
            <span aria-hidden="true">✕ </span>
            {s.consecutiveFailures > 1 ? `The last ${s.consecutiveFailures} syncs failed` : "The last sync failed"}: {s.lastError.message} It is retried at the
            next sync.
          </p>
        ) : null}
        <p>
          Last sync:{" "}
          {s.lastRun ? (
            <>
              <RelativeTime iso={s.lastRun.at} /> ({s.lastRun.trigger}) — {s.lastRun.message}
            </>
          ) : (
            "none yet"
          )}
        </p>
        <p className="text-slate-700 dark:text-slate-300">
          {s.enabled ? (
            <>
              Every {every(s.intervalMs)}; next {s.nextAt ? <RelativeTime iso={s.nextAt} /> : s.running ? "after this one" : "soon"}.{" "}
            </>
          ) : (
            <>Scheduled sync is off (SYNC_INTERVAL=0); webhooks and Sync now still work. </>
          )}
          {s.policy === "rollout"
            ? `New releases are rolled out automatically${s.prereleases ? ", pre-releases too" : " (not pre-releases)"}.`
            : "New releases are announced; you roll them out."}
        </p>
        <p aria-live="polite" className="min-h-5 text-slate-700 dark:text-slate-300">
          {note}
        </p>
      </div>
    </Card>
  );
}
