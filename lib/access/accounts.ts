// Local accounts and role mappings from configuration (pure parsing, used by config.ts too).
//   USERS="alice:operator:scrypt$…,bob:viewer:scrypt$…"   (entries split by comma, semicolon or newline)
//   USER_ROLES="alice:admin,oresi-admins:admin"          (user names or OIDC groups → role)
import { parseHash } from "./passwords";
import { isRole, type Role } from "./roles";

export interface LocalAccount {
  name: string;
  role: Role;
  hash: string;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

function entries(s: string | undefined): string[] {
  return (s ?? "")
    .split(/[,;\s]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** Throws an Error naming the bad entry (never echoing a hash). */
export function parseUsers(s: string | undefined): LocalAccount[] {
  const out: LocalAccount[] = [];
  for (const [i, e] of entries(s).entries()) {
    const [name, role, ...rest] = e.split(":");
    const hash = rest.join(":");
    const where = `entry ${i + 1}${name && NAME.test(name) ? ` (${name})` : ""}`;
    if (!name || !NAME.test(name)) throw new Error(`${where}: the user name must be 1–64 of A-Z a-z 0-9 . _ @ -`);
    if (!isRole(role)) throw new Error(`${where}: the role must be viewer, operator or admin (name:role:hash)`);
    if (!parseHash(hash)) throw new Error(`${where}: the hash must come from \`npm run -s hash-password\``);
    if (out.some((u) => u.name === name)) throw new Error(`${where}: the user is listed twice`);
    out.push({ name, role, hash });
  }
  return out;
}

/** name-or-group → role; throws on a bad entry. */
export function parseUserRoles(s: string | undefined): Map<string, Role> {
  const m = new Map<string, Role>();
  for (const e of entries(s)) {
    const i = e.lastIndexOf(":");
    const key = e.slice(0, i);
    const role = e.slice(i + 1);
    if (i <= 0 || !isRole(role)) throw new Error(`"${e}" must be name:role with role viewer, operator or admin`);
    m.set(key, role);
  }
  return m;
}

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** The highest role any of the user's name or groups maps to, else the default. */
export function roleFor(names: string[], map: Map<string, Role>, fallback: Role | null): Role | null {
  let best: Role | null = null;
  for (const n of names) {
    const r = map.get(n);
    if (r && (!best || rank[r] > rank[best])) best = r;
  }
  return best ?? fallback;
}
