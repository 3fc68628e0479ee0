// GET /api/stacks – every stack of the deployed release with its containers, health and drift
import { route } from "@/lib/http/route";
import { stacksReport } from "@/lib/stacks/report";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => stacksReport());
