import { route } from "@/lib/http/route";
import { intentsFor } from "@/lib/intents/run";

// GET /api/intents – the intents the caller may run
export const GET = route({ access: "viewer" }, async (ctx) => ({ intents: intentsFor(ctx.caller) }));
