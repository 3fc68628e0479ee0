import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeProjects, runPrefix } from "../../e2e/fixtures/sandbox";
import { reloadConfig } from "../config";
import { containerLogs, countErrorLines, followLogs } from "./logs";
import { followLogsResponse } from "../stacks/log-stream";
import type { LogLine } from "./log-parse";

const prefix = runPrefix("logs");
const sh = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
function run(name: string, script: string, tty = false): string {
  return sh(
    "run",
    "-d",
    ...(tty ? ["-t"] : []),
    "--name",
    `${prefix}-${name}`,
    "--label",
    `com.docker.compose.project=${prefix}`,
    "--label",
    `com.docker.compose.service=${name}`,
    "oresi-test/web:1.0.0",
    "sh",
    "-c",
    script,
  );
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let chatty: string;
let big: string;
let colour: string;
const t0 = new Date();

beforeAll(async () => {
  process.env.LOG_ERROR_PATTERNS = "error,fatal,panic,exception";
  reloadConfig();
  chatty = run(
    "chatty",
    'echo "hello out"; echo "ERROR: disk on fire" >&2; echo "java.lang.NullPointerException" >&2; i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done',
  );
  // 20 MB of output and one 100 KB line: the server must stay bounded.
  big = run("big", "yes 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' | head -c 20000000; head -c 100000 /dev/zero | tr '\\0' b; echo; echo done; sleep 600");
  colour = run("colour", "printf '\\033[31mred panic\\033[0m and plain\\n'; sleep 600", true);
  await sleep(2500);
}, 60_000);

afterAll(() => removeProjects(prefix));

describe("container logs (real engine)", () => {
  it("tails the last N lines with stdout and stderr told apart and error lines flagged", async () => {
    const r = await containerLogs(chatty, { tail: 1000 });
    // Docker orders the two streams by time; lines written in the same instant may swap.
    const pick = (t: string) => r.lines.find((l) => l.text === t);
    expect(pick("hello out")).toMatchObject({ stream: "stdout", error: false });
    expect(pick("ERROR: disk on fire")).toMatchObject({ stream: "stderr", error: true });
    expect(pick("java.lang.NullPointerException")).toMatchObject({ stream: "stderr", error: true });
    const first = r.lines.slice(0, 1);
    expect(r.errorCount).toBe(2);
    expect(first[0].ts).toMatch(/^\d{4}-\d\d-\d\dT/);
    const two = await containerLogs(chatty, { tail: 2 });
    expect(two.lines).toHaveLength(2);
    expect(two.lines.every((l) => l.text.startsWith("tick "))).toBe(true);
    const later = await containerLogs(chatty, { tail: 1000, since: new Date(Date.now() - 500) });
    expect(later.lines.length).toBeLessThan(r.lines.length);
  });

  it("strips ANSI colours (TTY container, no multiplexing)", async () => {
    const r = await containerLogs(colour, { tail: 10 });
    expect(r.lines[0]).toMatchObject({ stream: "stdout", text: "red panic and plain", error: true });
  });

  it("stays bounded on a container that printed 20 MB, and cuts a 100 KB line", async () => {
    const before = process.memoryUsage().rss;
    const r = await containerLogs(big, { tail: 5000 });
    expect(r.lines.length).toBeLessThanOrEqual(5000);
    expect(r.lines.at(-1)?.text).toBe("done");
    const long = r.lines.at(-2)!;
    expect(long.text.length).toBeLessThan(5000);
    expect(long.text).toMatch(/line cut/);
    const counted = await countErrorLines(big, t0, { maxBytes: 4 * 1024 * 1024 });
    expect(counted.lines).toBeGreaterThan(1000);
    expect(counted.errors).toBe(0);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("counts a container's error lines since a time (for deployment verification)", async () => {
    const c = await countErrorLines(chatty, t0);
    expect(c.errors).toBe(2);
    expect(c.samples.map((s) => s.text)).toEqual(["ERROR: disk on fire", "java.lang.NullPointerException"]);
    const none = await countErrorLines(chatty, new Date(Date.now() + 1000));
    expect(none.errors).toBe(0);
  });

  it("follows new lines live and stops when asked", async () => {
    const got: LogLine[] = [];
    const f = await followLogs(chatty, (l) => got.push(l), { tail: 1 });
    await sleep(1200);
    f.stop();
    const n = got.length;
    expect(n).toBeGreaterThanOrEqual(4);
    const ticks = got.map((l) => Number(l.text.replace("tick ", "")));
    expect(ticks.every((x, i) => i === 0 || x === ticks[i - 1] + 1)).toBe(true);
    await sleep(600);
    expect(got.length).toBe(n);
  });

  it("streams server-sent events and closes the Docker stream when the client goes away", async () => {
    const ctrl = new AbortController();
    const res = await followLogsResponse(chatty, { tail: 3, signal: ctrl.signal });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = "";
    const dec = new TextDecoder();
    while ((text.match(/event: line/g) ?? []).length < 5) text += dec.decode((await reader.read()).value);
    expect(text).toMatch(/^event: ready\ndata: \{"containerId":"[0-9a-f]{64}"\}/);
    expect(text).toMatch(/"stream":"stdout","ts":"[^"]+","text":"tick \d+"/);
    await reader.cancel();
  });

  it("answers not_found for a removed container and bad_request for a bad id", async () => {
    const gone = run("gone", "sleep 600");
    sh("rm", "-f", gone);
    await expect(containerLogs(gone)).rejects.toMatchObject({ code: "not_found" });
    await expect(containerLogs("../etc")).rejects.toMatchObject({ code: "bad_request" });
  });
});
