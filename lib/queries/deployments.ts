// Client actions on deployments besides starting one (that is the rollout/rollback intent,
// lib/queries/intents): lifting the hold on a release.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./api";
import { queryKeys } from "./keys";

/** DELETE /api/deployments/holds/{release}: a scheduled sync may roll the release out again. */
export function useLiftHold() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (release: string) => api<{ lifted: unknown }>(`/api/deployments/holds/${encodeURIComponent(release)}`, { method: "DELETE" }),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.deployments.all }),
        qc.invalidateQueries({ queryKey: queryKeys.sync.all }),
        qc.invalidateQueries({ queryKey: queryKeys.intents.all }),
      ]),
  });
}
