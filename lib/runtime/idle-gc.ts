import "server-only";
import v8 from "node:v8";
import vm from "node:vm";
import { logger } from "../logger";
import { singleton } from "../singleton";

// V8 keeps the heap it grew to under load for as long as the process lives: nothing tells it
// the server has gone quiet. When the process has used almost no CPU for a while, collect
// garbage a few times (ageing out the code of pages nobody opens), then wait for the next
// burst of work. Costs nothing while busy; a collection of a quiet ~60 MB heap takes ~30 ms.

const CHECK_MS = 5_000;
/** CPU share below which the process counts as idle. */
const IDLE_SHARE = 0.02;
/**
 * Collections per quiet spell: V8 flushes the bytecode (and, with --flush-baseline-code, the
 * baseline code) of a function not run for --bytecode-old-age (5) full collections; one more for margin.
 */
const ROUNDS = 6;

export function startIdleGc(): void {
  const state = singleton("runtime.idleGc", () => ({ started: false }));
  if (state.started) return;
  state.started = true;
  let gc: (() => void) | null = null;
  try {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  } catch (e) {
    logger.warn("idle garbage collection unavailable", { err: e as Error });
    return;
  }
  let last = process.cpuUsage();
  let rounds = 0;
  setInterval(() => {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    if ((used.user + used.system) / 1000 / CHECK_MS > IDLE_SHARE) {
      rounds = 0;
      return;
    }
    if (rounds >= ROUNDS) return;
    rounds++;
    gc!();
  }, CHECK_MS).unref();
}
