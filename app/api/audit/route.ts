// GET /api/audit – the audit trail, newest first, filtered; ?format=jsonl exports every match
import { route } from "@/lib/http/route";
import { auditQuerySchema, exportAudit, listAudit } from "@/lib/audit/query";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async (ctx) => {
  const q = ctx.query(auditQuerySchema);
  if (q.format === "jsonl") {
    const { format: _format, limit: _limit, ...filters } = q;
    ctx.audit({ action: "audit.export", target: "audit", params: filters, result: "ok" });
    const it = exportAudit(q);
    const enc = new TextEncoder();
    // one page (up to 500 events, read in full) per pull; nothing stays open between pulls
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const n = it.next();
        if (n.done) return controller.close();
        controller.enqueue(enc.encode(n.value));
      },
      cancel() {
        it.return(undefined);
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, "");
    return new Response(body, {
      headers: {
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="oresi-audit-${stamp}.jsonl"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return listAudit(q);
});
