// POST /api/stacks/{name}/check-updates – ask the registries whether the stack's image tags moved
import { route } from "@/lib/http/route";
import { stackName } from "@/lib/domain";
import { checkStackUpdates } from "@/lib/stacks/check";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>({ access: "operator" }, async (ctx) => {
  const name = stackName(ctx.params.name);
  const result = await checkStackUpdates(name);
  ctx.audit({
    action: "stack.check_updates",
    target: name,
    params: { images: result.checks.map((c) => c.ref) },
    result: result.checks.some((c) => c.error) ? "partial" : "ok",
  });
  return result;
});
