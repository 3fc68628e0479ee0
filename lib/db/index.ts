import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { config } from "../config";
import { singleton, resetSingleton } from "../singleton";
import { migrations } from "./migrations";
import { migrate } from "./migrate";

export type DB = Database.Database;

export class DatabaseStartupError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = "DatabaseStartupError";
  }
}

/**
 * Open (or create) DATA_DIR/oresi.db, in WAL mode, and run pending migrations.
 * A corrupt or unwritable file is an error that names the path: never replaced.
 */
export function openDatabase(dataDir: string): DB {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new DatabaseStartupError(`DATA_DIR ${dataDir} cannot be created: ${(e as Error).message}`, { cause: e });
  }
  try {
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (e) {
    throw new DatabaseStartupError(`DATA_DIR ${dataDir} is not writable by this process (uid ${process.getuid?.()})`, { cause: e });
  }
  const file = path.join(dataDir, "oresi.db");
  let db: DB;
  try {
    db = new Database(file, { fileMustExist: false });
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`integrity check failed: ${String(check)}`);
  } catch (e) {
    throw new DatabaseStartupError(
      `The database ${file} cannot be opened (${(e as Error).message}). It was left untouched: restore it from a backup or move it away to start fresh.`,
      { cause: e },
    );
  }
  try {
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw new DatabaseStartupError(`Migrating ${file} failed: ${(e as Error).message}`, { cause: e });
  }
  return db;
}

export function db(): DB {
  return singleton("db", () => openDatabase(config().dataDir));
}

export function closeDb(): void {
  const reg = (globalThis as { __oresiSingletons?: Map<string, unknown> }).__oresiSingletons;
  const open = reg?.get("db") as DB | undefined;
  resetSingleton("db");
  open?.close();
}

export const now = () => new Date().toISOString();
