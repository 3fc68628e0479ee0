// Parallel sign-ins cannot pass the limit: an attempt is counted before the (slow) scrypt check.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reloadConfig } from "../config";
import { closeDb, db } from "../db";
import { resetSingleton } from "../singleton";
import { signInLocal } from "./auth-options";
import { hashPassword } from "./passwords";
import { SIGN_IN_LIMITS } from "./rate-limit";

const saved = { ...process.env };
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-signin-limit-"));
  closeDb();
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    STACKS_DIR: dataDir,
    ADMIN_USER: "alice",
    ADMIN_PASSWORD_HASH: await hashPassword("correct horse battery"), // real scrypt, default cost
    LOG_LEVEL: "error",
  });
  reloadConfig();
});
beforeEach(() => resetSingleton("access.signInLimiter"));
afterAll(() => {
  closeDb();
  process.env = saved;
  reloadConfig();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Run attempts at once; "checked" = reached the password check (null or a user), "refused" = rate-limited. */
async function burst(attempts: { user: string; password: string; ip: string }[]) {
  const out = await Promise.all(
    attempts.map((a) =>
      signInLocal(a.user, a.password, a.ip).then(
        (u) => (u ? "ok" : "wrong"),
        (e: Error) => (/Too many failed sign-ins/.test(e.message) ? "refused" : `error: ${e.message}`),
      ),
    ),
  );
  return {
    ok: out.filter((o) => o === "ok").length,
    wrong: out.filter((o) => o === "wrong").length,
    refused: out.filter((o) => o === "refused").length,
    other: out.filter((o) => o.startsWith("error")),
  };
}

describe("sign-in rate limit under parallel requests", () => {
  it("40 parallel wrong passwords for one user: at most the per-user limit reach the password check", async () => {
    const r = await burst(Array.from({ length: 40 }, (_, i) => ({ user: "alice", password: `guess-${i}`, ip: `10.1.0.${i + 1}` })));
    expect(r.other).toEqual([]);
    expect(r.wrong).toBeLessThanOrEqual(SIGN_IN_LIMITS.perUser);
    expect(r.wrong + r.refused).toBe(40);
    expect(r.refused).toBeGreaterThanOrEqual(40 - SIGN_IN_LIMITS.perUser);
    // the correct password is refused too until the window passes
    await expect(signInLocal("alice", "correct horse battery", "10.9.9.9")).rejects.toThrow(/Too many failed sign-ins/);
    const limited = db().prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in_failed' AND result = 'rate_limited'").get() as {
      n: number;
    };
    expect(limited.n).toBeGreaterThanOrEqual(35);
  });

  it("40 parallel attempts from one address with different names: at most the per-address limit get checked", async () => {
    const r = await burst(Array.from({ length: 40 }, (_, i) => ({ user: `user${i}`, password: "x", ip: "10.2.0.1" })));
    expect(r.other).toEqual([]);
    expect(r.wrong).toBeLessThanOrEqual(SIGN_IN_LIMITS.perIp);
    expect(r.refused).toBeGreaterThanOrEqual(40 - SIGN_IN_LIMITS.perIp);
  });

  it("a right password signs in and clears the user's count; parallel right passwords are not refused below the limit", async () => {
    const r = await burst(Array.from({ length: 3 }, (_, i) => ({ user: "alice", password: "correct horse battery", ip: `10.3.0.${i + 1}` })));
    expect(r.ok).toBe(3);
    // successes do not use up the address's budget
    const again = await burst(Array.from({ length: 5 }, () => ({ user: "alice", password: "correct horse battery", ip: "10.3.0.1" })));
    expect(again.ok).toBe(5);
  });
});
