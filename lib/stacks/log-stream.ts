import "server-only";
import { followLogs, type LogLine } from "../docker/logs";

// Server-sent events for a followed log. Back-pressure goes all the way to Docker: when the
// browser reads slowly, the queue stops at HIGH_WATER lines and the Docker stream is paused,
// so a container printing megabytes never fills the server's memory. A client that goes away
// closes the Docker stream.

const HIGH_WATER = 500;

export async function followLogsResponse(id: string, opts: { tail?: number; since?: string; signal?: AbortSignal; host?: string }): Promise<Response> {
  const enc = new TextEncoder();
  const ctrl = new AbortController();
  opts.signal?.addEventListener("abort", () => ctrl.abort(), { once: true });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let errors = 0;
  const send = (event: string, data: unknown) => {
    if (closed) return;
    try {
      controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      closed = true;
    }
  };
  // Open (and fail with 404/503) before answering 200.
  const follower = await followLogs(
    id,
    (l: LogLine) => {
      if (l.error) errors++;
      send("line", { ...l, errors });
      if (controller.desiredSize !== null && controller.desiredSize <= 0) follower?.pause();
    },
    {
      tail: opts.tail ?? 100,
      since: opts.since,
      host: opts.host,
      signal: ctrl.signal,
      onEnd: (err) => {
        send("end", { reason: err ? err.message : "the container stopped or its log ended" });
        if (!closed) {
          closed = true;
          clearInterval(ping);
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        }
      },
    },
  );
  const ping = setInterval(() => {
    if (closed) return;
    try {
      controller.enqueue(enc.encode(`: ping\n\n`));
    } catch {
      closed = true;
    }
  }, 15_000);
  ping.unref();
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        send("ready", { containerId: follower.containerId });
      },
      pull() {
        follower.resume();
      },
      cancel() {
        closed = true;
        clearInterval(ping);
        ctrl.abort();
        follower.stop();
      },
    },
    new CountQueuingStrategy({ highWaterMark: HIGH_WATER }),
  );
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
