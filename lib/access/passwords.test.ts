import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashPassword, parseHash, verifyPassword } from "./passwords";
import { parseUserRoles, parseUsers, roleFor } from "./accounts";

describe("password hashes", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const h = await hashPassword("correct horse", 1024);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword("correct horse", h)).toBe(true);
    expect(await verifyPassword("correct hors", h)).toBe(false);
    // flip a character in the middle of the hash (the last one also carries padding bits)
    const i = h.length - 10;
    const tampered = h.slice(0, i) + (h[i] === "A" ? "B" : "A") + h.slice(i + 1);
    expect(await verifyPassword("correct horse", tampered)).toBe(false);
  });

  it("refuses malformed or abusive parameters", () => {
    expect(parseHash("scrypt$nope")).toBeNull();
    expect(parseHash(`scrypt$${2 ** 24}$8$1$${"a".repeat(22)}$${"b".repeat(43)}`)).toBeNull();
    expect(parseHash(`scrypt$1000$8$1$${"a".repeat(22)}$${"b".repeat(43)}`)).toBeNull(); // N not a power of two
  });

  it("npm run hash-password reads stdin (never argv) and prints a hash the server accepts", async () => {
    const script = path.resolve(__dirname, "../../scripts/hash-password.mjs");
    const out = execFileSync(process.execPath, [script], { input: "s3cret-password\n" }).toString().trim();
    expect(await verifyPassword("s3cret-password", out)).toBe(true);
    expect(() => execFileSync(process.execPath, [script, "s3cret-password"], { input: "", stdio: "pipe" })).toThrow();
  });
});

describe("accounts and role mappings", () => {
  it("parses USERS entries split by comma, semicolon or newline", async () => {
    const h = await hashPassword("pw-12345678", 1024);
    const users = parseUsers(`alice:operator:${h};bob:viewer:${h}\ncarol:admin:${h}`);
    expect(users.map((u) => [u.name, u.role])).toEqual([
      ["alice", "operator"],
      ["bob", "viewer"],
      ["carol", "admin"],
    ]);
  });

  it("names the bad entry and never echoes a hash", async () => {
    const h = await hashPassword("pw-12345678", 1024);
    expect(() => parseUsers(`alice:root:${h}`)).toThrow(/entry 1 \(alice\).*role/);
    expect(() => parseUsers(`alice:viewer:plain`)).toThrow(/hash-password/);
    expect(() => parseUsers(`alice:viewer:${h},alice:admin:${h}`)).toThrow(/twice/);
    try {
      parseUsers(`bad name:viewer:${h}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(h);
    }
  });

  it("maps user names and groups to the highest role, else the default", () => {
    const map = parseUserRoles("alice:admin,ops:operator,dev-team:viewer");
    expect(roleFor(["bob", "dev-team", "ops"], map, "viewer")).toBe("operator");
    expect(roleFor(["alice"], map, null)).toBe("admin");
    expect(roleFor(["zed"], map, null)).toBeNull();
    expect(() => parseUserRoles("alice:root")).toThrow(/alice:root/);
  });
});
