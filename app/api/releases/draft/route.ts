// GET /api/releases/draft – what "Tag release" pre-fills: suggested versions and notes since the newest release
import { route } from "@/lib/http/route";
import { prepareRelease } from "@/lib/releases/prepare";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => prepareRelease());
