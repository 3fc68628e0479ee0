import { redact } from "./redact";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const l = (process.env.LOG_LEVEL ?? "info") as Level;
  return order[l] ?? order.info;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>, raw = false) {
  if (order[level] < threshold() && !raw) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg: raw ? msg : redact(msg), ...(fields ? redactFields(fields) : {}) });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

function redactFields(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v instanceof Error) out[k] = redact(v.message);
    else if (typeof v === "string") out[k] = redact(v);
    else out[k] = v;
  }
  return out;
}

export const logger = {
  debug: (msg: string, f?: Record<string, unknown>) => write("debug", msg, f),
  info: (msg: string, f?: Record<string, unknown>) => write("info", msg, f),
  warn: (msg: string, f?: Record<string, unknown>) => write("warn", msg, f),
  error: (msg: string, f?: Record<string, unknown>) => write("error", msg, f),
  /**
   * A line that must reach the operator in clear, whatever LOG_LEVEL says: only the first-run
   * admin password, which is shown this once (never use it for anything else).
   */
  unmaskedOnce: (msg: string) => write("warn", msg, undefined, true),
};
