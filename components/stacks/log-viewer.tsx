"use client";

import { useEffect, useId, useRef, useState } from "react";
import { useParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import type { LogLine } from "@/lib/docker/log-parse";
import { isUnreachable } from "@/lib/queries/api";
import { logFollowUrl, logsQuery, type LogSource } from "@/lib/queries/stacks";

const KEEP = 2000; // lines kept in the browser while following

/** A line as the API sends it: a service's lines also name their task's slot and node. */
type ShownLine = LogLine & { taskId?: string | null; slot?: number | null; node?: string | null };

/** Tail and follow a container's log: stdout/stderr told apart, error lines highlighted and counted. */
export function LogViewer({ containers }: { containers: { id: string; name: string }[] }) {
  return <LogPanel sources={containers.map((c) => ({ kind: "container", id: c.id, name: c.name }))} />;
}

/**
 * The "Logs" button of a Swarm service's row on the stack page (/stacks/[name]): opens the
 * service's log below it (every task on every node, each line with its replica and node), as
 * the stack's container logs are shown. Outside a stack page, or for a service of another stack, nothing.
 */
export function SwarmServiceLogs({ fullName }: { fullName: string }) {
  const params = useParams<{ name?: string }>();
  const [open, setOpen] = useState(false);
  const panel = useId();
  const stack = typeof params?.name === "string" ? params.name : null;
  if (!stack || !fullName.startsWith(`${stack}_`)) return null;
  const service = fullName.slice(stack.length + 1);
  return (
    <div className="mt-1">
      <Button
        variant="secondary"
        aria-expanded={open}
        aria-controls={open ? panel : undefined}
        onClick={() => setOpen(!open)}
        data-testid={`swarm-logs-${fullName}`}
      >
        {open ? "Hide logs" : "Logs"}
      </Button>
      {open ? (
        <div id={panel} className="mt-2">
          <LogPanel sources={[{ kind: "service", stack, service, name: fullName }]} />
        </div>
      ) : null}
    </div>
  );
}

/** Where a line came from, for a service's log: `web.2@node-1` as `docker service logs` says it. */
function origin(l: ShownLine, src: LogSource): string | null {
  if (src.kind !== "service" || !l.taskId) return null;
  return `${src.service}.${l.slot ?? l.taskId.slice(0, 12)}${l.node ? `@${l.node}` : ""}`;
}

const keyOf = (s: LogSource) => (s.kind === "container" ? s.id : `${s.stack}/${s.service}`);

function LogPanel({ sources }: { sources: (LogSource & { name: string })[] }) {
  const [key, setKey] = useState(sources[0] ? keyOf(sources[0]) : "");
  // a container recreated since the page was rendered: its first one
  const src = sources.find((s) => keyOf(s) === key) ?? sources[0] ?? null;
  const [tail, setTail] = useState(200);
  // Followed lines (server-sent events); while not following, the tail query's lines are shown.
  const [streamed, setLines] = useState<ShownLine[]>([]);
  const [following, setFollowing] = useState(false);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [streamMsg, setMsg] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const source = useRef<EventSource | null>(null);
  const what = src?.kind === "service" ? "Service" : "Container";
  const followUrl = src ? logFollowUrl(src, tail) : null;

  const tailQ = useQuery({ ...logsQuery(src ?? { kind: "container", id: "" }, tail), enabled: !!src && !following });
  const tailMsg = tailQ.isError
    ? isUnreachable(tailQ.error)
      ? "The server did not answer."
      : tailQ.error.message
    : tailQ.data?.truncated
      ? "Only the most recent part is shown (the log is very large)."
      : null;
  const lines: ShownLine[] = following ? streamed : tailQ.isError ? [] : (tailQ.data?.lines ?? []);
  const msg = following ? streamMsg : tailMsg;

  useEffect(() => {
    if (!following || !followUrl) return;
    const es = new EventSource(followUrl);
    source.current = es;
    es.addEventListener("ready", () => setMsg("Following…"));
    es.addEventListener("line", (ev) => {
      const l = JSON.parse((ev as MessageEvent).data) as ShownLine;
      setLines((prev) => {
        const next = prev.length >= KEEP ? prev.slice(prev.length - KEEP + 1) : prev.slice();
        next.push(l);
        return next;
      });
    });
    es.addEventListener("end", (ev) => {
      setMsg(JSON.parse((ev as MessageEvent).data).reason);
      es.close();
      setFollowing(false);
    });
    es.onerror = () => setMsg("Connection lost; retrying…");
    return () => {
      es.close();
      source.current = null;
    };
  }, [following, followUrl]);

  useEffect(() => {
    if (following && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [streamed, following]);

  const errorCount = lines.filter((l) => l.error).length;
  const shown = errorsOnly ? lines.filter((l) => l.error) : lines;
  if (!src) return <p className="text-sm">No container to show logs of.</p>;
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-end gap-3">
        {src.kind === "container" ? (
          <label className="flex flex-col text-sm">
            Container
            <select
              className="min-h-11 rounded-lg border border-slate-300 bg-white px-2 dark:border-slate-700 dark:bg-slate-900"
              value={key}
              onChange={(e) => setKey(e.target.value)}
            >
              {sources.map((c) => (
                <option key={keyOf(c)} value={keyOf(c)}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="flex flex-col text-sm">
          Lines
          <select
            className="min-h-11 rounded-lg border border-slate-300 bg-white px-2 dark:border-slate-700 dark:bg-slate-900"
            value={tail}
            onChange={(e) => setTail(Number(e.target.value))}
          >
            {[50, 200, 1000, 5000].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <Button
          variant={following ? "danger" : "secondary"}
          onClick={() => {
            if (!following) setLines([]);
            setFollowing(!following);
          }}
          aria-pressed={following}
        >
          {following ? "Stop following" : "Follow"}
        </Button>
        <label className="inline-flex min-h-11 items-center gap-2 text-sm">
          <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} className="h-5 w-5" />
          Errors only
        </label>
        <span className="text-sm" data-testid="log-error-count">
          <strong>{errorCount}</strong> error line{errorCount === 1 ? "" : "s"} of {lines.length}
        </span>
      </div>
      {msg ? (
        <p role="status" className="mb-2 text-sm text-slate-700 dark:text-slate-300">
          {msg}
        </p>
      ) : null}
      <div
        ref={box}
        role="log"
        aria-label={`${what} log`}
        aria-live={following ? "polite" : "off"}
        tabIndex={0}
        className="max-h-[28rem] overflow-auto rounded-lg bg-slate-950 p-2 font-mono text-xs leading-5 text-slate-100"
      >
        {shown.map((l, i) => {
          const from = origin(l, src);
          return (
            <div
              key={i}
              className={`whitespace-pre-wrap break-all ${l.error ? "bg-red-950 text-red-200" : l.stream === "stderr" ? "text-amber-200" : ""}`}
              data-error={l.error || undefined}
            >
              <span className="sr-only">{l.stream} </span>
              {l.error ? <span aria-hidden="true">✕ </span> : null}
              {from ? <span className="text-sky-300">{from} | </span> : null}
              {l.text}
            </div>
          );
        })}
        {!shown.length ? <div className="text-slate-400">No lines.</div> : null}
      </div>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Standard error in amber; lines matching the error patterns marked ✕ in red.
        {src.kind === "service" ? " Each line starts with its replica and node (service.replica@node), from every node of the swarm." : ""}
      </p>
    </div>
  );
}
