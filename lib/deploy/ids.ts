import { randomBytes } from "node:crypto";

/** A short, time-ordered id: d-<base36 ms>-<4 hex>. */
export function newDeploymentId(): string {
  return `d-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
}

export { DEPLOYMENT_ID_RE } from "../domain";
