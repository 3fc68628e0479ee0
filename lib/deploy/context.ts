import "server-only";
import { now } from "../db";
import { appendLog, getDeploymentRow, updateDeployment } from "./store";
import type { DeploymentPatch } from "./store";
import type { Deployment, LogLine, Step, StepName } from "./types";

/** Where the record is kept (SQLite by default; the engine passes its deps' store). */
export interface RecordStore {
  get(id: string): Deployment | null;
  update(id: string, patch: DeploymentPatch): Deployment | null;
  appendLog(id: string, step: string | null, stream: LogLine["stream"], line: string): unknown;
}

const sqliteStore: RecordStore = { get: getDeploymentRow, update: (id, patch) => updateDeployment(id, patch), appendLog };

/** A running deployment's record: steps, log lines and status, written as they happen. */
export class DeploymentContext {
  steps: Step[];
  current: StepName | null = null;

  constructor(
    readonly id: string,
    protected readonly store: RecordStore = sqliteStore,
  ) {
    this.steps = store.get(id)!.steps;
  }

  log(line: string, stream: LogLine["stream"] = "info"): void {
    this.store.appendLog(this.id, this.current, stream, line);
  }

  get(): Deployment {
    return this.store.get(this.id)!;
  }

  private setStep(name: StepName, patch: Partial<Step>) {
    this.steps = this.steps.map((s) => (s.name === name ? { ...s, ...patch } : s));
    this.store.update(this.id, { steps: this.steps });
  }

  /** Run one step: persisted as running, then ok (with its duration) or failed. */
  async step<T>(name: StepName, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
    this.current = name;
    const t0 = performance.now();
    const startedAt = now();
    this.setStep(name, { status: "running", startedAt });
    try {
      const v = await fn();
      const durationMs = Math.round(performance.now() - t0);
      this.setStep(name, { status: "ok", finishedAt: now(), durationMs, detail: detail?.(v) });
      this.log(`${name}: done in ${durationMs} ms`);
      return v;
    } catch (e) {
      const durationMs = Math.round(performance.now() - t0);
      this.setStep(name, { status: "failed", finishedAt: now(), durationMs, detail: (e as Error).message });
      this.log(`${name}: ${(e as Error).message}`, "error");
      throw e;
    } finally {
      this.current = null;
    }
  }

  skip(name: StepName, detail: string): void {
    this.setStep(name, { status: "skipped", detail });
  }

  /** Mark every step not run as skipped (after a failure). */
  skipRest(): void {
    this.steps = this.steps.map((s) => (s.status === "pending" ? { ...s, status: "skipped" } : s.status === "running" ? { ...s, status: "failed" } : s));
    this.store.update(this.id, { steps: this.steps });
  }
}
