import "server-only";
import { subscribe } from "./events";
import { getDeploymentRow, logsOf } from "./store";
import { ACTIVE_STATUSES, type DeploymentEvent } from "./types";

// Server-sent events for one deployment: first the record and every log line from the
// database (so a page opened later shows the same), then live events from the bus. Log
// lines carry their id as the SSE id, so a reconnect (Last-Event-ID) resumes without gaps.

export function deploymentEvents(id: string, afterLogId: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let lastLog = afterLogId;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(text));
        } catch {
          close();
        }
      };
      const sendEvent = (ev: DeploymentEvent) => {
        if (ev.type === "log") {
          if (ev.log.id <= lastLog) return;
          lastLog = ev.log.id;
          send(`id: ${ev.log.id}\nevent: log\ndata: ${JSON.stringify(ev.log)}\n\n`);
        } else {
          send(`event: deployment\ndata: ${JSON.stringify(ev.deployment)}\n\n`);
          if (!ACTIVE_STATUSES.includes(ev.deployment.status)) {
            send(`event: end\ndata: ${JSON.stringify({ status: ev.deployment.status })}\n\n`);
            close();
          }
        }
      };
      // Subscribe first, buffer, then replay: no line can fall between replay and live.
      const buffered: DeploymentEvent[] = [];
      let replaying = true;
      const unsub = subscribe(id, (ev) => (replaying ? buffered.push(ev) : sendEvent(ev)));
      const ping = setInterval(() => send(`: ping\n\n`), 15_000);
      function close() {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        unsub();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      }
      cleanup = close;
      signal.addEventListener("abort", close, { once: true });
      send(`retry: 2000\n\n`);
      for (const log of logsOf(id, afterLogId)) sendEvent({ type: "log", deploymentId: id, log });
      const d = getDeploymentRow(id);
      replaying = false;
      const live = buffered.filter((e) => e.type === "log");
      for (const ev of live) sendEvent(ev);
      if (d) sendEvent({ type: "deployment", deploymentId: id, deployment: getDeploymentRow(id) ?? d });
    },
    cancel() {
      cleanup();
    },
  });
}
