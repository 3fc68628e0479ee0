import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/time";
import { SyncPanel } from "@/components/sync/sync-panel";
import { every } from "@/components/sync/format";
import { TestNotificationButton } from "@/components/sync/test-notification-button";
import { pageCaller } from "@/lib/access/page";
import { config } from "@/lib/config";
import { readResults, targetSummaries } from "@/lib/notify/queue";
import { syncStatus } from "@/lib/sync/scheduler";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings" };

const TARGET_LABEL = { webhook: "JSON webhook", discord: "Discord", slack: "Slack", ntfy: "ntfy" } as const;
const TARGET_VAR = { webhook: "NOTIFY_WEBHOOK_URL", discord: "NOTIFY_DISCORD_URL", slack: "NOTIFY_SLACK_URL", ntfy: "NOTIFY_NTFY_URL" } as const;

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[14rem_1fr]">
      <dt className="font-medium">{label}</dt>
      <dd className="min-w-0 break-words text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

export default async function SettingsPage() {
  await pageCaller("viewer");
  const c = config();
  const sync = syncStatus();
  const targets = targetSummaries();
  const recent = readResults().slice(0, 10);
  const base = c.PUBLIC_URL ?? c.NEXTAUTH_URL;
  return (
    <>
      <PageHeader title="Settings" />
      <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">
        Settings come from environment variables (see <code className="font-mono">.env.example</code>); change them and restart. Secrets are never shown.
      </p>
      <SyncPanel initial={sync} />

      <Card title="Sync configuration" className="mb-4">
        <dl className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          <Row label="Schedule (SYNC_INTERVAL)">{sync.enabled ? `every ${every(sync.intervalMs)}` : "off"}</Row>
          <Row label="Policy (SYNC_POLICY)">
            <span className="font-mono">{sync.policy}</span> —{" "}
            {sync.policy === "rollout"
              ? "new releases are rolled out automatically, verified, rolled back on failure"
              : "new releases are announced; a person rolls them out"}
          </Row>
          <Row label="Pre-releases (SYNC_PRERELEASES)">{sync.prereleases ? "rolled out and announced too" : "never rolled out automatically"}</Row>
          <Row label="Remote">
            <span className="font-mono">{c.GIT_REMOTE}</span>, branch <span className="font-mono">{c.GIT_MAIN_BRANCH}</span>
          </Row>
          <Row label="Last successful sync">
            <RelativeTime iso={sync.lastSuccessAt} />
          </Row>
          <Row label="GitHub webhook">
            {sync.webhook.configured ? (
              <>
                <StatusBadge tone="ok" label="secret set" /> <span className="font-mono">{base ? `${base}/api/webhooks/github` : "/api/webhooks/github"}</span>,
                content type <span className="font-mono">application/json</span>, events <em>push</em> and <em>create</em>
                {sync.webhook.repository ? (
                  <>
                    ; only <span className="font-mono">{sync.webhook.repository}</span>
                  </>
                ) : null}
                .
              </>
            ) : (
              <>
                <StatusBadge tone="unknown" label="off" /> Set <code className="font-mono">WEBHOOK_SECRET</code> to accept GitHub webhooks; the schedule works
                without any inbound connection.
              </>
            )}
          </Row>
          <Row label="Other forges, CI">
            <span className="font-mono">POST /api/webhooks/sync</span> with the API key (<span className="font-mono">Authorization: Bearer …</span>)
          </Row>
        </dl>
      </Card>

      <Card title="Notification targets" className="mb-4" actions={<TestNotificationButton disabled={!targets.length} />}>
        {targets.length ? (
          <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Notification targets">
            {targets.map((t) => (
              <li key={t.type} className="flex flex-wrap items-start justify-between gap-2 py-2">
                <div className="min-w-0">
                  <p className="font-medium">{TARGET_LABEL[t.type]}</p>
                  <p className="break-all font-mono text-xs text-slate-700 dark:text-slate-300">{t.display}</p>
                </div>
                <div className="text-right">
                  {t.last ? (
                    <>
                      <StatusBadge tone={t.last.ok ? "ok" : "bad"} label={t.last.ok ? "delivered" : "failed"} />
                      <p className="text-xs text-slate-700 dark:text-slate-300">
                        {t.last.title} · <RelativeTime iso={t.last.at} />
                        {t.last.ok ? "" : ` · ${t.last.error}${t.last.attempts > 1 ? " (after a retry)" : ""}`}
                      </p>
                    </>
                  ) : (
                    <StatusBadge tone="unknown" label="nothing sent yet" />
                  )}
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">
            None configured. Set any of <code className="font-mono">{Object.values(TARGET_VAR).join(", ")}</code> to hear about deployments (success, failure,
            automatic rollback), new releases and drift.
          </p>
        )}
      </Card>

      {recent.length ? (
        <Card title="Recent notifications">
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">The last notifications sent, newest first</caption>
              <thead>
                <tr className="border-b border-slate-200 dark:border-slate-800">
                  <th scope="col" className="py-2 pr-3">
                    When
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    Target
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    Message
                  </th>
                  <th scope="col" className="py-2">
                    Result
                  </th>
                </tr>
              </thead>
              <tbody>
                {recent.map((r, i) => (
                  <tr key={`${r.at}-${r.target}-${i}`} className="border-b border-slate-100 dark:border-slate-800">
                    <td className="py-2 pr-3 whitespace-nowrap">
                      <RelativeTime iso={r.at} />
                    </td>
                    <td className="py-2 pr-3">{TARGET_LABEL[r.target]}</td>
                    <td className="py-2 pr-3">{r.title}</td>
                    <td className="py-2">
                      <StatusBadge tone={r.ok ? "ok" : "bad"} label={r.ok ? "delivered" : "failed"} />{" "}
                      <span className="text-xs">{r.ok ? `${r.durationMs} ms` : r.error}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}
    </>
  );
}
