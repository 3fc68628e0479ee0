// GET /api/deployments/holds – releases on hold after an automatic rollback
import { route } from "@/lib/http/route";
import { listHolds } from "@/lib/deploy";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => ({ holds: listHolds() }));
