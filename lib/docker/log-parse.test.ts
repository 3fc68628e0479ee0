import { describe, expect, it } from "vitest";
import { errorMatcher, LogDemuxer, MAX_LINE_CHARS, stripAnsi, type LogLine } from "./log-parse";

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

describe("log parsing", () => {
  it("demultiplexes frames split anywhere, headers included", () => {
    const out: LogLine[] = [];
    const d = new LogDemuxer(true, errorMatcher("error"), (l) => out.push(l));
    const all = Buffer.concat([frame(1, "2026-01-01T00:00:00.123456789Z hello\n"), frame(2, "an ERROR here\npart"), frame(2, "ial\n")]);
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
    d.end();
    expect(out).toEqual([
      { stream: "stdout", ts: "2026-01-01T00:00:00.123456789Z", text: "hello", error: false },
      { stream: "stderr", ts: null, text: "an ERROR here", error: true },
      { stream: "stderr", ts: null, text: "partial", error: false },
    ]);
  });

  it("keeps multi-byte characters split across chunks, and cuts endless lines", () => {
    const out: LogLine[] = [];
    const d = new LogDemuxer(
      false,
      () => false,
      (l) => out.push(l),
    );
    const b = Buffer.from("grüße\n");
    d.push(b.subarray(0, 3));
    d.push(b.subarray(3));
    d.push(Buffer.from("x".repeat(MAX_LINE_CHARS * 3)));
    d.push(Buffer.from("tail\nnext\n"));
    expect(out[0].text).toBe("grüße");
    expect(out[1].text).toMatch(/line cut/);
    expect(out[1].text.length).toBeLessThan(MAX_LINE_CHARS + 20);
    expect(out.at(-1)!.text).toBe("next");
  });

  it("strips ANSI colours and matches patterns case-insensitively", () => {
    expect(stripAnsi("\u001b[1;31mFATAL\u001b[0m done")).toBe("FATAL done");
    // tput sgr0 (charset selection), cursor and erase codes, an OSC 8 hyperlink and a window title
    expect(stripAnsi("\u001b[32mok\u001b(B\u001b[m \u001b[2K\u001b[1Aup")).toBe("ok up");
    expect(stripAnsi("\u001b]0;title\u0007see \u001b]8;;https://x.example\u001b\\docs\u001b]8;;\u001b\\")).toBe("see docs");
    const m = errorMatcher(" error , panic ");
    expect([m("Error: x"), m("kernel PANIC"), m("all good")]).toEqual([true, true, false]);
    expect(errorMatcher("")("error")).toBe(false);
  });
});
