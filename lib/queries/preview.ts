// Client query for the rollout preview (GET /api/deployments/preview): what a rollout or
// rollback would do to each service. Advisory: the dialog shows it, pre-flight decides.
import { queryOptions } from "@tanstack/react-query";
import type { DeploymentPreview } from "@/lib/deploy/preview-types";
import { api, ApiError } from "./api";
import { queryKeys, type PreviewTarget } from "./keys";

export type { PreviewTarget } from "./keys";

export const deploymentPreviewKey = (t: PreviewTarget) => queryKeys.deployments.preview(t);

export function previewUrl(t: PreviewTarget): string {
  const q = new URLSearchParams({ kind: t.kind });
  if (t.kind === "rollout") q.set("to", t.to);
  return `/api/deployments/preview?${q.toString()}`;
}

/** The preview of one rollout/rollback; an error carries the server's message. */
export const deploymentPreviewQuery = (t: PreviewTarget) =>
  queryOptions({
    queryKey: deploymentPreviewKey(t),
    queryFn: async ({ signal }): Promise<DeploymentPreview> => {
      const body = await api<Partial<DeploymentPreview>>(previewUrl(t), { signal });
      if (!body?.stacks) throw new ApiError("bad_response", "The server answered 200.", 200);
      return body as DeploymentPreview;
    },
    staleTime: 15_000,
    retry: false,
    refetchInterval: false,
    refetchOnWindowFocus: false,
  });
