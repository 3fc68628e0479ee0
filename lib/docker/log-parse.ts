import { StringDecoder } from "node:string_decoder";
import { stripVTControlCharacters } from "node:util";

// Pure helpers for container logs (tested without Docker): the 8-byte multiplexing header,
// ANSI stripping, timestamps and error patterns. Every buffer here is bounded.

export interface LogLine {
  stream: "stdout" | "stderr";
  /** Docker's timestamp (RFC 3339 with nanoseconds), when asked for. */
  ts: string | null;
  text: string;
  error: boolean;
}

/** ANSI escapes (colours, CSI, OSC such as hyperlinks and titles, single-character escapes) removed, by Node's util. */
export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}

/** Error patterns (LOG_ERROR_PATTERNS, comma separated): case-insensitive substrings. */
export function errorMatcher(patterns: string): (line: string) => boolean {
  const list = patterns
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!list.length) return () => false;
  const re = new RegExp(list.join("|"), "i");
  return (line) => re.test(line);
}

const TS_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/;

export const MAX_LINE_CHARS = 4096;

/**
 * Splits Docker's log stream into lines. Multiplexed streams (no TTY) carry an 8-byte
 * header per frame: [stream, 0, 0, 0, size (uint32 BE)]; TTY streams are raw stdout.
 * A line longer than MAX_LINE_CHARS is cut and marked; nothing grows without bound.
 */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  private dropping: Record<"stdout" | "stderr", boolean> = { stdout: false, stderr: false };
  private decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };

  constructor(
    private readonly multiplexed: boolean,
    private readonly isError: (line: string) => boolean,
    private readonly emit: (line: LogLine) => void,
  ) {}

  private frameLeft = 0;
  private frameStream: "stdout" | "stderr" = "stdout";

  push(chunk: Buffer): void {
    if (!this.multiplexed) return this.text("stdout", chunk);
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length) {
      if (this.frameLeft === 0) {
        if (buf.length < 8) {
          this.pending = Buffer.from(buf); // at most 7 bytes of a header
          return;
        }
        this.frameStream = buf[0] === 2 ? "stderr" : "stdout";
        this.frameLeft = buf.readUInt32BE(4);
        buf = buf.subarray(8);
        continue;
      }
      // A frame's payload is consumed as it arrives, so a huge frame never sits in memory.
      const n = Math.min(this.frameLeft, buf.length);
      this.text(this.frameStream, buf.subarray(0, n));
      this.frameLeft -= n;
      buf = buf.subarray(n);
    }
  }

  /** Emit what is left without a trailing newline. */
  end(): void {
    for (const s of ["stdout", "stderr"] as const) {
      if (this.partial[s]) this.line(s, this.partial[s]);
      this.partial[s] = "";
    }
  }

  private text(stream: "stdout" | "stderr", buf: Buffer) {
    const parts = (this.partial[stream] + this.decoders[stream].write(buf)).split("\n");
    this.partial[stream] = parts.pop() ?? "";
    for (const p of parts) {
      if (this.dropping[stream]) {
        this.dropping[stream] = false;
        continue;
      }
      this.line(stream, p);
    }
    if (this.partial[stream].length > MAX_LINE_CHARS * 2) {
      this.line(stream, this.partial[stream]);
      this.partial[stream] = "";
      this.dropping[stream] = true;
    }
  }

  private line(stream: "stdout" | "stderr", raw: string) {
    let s = raw.replace(/\r$/, "");
    let ts: string | null = null;
    const m = TS_RE.exec(s);
    if (m) {
      ts = m[1];
      s = s.slice(m[0].length);
    }
    let text = stripAnsi(s);
    if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS) + " …[line cut]";
    this.emit({ stream, ts, text, error: this.isError(text) });
  }
}
