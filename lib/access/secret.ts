import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { config } from "../config";
import { singleton } from "../singleton";

/**
 * The key that signs session cookies: NEXTAUTH_SECRET, or one generated on first use and
 * kept in DATA_DIR/auth-secret (mode 0600) so sessions survive a restart.
 */
export function authSecret(): string {
  return singleton("access.secret", () => {
    const fromEnv = config().NEXTAUTH_SECRET;
    if (fromEnv) return fromEnv;
    const file = path.join(config().dataDir, "auth-secret");
    try {
      const s = fs.readFileSync(file, "utf8").trim();
      if (s.length >= 32) return s;
    } catch {
      /* first start */
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const s = randomBytes(32).toString("base64url");
    fs.writeFileSync(file, s + "\n", { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    return s;
  });
}
