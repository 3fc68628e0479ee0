// Client data of stacks and containers: a container's recent log lines (the viewer's tail;
// following is a server-sent event stream, not a query) and "Check for updates".
import { queryOptions, useMutation } from "@tanstack/react-query";
import type { LogTail } from "@/lib/docker/logs";
import type { RemoteCheck } from "@/lib/stacks/updates";
import { api } from "./api";
import { queryKeys } from "./keys";

/** The last `tail` lines of one container, read when asked for (never polled: Follow streams). */
export const containerLogsQuery = (id: string, tail: number) =>
  queryOptions({
    queryKey: queryKeys.containers.logs(id, tail),
    queryFn: ({ signal }) => api<LogTail>(`/api/containers/${encodeURIComponent(id)}/logs`, { query: { tail }, signal }),
    staleTime: 0,
    refetchInterval: false,
    refetchOnWindowFocus: false,
  });

export interface UpdateCheck {
  stack: string;
  checks: RemoteCheck[];
}

/**
 * POST /api/stacks/{name}/check-updates: ask the registries now. What it finds is shown by
 * the server-rendered stack page, so the caller refreshes the page (no client query holds it).
 */
export function useCheckUpdates() {
  return useMutation({
    mutationFn: (stack: string) => api<UpdateCheck>(`/api/stacks/${encodeURIComponent(stack)}/check-updates`, { method: "POST" }),
  });
}
