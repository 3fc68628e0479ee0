// The preview panel rendered by React (server renderer, a real QueryClient holding the
// preview the dialog would have fetched): order, words, image changes, the collapsed line.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { DeploymentPreview } from "@/lib/deploy/preview-types";
import { deploymentPreviewKey, deploymentPreviewQuery, previewUrl } from "@/lib/queries/preview";
import { DeploymentPreviewPanel } from "./deployment-preview";

const preview: DeploymentPreview = {
  kind: "rollout",
  from: "v1.0.0",
  to: "v1.1.0",
  toSha: "a".repeat(40),
  stacks: [
    {
      stack: "api",
      change: "unchanged",
      services: [{ service: "app", action: "untouched", reasons: [], from: "oresi-test/api:1.0.0", to: "oresi-test/api:1.0.0" }],
    },
    {
      stack: "web",
      change: "changed",
      services: [
        { service: "app", action: "recreated", reasons: ["image", "environment"], from: "oresi-test/web:1.0.0", to: "oresi-test/web:1.1.0" },
        { service: "proxy", action: "recreated", reasons: ["volumes"], from: "caddy:2", to: "caddy:2" },
        { service: "worker", action: "created", reasons: [], from: null, to: "oresi-test/web:1.1.0" },
        { service: "old", action: "removed", reasons: [], from: "oresi-test/old:1", to: null },
      ],
    },
    { stack: "cache", change: "unchanged", services: [] },
    { stack: "media", change: "added", services: [], error: "services.app.image must be a string" },
  ],
  counts: { recreated: 2, created: 1, removed: 1, untouched: 1 },
  summary:
    "2 services recreated: web/app oresi-test/web 1.0.0 → 1.1.0 (environment), web/proxy (volumes); 1 created: web/worker oresi-test/web:1.1.0; 1 removed: web/old; 1 untouched",
};

function render(data?: DeploymentPreview): string {
  const qc = new QueryClient();
  const target = { kind: "rollout", to: "v1.1.0" } as const;
  if (data) qc.setQueryData(deploymentPreviewKey(target), data);
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: qc }, createElement(DeploymentPreviewPanel, { target })));
}
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&gt;/g, ">")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ");

describe("DeploymentPreviewPanel", () => {
  it("shows the summary, the changed stacks first, each service's action in words, image changes and reasons", () => {
    const html = render(preview);
    const t = text(html);
    expect(t).toContain(preview.summary);
    // Changed and added stacks come before the one collapsed line of unchanged stacks.
    expect(html.indexOf('data-stack="web"')).toBeLessThan(html.indexOf("stacks unchanged"));
    expect(html.indexOf('data-stack="media"')).toBeLessThan(html.indexOf("stacks unchanged"));
    expect(t).toContain("2 stacks unchanged, not touched");
    expect(html).toMatch(/<details[^>]*data-testid="preview-unchanged"/);
    // Icon + word for every action, never colour alone.
    expect(t).toMatch(/↻ recreated app oresi-test\/web 1\.0\.0 → 1\.1\.0 \(environment\)/);
    expect(t).toMatch(/↻ recreated proxy caddy:2 \(volumes\)/);
    expect(t).toMatch(/\+ created worker new oresi-test\/web:1\.1\.0/);
    expect(t).toMatch(/− removed old oresi-test\/old:1 removed/);
    expect(t).toContain("Compose refused this stack's files: services.app.image must be a string");
    expect(t).not.toContain("(image");
  });

  it("shows a skeleton while the preview loads", () => {
    const html = render();
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain("animate-pulse");
    expect(text(html)).toContain("Loading what will change");
  });

  it("says why when the preview failed, and that confirming still works", async () => {
    // A static render cannot fetch again, so the failed query is shown as it is (the browser retries on reopen).
    const qc = new QueryClient({ defaultOptions: { queries: { retryOnMount: false } } });
    const target = { kind: "rollback" } as const;
    // A query that failed as the server's 409 would (the query's own options, its answer replaced).
    await qc.prefetchQuery({ ...deploymentPreviewQuery(target), queryFn: () => Promise.reject(new Error("Nothing to roll back to: no history.")) });
    const html = renderToStaticMarkup(createElement(QueryClientProvider, { client: qc }, createElement(DeploymentPreviewPanel, { target })));
    expect(html).toContain('data-state="error"');
    expect(text(html)).toContain("Preview unavailable: Nothing to roll back to: no history. You can still confirm; the pre-flight checks decide.");
  });

  it("asks the server for the preview of the right deployment", () => {
    expect(previewUrl({ kind: "rollout", to: "v1.2.0" })).toBe("/api/deployments/preview?kind=rollout&to=v1.2.0");
    expect(previewUrl({ kind: "rollback" })).toBe("/api/deployments/preview?kind=rollback");
  });
});
