// Forward-only, versioned migrations. Never edit a migration that has shipped:
// add a new one with the next version number.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "deployments, logs and audit",
    sql: `
      CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('rollout','rollback','sync','adopt')),
        status TEXT NOT NULL CHECK (status IN ('queued','running','verifying','succeeded','failed','rolled_back','interrupted')),
        from_release TEXT,
        to_release TEXT,
        to_sha TEXT,
        stacks TEXT NOT NULL DEFAULT '[]',
        actor TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        via TEXT,
        force INTEGER NOT NULL DEFAULT 0,
        auto INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        steps TEXT NOT NULL DEFAULT '[]',
        verification TEXT,
        services TEXT,
        rollback_of TEXT REFERENCES deployments(id),
        rolled_back_by TEXT REFERENCES deployments(id),
        pid INTEGER
      );
      CREATE INDEX deployments_created ON deployments(created_at DESC);
      CREATE INDEX deployments_status ON deployments(status);

      CREATE TABLE deployment_logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment_id TEXT NOT NULL REFERENCES deployments(id),
        ts TEXT NOT NULL,
        step TEXT,
        stream TEXT NOT NULL DEFAULT 'info',
        line TEXT NOT NULL
      );
      CREATE INDEX deployment_logs_dep ON deployment_logs(deployment_id, id);

      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        role TEXT,
        source_ip TEXT,
        action TEXT NOT NULL,
        target TEXT,
        params TEXT,
        result TEXT NOT NULL,
        status INTEGER,
        deployment_id TEXT
      );
      CREATE INDEX audit_ts ON audit_events(ts DESC);
      CREATE INDEX audit_action ON audit_events(action);
      -- Append-only: the trail can be read and added to, never changed.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

      -- The deployment lock: one row while a deployment runs. Lives in the database so it survives a crash.
      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        pid INTEGER NOT NULL,
        acquired_at TEXT NOT NULL
      );

      -- Releases put on hold after an automatic rollback: a scheduled sync does not roll them out again.
      CREATE TABLE release_holds (
        release TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        deployment_id TEXT,
        created_at TEXT NOT NULL
      );

      CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "audit: coalesced refusals and retention",
    // Refused requests (request.refused) are coalesced: one row per caller, address, path, result
    // and minute (refusal_window), whose count grows; nothing else about any row can change.
    // Retention: a row may be deleted only when it is older than the cutoff that the retention job
    // writes to audit_retention, and never when it is less than a day old.
    sql: `
      ALTER TABLE audit_events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE audit_events ADD COLUMN refusal_window TEXT;
      CREATE INDEX audit_refusal_window ON audit_events(refusal_window) WHERE refusal_window IS NOT NULL;

      DROP TRIGGER audit_no_update;
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events
      WHEN NOT (OLD.action = 'request.refused' AND OLD.refusal_window IS NOT NULL AND NEW.count > OLD.count
        AND NEW.id IS OLD.id AND NEW.ts IS OLD.ts AND NEW.actor IS OLD.actor AND NEW.actor_kind IS OLD.actor_kind AND NEW.role IS OLD.role AND NEW.source_ip IS OLD.source_ip AND NEW.action IS OLD.action AND NEW.target IS OLD.target AND NEW.params IS OLD.params AND NEW.result IS OLD.result AND NEW.status IS OLD.status AND NEW.deployment_id IS OLD.deployment_id AND NEW.refusal_window IS OLD.refusal_window)
      BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

      CREATE TABLE audit_retention (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cutoff TEXT NOT NULL
      );
      INSERT INTO audit_retention (id, cutoff) VALUES (1, '');
      DROP TRIGGER audit_no_delete;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events
      WHEN NOT (OLD.ts < (SELECT cutoff FROM audit_retention WHERE id = 1) AND OLD.ts < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day'))
      BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    `,
  },
  {
    version: 3,
    name: "deployments: the rollout preview and its outcome",
    sql: `ALTER TABLE deployments ADD COLUMN preview TEXT;`,
  },
];
