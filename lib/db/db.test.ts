import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, DatabaseStartupError } from "./index";
import { migrate } from "./migrate";
import { migrations } from "./migrations";

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-db-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("database", () => {
  it("creates the file in WAL mode and applies every migration once", () => {
    const dir = tmp();
    const db = openDatabase(dir);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    const versions = (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version);
    expect(versions).toEqual(migrations.map((m) => m.version));
    expect(migrate(db, migrations)).toEqual([]);
    db.close();
  });

  it("keeps the audit trail append-only", () => {
    const db = openDatabase(tmp());
    db.prepare("INSERT INTO audit_events (ts, actor, actor_kind, action, result) VALUES ('t','a','user','x','ok')").run();
    expect(() => db.prepare("UPDATE audit_events SET result = 'no'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_events").run()).toThrow(/append-only/);
    db.close();
  });

  it("refuses a corrupt file and leaves it as it was", () => {
    const dir = tmp();
    const file = path.join(dir, "oresi.db");
    const junk = Buffer.alloc(4096, 0x42);
    fs.writeFileSync(file, junk);
    expect(() => openDatabase(dir)).toThrow(DatabaseStartupError);
    expect(fs.readFileSync(file).equals(junk)).toBe(true);
  });

  it("refuses a database from a newer release", () => {
    const dir = tmp();
    const db = openDatabase(dir);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer than this release/);
  });

  it("names a DATA_DIR it cannot create", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "file"), "x");
    expect(() => openDatabase(path.join(dir, "file", "sub"))).toThrow(/DATA_DIR .*file\/sub/);
  });
});
