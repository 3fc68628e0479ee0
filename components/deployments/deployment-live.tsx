"use client";

// One deployment, live: a progress bar over the steps, the log as it streams (server-sent
// events, replayed from the database first), the verification table and linked rollbacks.
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/time";
import { StatusBadge } from "@/components/ui/status-badge";
import { STEP_LABELS, type Deployment, type LogLine, type Step } from "@/lib/deploy/types";
import { DeploymentStatus } from "./deployment-status";
import { duration, kindWord, who } from "./format";

const stepTone: Record<Step["status"], string> = {
  ok: "bg-emerald-600",
  running: "bg-blue-600 animate-pulse",
  failed: "bg-red-600",
  skipped: "bg-slate-300 dark:bg-slate-700",
  pending: "bg-slate-200 dark:bg-slate-800",
};
const stepIcon: Record<Step["status"], string> = { ok: "✓", running: "●", failed: "✕", skipped: "–", pending: "○" };

export function StepsBar({ steps }: { steps: Step[] }) {
  const done = steps.filter((s) => s.status === "ok" || s.status === "skipped").length;
  return (
    <div>
      <div role="progressbar" aria-label="Deployment progress" aria-valuemin={0} aria-valuemax={steps.length} aria-valuenow={done} className="flex gap-1">
        {steps.map((s) => (
          <div key={s.name} className={`h-2 flex-1 rounded ${stepTone[s.status]}`} />
        ))}
      </div>
      <ol className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs sm:grid-cols-4 lg:grid-cols-8">
        {steps.map((s) => (
          <li key={s.name} data-step={s.name} data-status={s.status} title={s.detail}>
            <span aria-hidden="true">{stepIcon[s.status]} </span>
            <span className="font-medium">{STEP_LABELS[s.name]}</span>{" "}
            <span className="text-slate-600 dark:text-slate-400">{s.status === "pending" ? "" : s.status === "ok" ? duration(s.durationMs) : s.status}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

const streamClass: Record<LogLine["stream"], string> = {
  info: "",
  stdout: "text-slate-700 dark:text-slate-300",
  stderr: "text-slate-700 dark:text-slate-300",
  warn: "text-amber-800 dark:text-amber-300",
  error: "text-red-700 dark:text-red-300 font-semibold",
};

export function DeploymentLive({ initial, initialLogs }: { initial: Deployment; initialLogs: LogLine[] }) {
  const [d, setD] = useState(initial);
  const [logs, setLogs] = useState(initialLogs);
  const [live, setLive] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    const after = initialLogs.length ? initialLogs[initialLogs.length - 1].id : 0;
    const es = new EventSource(`/api/deployments/${initial.id}/events?after=${after}`);
    es.onopen = () => setLive(true);
    es.addEventListener("log", (e) => {
      const l = JSON.parse((e as MessageEvent).data) as LogLine;
      setLogs((prev) => (prev.length && prev[prev.length - 1].id >= l.id ? prev : [...prev, l]));
    });
    es.addEventListener("deployment", (e) => setD(JSON.parse((e as MessageEvent).data) as Deployment));
    es.addEventListener("end", () => {
      setLive(false);
      es.close();
    });
    es.onerror = () => setLive(false);
    return () => es.close();
  }, [initial.id, initialLogs]);

  useEffect(() => {
    const el = logRef.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [logs]);

  return (
    <div className="space-y-4">
      <Card>
        <div className="mb-3 flex flex-wrap items-center gap-2">
          <span className="font-mono text-lg font-semibold">
            {d.from && d.kind !== "adopt" ? `${d.from} → ` : ""}
            {d.to}
          </span>
          <span data-testid="deployment-status">
            <DeploymentStatus d={d} />
          </span>
          {live ? <StatusBadge tone="info" label="live" /> : null}
        </div>
        <dl className="mb-4 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Kind</dt>
            <dd>{kindWord(d)}</dd>
          </div>
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Who</dt>
            <dd>{who(d)}</dd>
          </div>
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Started</dt>
            <dd>
              <RelativeTime iso={d.startedAt ?? d.createdAt} />
            </dd>
          </div>
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Duration</dt>
            <dd className="font-mono">{duration(d.durationMs)}</dd>
          </div>
        </dl>
        {d.steps.length ? <StepsBar steps={d.steps} /> : null}
        {d.stacks.length ? (
          <p className="mt-3 text-sm">
            Stacks:{" "}
            {d.stacks.map((s) => `${s.stack} (${s.change}${s.host ? ` on ${s.host}` : ""}${s.movedFrom ? `, moved from ${s.movedFrom}` : ""})`).join(", ")}
          </p>
        ) : null}
        {d.error ? (
          <p role="alert" className="mt-3 rounded-lg bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
            {d.error}
          </p>
        ) : null}
        {d.rolledBackBy ? (
          <p className="mt-3 text-sm">
            Rolled back by{" "}
            <Link className="font-mono underline" href={`/deployments/${d.rolledBackBy}`}>
              {d.rolledBackBy}
            </Link>
          </p>
        ) : null}
        {d.rollbackOf ? (
          <p className="mt-3 text-sm">
            Rollback of{" "}
            <Link className="font-mono underline" href={`/deployments/${d.rollbackOf}`}>
              {d.rollbackOf}
            </Link>
          </p>
        ) : null}
      </Card>

      {d.verification ? (
        <Card title={`Verification: ${d.verification.ok ? "passed" : "failed"}`}>
          <p className="mb-2 text-sm">{d.verification.summary}</p>
          <div className="-mx-4 overflow-x-auto px-4">
            <table className="w-full min-w-[32rem] text-left text-sm" data-testid="verification">
              <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-1 pr-3">
                    Stack
                  </th>
                  <th scope="col" className="py-1 pr-3">
                    Check
                  </th>
                  <th scope="col" className="py-1 pr-3">
                    Required
                  </th>
                  <th scope="col" className="py-1 pr-3">
                    Seen
                  </th>
                  <th scope="col" className="py-1 pr-3">
                    Result
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {d.verification.rows.map((r, i) => (
                  <tr key={i}>
                    <td className="py-1 pr-3 font-mono">{r.stack}</td>
                    <td className="py-1 pr-3">
                      {r.signal}: {r.subject}
                    </td>
                    <td className="py-1 pr-3">{r.required}</td>
                    <td className="py-1 pr-3">{r.seen}</td>
                    <td className="py-1 pr-3">
                      <StatusBadge tone={r.ok ? "ok" : r.informational ? "unknown" : "bad"} label={r.ok ? "ok" : r.informational ? "noted" : "failed"} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}

      {d.services?.length ? (
        <Card title="Exact images">
          <ul className="space-y-1 text-sm">
            {d.services.map((s) => (
              <li key={`${s.stack}/${s.service}`} className="flex flex-wrap gap-x-2">
                <span className="font-mono">
                  {s.stack}/{s.service}
                </span>
                <span className="font-mono">{s.image}</span>
                <span className="font-mono text-slate-600 dark:text-slate-400" title={s.digest ?? s.imageId ?? ""}>
                  {(s.digest ?? s.imageId ?? "").replace(/^(.*@)?sha256:([0-9a-f]{12}).*$/, "sha256:$2")}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title="Log">
        <div
          ref={logRef}
          onScroll={(e) => {
            const el = e.currentTarget;
            follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
          }}
          tabIndex={0}
          role="log"
          aria-label="Deployment log"
          className="max-h-[28rem] overflow-auto rounded-lg bg-slate-50 p-2 font-mono text-xs leading-5 dark:bg-slate-950"
        >
          {logs.length ? (
            logs.map((l) => (
              <div key={l.id} className={`whitespace-pre-wrap break-all ${streamClass[l.stream]}`}>
                <span className="text-slate-600 dark:text-slate-400">{l.ts.slice(11, 19)} </span>
                {l.line}
              </div>
            ))
          ) : (
            <span>No log lines yet.</span>
          )}
        </div>
      </Card>
    </div>
  );
}
