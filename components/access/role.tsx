"use client";

// The signed-in person's role on the client, filled by the dashboard layout. It only
// hides or disables controls: the server refuses whatever the UI shows.
import { createContext, useContext, type ReactNode } from "react";
import { hasRole, type Role } from "@/lib/access/roles";

export interface Me {
  name: string;
  role: Role;
}

const MeContext = createContext<Me | null>(null);

export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useRole(): Role | null {
  return useContext(MeContext)?.role ?? null;
}

/** True when the signed-in person has at least `need`. */
export function useCan(need: Role): boolean {
  return hasRole(useRole(), need);
}

/**
 * Show children only to `role` or above; others see `fallback` (nothing by default).
 * e.g. <Can role="operator" fallback={<Button disabled title="Needs operator">Roll back</Button>}>…</Can>
 */
export function Can({ role, children, fallback = null }: { role: Role; children: ReactNode; fallback?: ReactNode }) {
  return <>{useCan(role) ? children : fallback}</>;
}
