// GET /api/metrics – Prometheus text format (README: "Prometheus metrics").
// Access: WIDGET_API_KEY (read-only), or the API key / a session with at least viewer; the
// address allowlist applies. "webhook" here means route() applies only the allowlist;
// readOnlyCaller() checks the key before anything else.
import { route } from "@/lib/http/route";
import { readOnlyCaller } from "@/lib/widget/access";
import { collectMetrics } from "@/lib/metrics/collect";
import { CONTENT_TYPE } from "@/lib/metrics/exposition";

export const dynamic = "force-dynamic";

export const GET = route({ access: "webhook" }, async ({ req }) => {
  await readOnlyCaller(req);
  return new Response(await collectMetrics(), { headers: { "Content-Type": CONTENT_TYPE, "Cache-Control": "no-store" } });
});
