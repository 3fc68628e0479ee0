// Client query for the rollout preview (GET /api/deployments/preview): what a rollout or
// rollback would do to each service. Advisory: the dialog shows it, pre-flight decides.
import { queryOptions } from "@tanstack/react-query";
import type { DeploymentPreview } from "@/lib/deploy/preview-types";

export type PreviewTarget = { kind: "rollout"; to: string } | { kind: "rollback" };

export const deploymentPreviewKey = (t: PreviewTarget) => (t.kind === "rollout" ? (["deployment-preview", "rollout", t.to] as const) : (["deployment-preview", "rollback"] as const));

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
      let res: Response;
      try {
        res = await fetch(previewUrl(t), { headers: { accept: "application/json" }, signal });
      } catch (e) {
        if ((e as Error).name === "AbortError") throw e;
        throw new Error("The server could not be reached.");
      }
      const body = (await res.json().catch(() => ({}))) as Partial<DeploymentPreview> & { error?: { code: string; message: string } };
      if (!res.ok || !body.stacks) throw new Error(body.error?.message ?? `The server answered ${res.status}.`);
      return body as DeploymentPreview;
    },
    staleTime: 15_000,
    retry: false,
    refetchInterval: false,
    refetchOnWindowFocus: false,
  });
