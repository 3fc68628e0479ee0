import { z } from "zod";

// zod schemas for the two public status-page endpoints. Only the fields Oresi uses are
// required; everything else may come and go between Kuma versions (unknown keys are dropped).

const incidentSchema = z.object({
  title: z.string().nullish(),
  content: z.string().nullish(),
  style: z.string().nullish(),
  createdDate: z.string().nullish(),
});

export const statusPageSchema = z.object({
  config: z.object({ slug: z.string().optional(), title: z.string().nullish() }).optional(),
  /** Uptime Kuma ≥ 2.1: a list. */
  incidents: z.array(incidentSchema).nullish(),
  /** Uptime Kuma ≤ 2.0: one incident or null. */
  incident: incidentSchema.nullish(),
  publicGroupList: z.array(
    z.object({
      id: z.number().optional(),
      name: z.string().nullish(),
      monitorList: z.array(z.object({ id: z.number().int(), name: z.string(), type: z.string().nullish() })).default([]),
    }),
  ),
  maintenanceList: z.array(z.unknown()).nullish(),
});
export type StatusPagePayload = z.infer<typeof statusPageSchema>;

export const heartbeatSchema = z.object({
  heartbeatList: z.record(
    z.string(),
    z.array(
      z.object({
        status: z.number().int(),
        time: z.string(),
        msg: z.string().nullish(),
        ping: z.number().nullish(),
      }),
    ),
  ),
  uptimeList: z.record(z.string(), z.number().nullable()).default({}),
});
export type HeartbeatPayload = z.infer<typeof heartbeatSchema>;

/** A status page slug as Kuma allows it; validated again here, since it becomes part of a URL path. */
export const SLUG_RE = /^[a-z0-9][a-z0-9-]{0,63}$/i;
