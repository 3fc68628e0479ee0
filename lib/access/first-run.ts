import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { config } from "../config";
import { logger } from "../logger";
import { hashPassword, parseHash } from "./passwords";

export const FIRST_RUN_USER = "admin";
export const FIRST_RUN_FILE = "initial-admin";

/** True when no person could sign in otherwise: no ADMIN_USER, no USERS, no OIDC. */
export function firstRunNeeded(): boolean {
  const c = config();
  return !c.ADMIN_USER && !c.USERS && !c.OIDC_ISSUER;
}

/**
 * First run without any account: make an `admin` with a random password, keep only its
 * hash in DATA_DIR/initial-admin (0600) and print the password once to the server log.
 * Deleting that file and restarting prints a new one.
 */
export async function ensureFirstRunAdmin(): Promise<{ name: string; hash: string } | null> {
  if (!firstRunNeeded()) return null;
  const file = path.join(config().dataDir, FIRST_RUN_FILE);
  try {
    const hash = fs.readFileSync(file, "utf8").trim();
    if (parseHash(hash)) return { name: FIRST_RUN_USER, hash };
  } catch {
    /* not made yet */
  }
  const password = randomBytes(15).toString("base64url");
  const hash = await hashPassword(password);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, hash + "\n", { mode: 0o600, flag: "wx" });
  } catch {
    // Another request made it first: use theirs (its password is in the log).
    const theirs = fs.readFileSync(file, "utf8").trim();
    return { name: FIRST_RUN_USER, hash: theirs };
  }
  logger.unmaskedOnce(
    `First run: no ADMIN_USER is configured, so an account was created. Sign in as "${FIRST_RUN_USER}" with the initial admin password ${password} ` +
      `(shown only this once; its hash is in ${file}). Set ADMIN_USER and ADMIN_PASSWORD_HASH to replace it.`,
  );
  return { name: FIRST_RUN_USER, hash };
}
