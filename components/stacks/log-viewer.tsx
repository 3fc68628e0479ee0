"use client";

import { useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import type { LogLine } from "@/lib/docker/log-parse";
import { isUnreachable } from "@/lib/queries/api";
import { containerLogsQuery } from "@/lib/queries/stacks";

const KEEP = 2000; // lines kept in the browser while following

/** Tail and follow a container's log: stdout/stderr told apart, error lines highlighted and counted. */
export function LogViewer({ containers }: { containers: { id: string; name: string }[] }) {
  const [id, setId] = useState(containers[0]?.id ?? "");
  const [tail, setTail] = useState(200);
  // Followed lines (server-sent events); while not following, the tail query's lines are shown.
  const [streamed, setLines] = useState<LogLine[]>([]);
  const [following, setFollowing] = useState(false);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [streamMsg, setMsg] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const source = useRef<EventSource | null>(null);

  const tailQ = useQuery({ ...containerLogsQuery(id, tail), enabled: !!id && !following });
  const tailMsg = tailQ.isError
    ? isUnreachable(tailQ.error)
      ? "The server did not answer."
      : tailQ.error.message
    : tailQ.data?.truncated
      ? "Only the most recent part is shown (the log is very large)."
      : null;
  const lines = following ? streamed : tailQ.isError ? [] : (tailQ.data?.lines ?? []);
  const msg = following ? streamMsg : tailMsg;

  useEffect(() => {
    if (!following || !id) return;
    const es = new EventSource(`/api/containers/${id}/logs?follow=1&tail=${tail}`);
    source.current = es;
    es.addEventListener("ready", () => setMsg("Following…"));
    es.addEventListener("line", (ev) => {
      const l = JSON.parse((ev as MessageEvent).data) as LogLine;
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
  }, [following, id, tail]);

  useEffect(() => {
    if (following && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [streamed, following]);

  const errorCount = lines.filter((l) => l.error).length;
  const shown = errorsOnly ? lines.filter((l) => l.error) : lines;
  if (!containers.length) return <p className="text-sm">No container to show logs of.</p>;
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm">
          Container
          <select
            className="min-h-11 rounded-lg border border-slate-300 bg-white px-2 dark:border-slate-700 dark:bg-slate-900"
            value={id}
            onChange={(e) => setId(e.target.value)}
          >
            {containers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
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
        aria-label="Container log"
        aria-live={following ? "polite" : "off"}
        tabIndex={0}
        className="max-h-[28rem] overflow-auto rounded-lg bg-slate-950 p-2 font-mono text-xs leading-5 text-slate-100"
      >
        {shown.map((l, i) => (
          <div
            key={i}
            className={`whitespace-pre-wrap break-all ${l.error ? "bg-red-950 text-red-200" : l.stream === "stderr" ? "text-amber-200" : ""}`}
            data-error={l.error || undefined}
          >
            <span className="sr-only">{l.stream} </span>
            {l.error ? <span aria-hidden="true">✕ </span> : null}
            {l.text}
          </div>
        ))}
        {!shown.length ? <div className="text-slate-400">No lines.</div> : null}
      </div>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Standard error in amber; lines matching the error patterns marked ✕ in red.</p>
    </div>
  );
}
