// GET /api/deployments/rollback-plan – what "Roll back" would do (the confirmation dialog's text)
import { route } from "@/lib/http/route";
import { rollbackPlan } from "@/lib/deploy";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => rollbackPlan());
