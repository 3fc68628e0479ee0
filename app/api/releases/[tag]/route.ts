// GET /api/releases/{tag} – one release: message, changelog section, changed stacks, image changes, deployed
import { route } from "@/lib/http/route";
import { getRelease } from "@/lib/releases/detail";

export const dynamic = "force-dynamic";

export const GET = route<{ tag: string }>({ access: "viewer" }, async (ctx) => getRelease(ctx.params.tag));
