// GET /api/kuma – Uptime Kuma monitors, their stacks, counts, source and state (ok/degraded/unconfigured)
import { route } from "@/lib/http/route";
import { kumaOverview } from "@/lib/stacks/monitors";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => kumaOverview());
