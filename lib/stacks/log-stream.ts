import "server-only";
import { z } from "zod";
import { followLogs, MAX_TAIL, type LogFollower, type LogLine } from "../docker/logs";

// Server-sent events for a followed log (a container's, or a Swarm service's: lib/stacks/swarm.ts).
// Back-pressure goes all the way to Docker: when the browser reads slowly, the queue stops at
// HIGH_WATER lines and the Docker stream is paused, so a container printing megabytes never fills
// the server's memory. A client that goes away closes the Docker stream.

const HIGH_WATER = 500;

/** The query of the log routes (container and service logs): ?tail=N&since=ISO, ?follow=1 for server-sent events. */
export const logQuerySchema = z.object({
  tail: z.coerce.number().int().min(1).max(MAX_TAIL).default(200),
  since: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), "an ISO time such as 2026-01-31T12:00:00Z")
    .optional(),
  follow: z.enum(["0", "1", "true", "false"]).optional(),
});

export const wantsFollow = (q: { follow?: string }): boolean => q.follow === "1" || q.follow === "true";

/** Opens the followed log: each line to onLine, onEnd once when it ends; `ready` is the first event's data. */
export type OpenFollow = (
  onLine: (l: LogLine) => void,
  opts: { signal: AbortSignal; onEnd: (err?: Error) => void },
) => Promise<LogFollower & { ready: Record<string, unknown> }>;

/**
 * The event stream of a followed log: `ready` (what is followed), `line` (a line and the error
 * lines so far), `end` (why it ended), and a comment every 15 s. It opens before answering, so
 * a log that cannot be opened is the route's error (404, 503), not a 200 that ends at once.
 */
export async function logEventsResponse(open: OpenFollow, opts: { ended: string; signal?: AbortSignal }): Promise<Response> {
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
  const follower = await open(
    (l: LogLine) => {
      if (l.error) errors++;
      send("line", { ...l, errors });
      if (controller.desiredSize !== null && controller.desiredSize <= 0) follower?.pause();
    },
    {
      signal: ctrl.signal,
      onEnd: (err) => {
        send("end", { reason: err ? err.message : opts.ended });
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
        send("ready", follower.ready);
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

/** Follow a container's log as server-sent events. */
export function followLogsResponse(id: string, opts: { tail?: number; since?: string; signal?: AbortSignal; host?: string }): Promise<Response> {
  return logEventsResponse(
    async (onLine, o) => {
      const f = await followLogs(id, onLine, { tail: opts.tail ?? 100, since: opts.since, host: opts.host, signal: o.signal, onEnd: o.onEnd });
      return { ...f, ready: { containerId: f.containerId } };
    },
    { ended: "the container stopped or its log ended", signal: opts.signal },
  );
}
