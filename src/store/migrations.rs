//! Ordered schema migrations. Each entry moves the schema from version `index` to
//! `index + 1`; `PRAGMA user_version` records how far a file has come. Entries are
//! append-only: a released migration is never edited.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: the activity log, the per-vendor session record with its event history, and
    // the session starts that the start limit counts.
    "CREATE TABLE activity_log (
         id         INTEGER PRIMARY KEY,
         vendor_id  INTEGER NOT NULL DEFAULT 0 CHECK (vendor_id >= 0),
         level      TEXT    NOT NULL CHECK (level IN ('debug','info','notice','warning','error')),
         kind       TEXT    NOT NULL,
         message    TEXT    NOT NULL,
         context    TEXT    NOT NULL DEFAULT '{}',
         created_at INTEGER NOT NULL
     );
     CREATE INDEX activity_log_vendor ON activity_log (vendor_id, id);
     CREATE INDEX activity_log_created ON activity_log (created_at);

     CREATE TABLE vendor_session (
         vendor_id     INTEGER PRIMARY KEY CHECK (vendor_id > 0),
         session_name  TEXT    NOT NULL UNIQUE,
         state         TEXT    NOT NULL,
         reason        TEXT,
         phone         TEXT,
         push_name     TEXT,
         since         INTEGER NOT NULL,
         updated_at    INTEGER NOT NULL,
         last_event_ms INTEGER NOT NULL DEFAULT 0,
         phone_seen_at INTEGER,
         qr_value      TEXT,
         qr_seq        INTEGER NOT NULL DEFAULT 0,
         qr_issued_at  INTEGER
     );
     -- A phone number links to one vendor at a time.
     CREATE UNIQUE INDEX vendor_session_phone ON vendor_session (phone)
         WHERE phone IS NOT NULL AND state = 'connected';

     CREATE TABLE session_event (
         id          INTEGER PRIMARY KEY,
         vendor_id   INTEGER NOT NULL,
         event_id    TEXT,
         source      TEXT    NOT NULL,
         input       TEXT    NOT NULL,
         from_state  TEXT    NOT NULL,
         to_state    TEXT    NOT NULL,
         applied     INTEGER NOT NULL,
         occurred_ms INTEGER NOT NULL,
         recorded_at INTEGER NOT NULL
     );
     CREATE UNIQUE INDEX session_event_dedupe ON session_event (event_id) WHERE event_id IS NOT NULL;
     CREATE INDEX session_event_vendor ON session_event (vendor_id, id);

     CREATE TABLE session_start (
         vendor_id  INTEGER NOT NULL,
         started_at INTEGER NOT NULL
     );
     CREATE INDEX session_start_vendor ON session_start (vendor_id, started_at);",
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration the file has not seen yet, each in its own transaction, so a
/// worker killed half-way leaves the file at a consistent version.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i64 + 1;
        // IMMEDIATE takes the write lock up front: two workers opening a fresh file at
        // once serialize here instead of both trying the same migration.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let seen: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if seen >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(
            kind = "store",
            schema_version = version,
            "Store schema migrated to version {version}"
        );
    }
    Ok(())
}
