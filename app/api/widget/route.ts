// GET /api/widget – the flat JSON for Homepage's customapi widget (README: "Homepage widget").
// Access: WIDGET_API_KEY, or the API key / a session with at least viewer. "webhook" here means
// route() applies only the allowlist; readOnlyCaller() checks the key before anything else.
import { route } from "@/lib/http/route";
import { readOnlyCaller } from "@/lib/widget/access";
import { widgetData } from "@/lib/widget/data";

export const dynamic = "force-dynamic";

export const GET = route({ access: "webhook" }, async ({ req }) => {
  await readOnlyCaller(req);
  return widgetData();
});
