import type { Role } from "./roles";

/** Who is asking: a signed-in person, an API key, a verified webhook, the scheduler, or nobody. */
export interface Caller {
  kind: "user" | "key" | "webhook" | "system" | "anonymous";
  name: string;
  role: Role | null;
  ip: string;
  /** For ChatOps: the chat user a key acted for. */
  onBehalfOf?: string;
}

export const SYSTEM_CALLER: Caller = { kind: "system", name: "scheduler", role: "operator", ip: "127.0.0.1" };
