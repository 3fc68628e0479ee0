// Client data of intents: the list the signed-in person may run (shared by every intent
// button), one intent's preview (its confirm text with the parameters resolved), and the
// run itself (POST /api/intents/{name}), after which what it may have changed is refetched.
import { queryOptions, useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { IntentView } from "@/lib/intents/schema";
import type { DeploymentPreview } from "@/lib/deploy/preview-types";
import { api, ApiError } from "./api";
import { queryKeys, type IntentParams } from "./keys";

export interface IntentPreview {
  intent: IntentView;
  params: IntentParams;
  current: string | null;
  confirm: string | null;
  /** The confirm text without the rollout preview (the dialog's title). */
  question?: string | null;
  details: string | null;
  deployment?: DeploymentPreview | null;
}

/** The answer of a run: `url` names the deployment it started, `summary` says what happened. */
export type IntentResult = Record<string, unknown> & { summary?: string; url?: string };

export type LooseParams = Record<string, string | boolean | undefined>;

/** The parameters without the empty ones (as the server expects them). */
export function cleanParams(params: LooseParams): IntentParams {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")) as IntentParams;
}

const intentPath = (name: string) => `/api/intents/${encodeURIComponent(name)}`;

/** The intents the signed-in person may run (the server decides; shared by every button). A refusal reads as none. */
export const intentsQuery = () =>
  queryOptions({
    queryKey: queryKeys.intents.list(),
    queryFn: async ({ signal }): Promise<IntentView[]> => {
      try {
        return (await api<{ intents: IntentView[] }>("/api/intents", { signal })).intents;
      } catch (e) {
        if (e instanceof ApiError && e.status > 0) return [];
        throw e;
      }
    },
    staleTime: 30_000,
    refetchInterval: false,
  });

/** One intent resolved for these parameters (runs nothing); read fresh each time a dialog opens. */
export const intentPreviewQuery = (name: string, params: IntentParams) =>
  queryOptions({
    queryKey: queryKeys.intents.preview(name, params),
    queryFn: ({ signal }) => api<IntentPreview>(intentPath(name), { query: params, signal }),
    staleTime: 0,
    retry: false,
    refetchInterval: false,
  });

/**
 * What any run may change: deployments (a rollout, rollback or sync starts one), releases
 * (tag), sync state, and the intents' resolved parameters (the deployed release).
 */
export async function invalidateAfterRun(qc: QueryClient): Promise<void> {
  await Promise.all([
    qc.invalidateQueries({ queryKey: queryKeys.deployments.all }),
    qc.invalidateQueries({ queryKey: queryKeys.releases.all }),
    qc.invalidateQueries({ queryKey: queryKeys.sync.all }),
    qc.invalidateQueries({ queryKey: queryKeys.intents.all }),
  ]);
}

export const runIntent = (name: string, params: IntentParams) => api<IntentResult>(intentPath(name), { method: "POST", body: params });

/** Run an intent (POST /api/intents/{name}); throws ApiError with the server's message. */
export function useRunIntent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, params }: { name: string; params: IntentParams }) => runIntent(name, params),
    onSuccess: () => invalidateAfterRun(qc),
  });
}
