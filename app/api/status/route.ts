// GET /api/status – dependencies and their health, version, sync state
import { route } from "@/lib/http/route";
import { status } from "@/lib/status";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => status());
