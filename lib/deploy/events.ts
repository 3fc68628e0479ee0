import "server-only";
import { EventEmitter } from "node:events";
import { singleton } from "../singleton";
import type { Deployment, DeploymentEvent } from "./types";

// The in-process event bus: the runner publishes log lines and deployment changes,
// the SSE route subscribes. One per process (route modules may be bundled apart).
const bus = () =>
  singleton("deploy.bus", () => {
    const e = new EventEmitter();
    e.setMaxListeners(0);
    return e;
  });

export function publish(ev: DeploymentEvent): void {
  bus().emit(`dep:${ev.deploymentId}`, ev);
  bus().emit("dep:*", ev);
}

/** Listen to one deployment's events (or every deployment with "*"). Returns the unsubscribe. */
export function subscribe(deploymentId: string | "*", fn: (ev: DeploymentEvent) => void): () => void {
  const key = `dep:${deploymentId}`;
  bus().on(key, fn);
  return () => bus().off(key, fn);
}

type FinishedListener = (d: Deployment) => void | Promise<void>;
const finished = () => singleton("deploy.finished", () => new Set<FinishedListener>());

/** Called once per deployment when it reaches a final status (notifications, sync). Returns the unsubscribe. */
export function onDeploymentFinished(listener: FinishedListener): () => void {
  finished().add(listener);
  return () => finished().delete(listener);
}

export function emitFinished(d: Deployment): void {
  for (const l of finished()) {
    try {
      void Promise.resolve(l(d)).catch(() => undefined);
    } catch {
      /* a listener must not break the engine */
    }
  }
}
