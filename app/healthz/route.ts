// GET /healthz – liveness for the container HEALTHCHECK and load balancers: public, no secrets.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
