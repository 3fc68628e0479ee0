export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(have: Role | null | undefined, need: Role): boolean {
  return !!have && rank[have] >= rank[need];
}

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}
