// Client data of sync: its state (GET /api/sync, shared by the Overview card), "Sync now"
// and "Send test notification".
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { SyncStatus } from "@/lib/sync/scheduler";
import { api, ApiError } from "./api";
import { invalidateAfterRun, runIntent } from "./intents";
import { queryKeys } from "./keys";

export const fetchSync = async (signal?: AbortSignal): Promise<SyncStatus> => (await api<{ sync: SyncStatus }>("/api/sync", { signal })).sync;

export const syncQuery = () =>
  queryOptions({
    queryKey: queryKeys.sync.status(),
    queryFn: ({ signal }) => fetchSync(signal),
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * "Sync now": runs the `sync` intent (as the chat command does), which answers when the
 * sync has finished. Without a `sync` intent in INTENTS_DIR (404) it starts the sync
 * directly (POST /api/sync, 202) and follows GET /api/sync until it is done (at most a
 * minute). Resolves with the finished run's message (null: still running after a minute).
 */
export function useSyncNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<{ message: string | null }> => {
      try {
        const body = await runIntent("sync", {});
        const run = body.sync as { message?: string } | undefined;
        qc.setQueryData(queryKeys.sync.status(), await fetchSync());
        return { message: run?.message ?? "done" };
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 404) throw e;
      }
      await api("/api/sync", { method: "POST" });
      for (let i = 0; i < 120; i++) {
        await sleep(500);
        const now = await fetchSync();
        qc.setQueryData(queryKeys.sync.status(), now);
        if (!now.running) return { message: now.lastRun?.message ?? "done" };
      }
      return { message: null };
    },
    // Not awaited: the card says the sync finished at once; the rest refetches behind it.
    onSuccess: () => void invalidateAfterRun(qc),
  });
}

/** POST /api/sync/test-notification (202): the targets it was sent to; the results land in GET /api/sync. */
export function useTestNotification() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ accepted: boolean; targets: string[] }>("/api/sync/test-notification", { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.sync.all }),
  });
}
