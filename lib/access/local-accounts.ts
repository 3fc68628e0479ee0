import "server-only";
import { config } from "../config";
import { parseUsers, type LocalAccount } from "./accounts";
import { ensureFirstRunAdmin } from "./first-run";

/** Every local account: ADMIN_USER (admin), USERS, or the first-run admin when there is none. */
export async function localAccounts(): Promise<LocalAccount[]> {
  const c = config();
  const list: LocalAccount[] = [];
  if (c.ADMIN_USER && c.ADMIN_PASSWORD_HASH) list.push({ name: c.ADMIN_USER, role: "admin", hash: c.ADMIN_PASSWORD_HASH });
  for (const u of parseUsers(c.USERS)) if (!list.some((l) => l.name === u.name)) list.push(u);
  if (!list.length) {
    const first = await ensureFirstRunAdmin();
    if (first) list.push({ ...first, role: "admin" });
  }
  return list;
}

export async function findLocalAccount(name: string): Promise<LocalAccount | undefined> {
  return (await localAccounts()).find((a) => a.name === name);
}
