// GET /api/stacks/{name} – one stack: desired vs running per service, the compose file at the release
import { route } from "@/lib/http/route";
import { stackName } from "@/lib/domain";
import { stackDetail } from "@/lib/stacks/report";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ access: "viewer" }, async (ctx) => stackDetail(stackName(ctx.params.name)));
