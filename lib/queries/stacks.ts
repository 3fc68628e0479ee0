// Client data of stacks and containers: the recent log lines of a container or of a Swarm
// stack's service (the viewer's tail; following is a server-sent event stream, not a query:
// logFollowUrl) and "Check for updates".
import { queryOptions, useMutation } from "@tanstack/react-query";
import type { LogTail } from "@/lib/docker/logs";
import type { ServiceLogTail } from "@/lib/docker/swarm";
import type { RemoteCheck } from "@/lib/stacks/updates";
import { api, withQuery } from "./api";
import { queryKeys } from "./keys";

/** Whose log the viewer shows: a container (GET /api/containers/{id}/logs) or a Swarm stack's service (GET /api/stacks/{name}/services/{svc}/logs). */
export type LogSource = { kind: "container"; id: string } | { kind: "service"; stack: string; service: string };

function logsPath(src: LogSource): string {
  return src.kind === "container"
    ? `/api/containers/${encodeURIComponent(src.id)}/logs`
    : `/api/stacks/${encodeURIComponent(src.stack)}/services/${encodeURIComponent(src.service)}/logs`;
}

/** The server-sent events of a followed log (for an EventSource). */
export const logFollowUrl = (src: LogSource, tail: number) => withQuery(logsPath(src), { follow: 1, tail });

/** The last `tail` lines of a container, or of a Swarm service (every task on every node), read when asked for (never polled: Follow streams). */
export const logsQuery = (src: LogSource, tail: number) =>
  queryOptions({
    queryKey: src.kind === "container" ? queryKeys.containers.logs(src.id, tail) : queryKeys.stacks.serviceLogs(src.stack, src.service, tail),
    queryFn: ({ signal }) => api<LogTail | ServiceLogTail>(logsPath(src), { query: { tail }, signal }),
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
