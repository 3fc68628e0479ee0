// GET /metrics – Prometheus' conventional scrape path: the same handler as /api/metrics
// (read-only key or API key, allowlist), so a scrape_config needs no metrics_path.
export { GET } from "../api/metrics/route";

export const dynamic = "force-dynamic";
