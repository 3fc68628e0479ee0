// Client data of releases: the "Tag release" draft (GET /api/releases/draft), tagging
// (the `tag` intent, or POST /api/releases for an edited message), and the first-run
// clone of the stacks repository (POST /api/repo/clone, its progress from GET).
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { VersionSuggestions } from "@/lib/releases/versions";
import type { CloneJob } from "@/lib/git/clone";
import { api } from "./api";
import { invalidateAfterRun, runIntent } from "./intents";
import { queryKeys } from "./keys";

/** What the Tag release dialog needs of GET /api/releases/draft. */
export interface TagDraft {
  sha: string | null;
  ref: string;
  suggestions: VersionSuggestions;
  message: string;
  existing: string[];
  fetchError?: string | null;
}

/** The draft; each read fetches origin/main on the server, so it is never polled and always read fresh. */
export const releaseDraftQuery = () =>
  queryOptions({
    queryKey: queryKeys.releases.draft(),
    queryFn: ({ signal }) => api<TagDraft>("/api/releases/draft", { signal }),
    staleTime: 0,
    refetchInterval: false,
    refetchOnWindowFocus: false,
  });

export interface TagInput {
  tag: string;
  /** The edited message (free text through POST /api/releases); undefined: the drafted notes, through the `tag` intent. */
  message?: string;
  backport: boolean;
  changelog: boolean;
}

/** Tag a release (201); throws ApiError with the server's message. */
export function useTagRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ tag, message, backport, changelog }: TagInput) =>
      message !== undefined
        ? api<Record<string, unknown>>("/api/releases", {
            method: "POST",
            body: { tag, message, backport: backport || undefined, changelog: changelog || undefined },
          })
        : runIntent("tag", { version: tag, ...(backport ? { backport: true } : {}), ...(changelog ? { changelog: true } : {}) }),
    onSuccess: () => invalidateAfterRun(qc),
  });
}

export type { CloneJob } from "@/lib/git/clone";

/** The clone's progress, polled each second while it runs. */
export const repoCloneQuery = () =>
  queryOptions({
    queryKey: queryKeys.repo.clone(),
    queryFn: ({ signal }) => api<CloneJob>("/api/repo/clone", { signal }),
    refetchInterval: (q) => (q.state.data?.state === "running" ? 1_000 : false),
    refetchOnWindowFocus: false,
  });

/** Start cloning into STACKS_DIR (202 with the job); the job seeds repoCloneQuery. */
export function useCloneRepo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (url: string) => api<CloneJob>("/api/repo/clone", { method: "POST", body: { url } }),
    onSuccess: (job) => qc.setQueryData(queryKeys.repo.clone(), job),
  });
}
