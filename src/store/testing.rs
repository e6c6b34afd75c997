//! Reads and writes for the unit tests of the modules that use the store: fixtures
//! and checks on rows no repository hands out, kept here so no test outside
//! `src/store/` writes SQL.

use super::sql::params;
use serde_json::Value;

use super::{Engine, Store};
use crate::catalog::plan::OpMethod;

/// A job's changes in order: (method, retailer id, batch number).
pub(crate) fn sync_ops(store: &Store, job_id: i64) -> Vec<(OpMethod, String, i64)> {
    store
        .conn()
        .prepare("SELECT method, retailer_id, batch_no FROM sync_op WHERE job_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([job_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The request data of a job's changes, in order.
pub(crate) fn sync_ops_data(store: &Store, job_id: i64) -> Vec<Value> {
    store
        .conn()
        .prepare("SELECT data FROM sync_op WHERE job_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([job_id], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|data| serde_json::from_str(&data.unwrap()).unwrap())
        .collect()
}

/// Marks every change of a job done and its batches finished, as answered batches
/// would be, and returns the batch numbers.
pub(crate) fn answer_every_op(store: &Store, job_id: i64) -> Vec<i64> {
    let batches: Vec<i64> = store
        .conn()
        .prepare("SELECT batch_no FROM sync_batch WHERE job_id = ?1")
        .unwrap()
        .query_map([job_id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    store
        .conn()
        .execute(
            "UPDATE sync_op SET state = 'done' WHERE job_id = ?1",
            [job_id],
        )
        .unwrap();
    store
        .conn()
        .execute(
            "UPDATE sync_batch SET state = 'finished' WHERE job_id = ?1",
            params![job_id],
        )
        .unwrap();
    batches
}

/// Lets a job's planner's hold lapse, as if its planner had stopped long ago.
pub(crate) fn lapse_planning(store: &Store, job_id: i64) {
    store
        .conn()
        .execute(
            "UPDATE sync_job SET planning_until_ms = 1 WHERE id = ?1",
            [job_id],
        )
        .unwrap();
}

/// A text message from `customer` to the vendor at `at`, in their conversation
/// (created if needed), with no routing detail.
pub(crate) fn customer_message(
    store: &Store,
    vendor_id: u64,
    customer: &str,
    wamid: &str,
    at: i64,
) {
    let vendor = i64::try_from(vendor_id).unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO conversation (vendor_id, customer, last_message_at, created_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (vendor_id, customer) DO NOTHING",
            params![vendor, customer, at],
        )
        .unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, sent_at, received_at)
             SELECT ?1, id, ?2, 'inbound', 'text', ?4, ?4 FROM conversation WHERE vendor_id = ?2 AND customer = ?3",
            params![wamid, vendor, customer, at],
        )
        .unwrap();
}

/// The vendor answers seen from the vendors' phones: (customer, sent at), in order.
pub(crate) fn vendor_replies(store: &Store) -> Vec<(String, i64)> {
    store
        .conn()
        .prepare("SELECT customer, sent_at FROM vendor_reply ORDER BY sent_at, gateway_id")
        .unwrap()
        .query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Rows in `table`.
pub(crate) fn rows(store: &Store, table: &str) -> u64 {
    store
        .table_rows()
        .unwrap()
        .into_iter()
        .find(|(name, _)| name == table)
        .map_or_else(|| panic!("no table {table}"), |(_, rows)| rows)
}

/// Makes the queue refuse to let go of the delivery queued under `key`, as a store that
/// fails halfway through a drain would: a trigger that fails the row's `DELETE`.
pub(crate) fn fail_finishing_queued(store: &Store, key: &str) {
    assert!(!key.contains('\''));
    let conn = store.conn();
    let sql = match store.engine() {
        Engine::Sqlite => format!(
            "CREATE TRIGGER refuse_finish BEFORE DELETE ON webhook_queue
             WHEN OLD.delivery_key = '{key}' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        ),
        // One statement (no compound IF): a scalar subquery of two rows fails the row.
        Engine::MariaDb => format!(
            "CREATE TRIGGER {table}_refuse BEFORE DELETE ON {table} FOR EACH ROW
             SET @wpwa_refused = CASE WHEN OLD.delivery_key = '{key}'
                 THEN (SELECT 1 UNION SELECT 2) ELSE 0 END",
            table = conn.table_name("webhook_queue")
        ),
    };
    conn.execute_batch(&sql).unwrap();
}

/// Distinct message ids stored.
pub(crate) fn distinct_wamids(store: &Store) -> u64 {
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(DISTINCT wamid) FROM message",
            params![],
            |r| r.get(0),
        )
        .unwrap();
    n.max(0) as u64
}

/// How each of the vendor's stored messages was routed (JSON), in order.
pub(crate) fn message_routes(store: &Store, vendor_id: u64) -> Vec<String> {
    store
        .conn()
        .prepare("SELECT route FROM message WHERE vendor_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([i64::try_from(vendor_id).unwrap()], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The status and Graph error code of the message `wamid`.
pub(crate) fn message_status(store: &Store, wamid: &str) -> (Option<String>, Option<i64>) {
    store
        .conn()
        .query_row(
            "SELECT status, error_code FROM message WHERE wamid = ?1 LIMIT 1",
            [wamid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// Overwrites every catalog item's stored problems with `problems` (raw JSON), as a
/// version before problem codes left them.
pub(crate) fn set_item_problems(store: &Store, problems: &str) {
    store
        .conn()
        .execute("UPDATE catalog_item SET problems = ?1", [problems])
        .unwrap();
}

/// Sets one catalog item's state, as a batch answer would.
pub(crate) fn set_item_state(store: &Store, catalog_id: &str, retailer_id: &str, state: &str) {
    store
        .conn()
        .execute(
            "UPDATE catalog_item SET state = ?3 WHERE catalog_id = ?1 AND retailer_id = ?2",
            params![catalog_id, retailer_id, state],
        )
        .unwrap();
}

/// Under `cargo test` with `WPWA_TEST_MARIADB=<unix socket path>`, a store in MariaDB
/// (database `wpwa_rust_tests`, as root over the socket) with tables of its own prefix,
/// dropped with the store: what `Store::open_in_memory()` hands the tests then, so the
/// same tests run on both engines.
pub(crate) fn scratch_mariadb_store() -> Result<Option<Store>, super::StoreError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let Some(options) = scratch_mariadb_options(&format!("t{}_{n}_", std::process::id())) else {
        return Ok(None);
    };
    let mut store = Store::open_database(options)?;
    store.scratch = true;
    Ok(Some(store))
}

/// The test database's connection options with tables of `prefix`, when
/// `WPWA_TEST_MARIADB` names a server socket.
fn scratch_mariadb_options(prefix: &str) -> Option<super::DatabaseOptions> {
    let socket = std::env::var("WPWA_TEST_MARIADB")
        .ok()
        .filter(|s| !s.is_empty())?;
    Some(super::DatabaseOptions {
        host: String::new(),
        port: 3306,
        socket: Some(socket),
        user: std::env::var("WPWA_TEST_MARIADB_USER").unwrap_or_else(|_| "root".into()),
        password: String::new(),
        database: std::env::var("WPWA_TEST_MARIADB_DATABASE")
            .unwrap_or_else(|_| "wpwa_rust_tests".into()),
        prefix: prefix.to_owned(),
        ssl: false,
        ssl_ca: None,
        ssl_verify: true,
    })
}

/// One place several stores open at once, as the PHP workers of several web nodes do:
/// a fresh SQLite file, or under `WPWA_TEST_MARIADB` a fresh table prefix in MariaDB.
/// Removed again when dropped.
pub(crate) struct SharedLocation {
    dir: std::path::PathBuf,
    database: Option<super::DatabaseOptions>,
}

impl SharedLocation {
    /// A location nobody has opened yet.
    pub(crate) fn fresh(name: &str) -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("wpwa-shared-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let database = scratch_mariadb_options(&format!("s{}_{n}_", std::process::id()));
        Self { dir, database }
    }

    /// A new store (its own connection) on this location, schema brought up to date.
    pub(crate) fn open(&self) -> Result<Store, super::StoreError> {
        match &self.database {
            Some(options) => Store::open_database(options.clone()),
            None => Store::open(self.dir.join("wpwa.sqlite")),
        }
    }
}

impl Drop for SharedLocation {
    fn drop(&mut self) {
        if let Some(options) = &self.database {
            let _ = Store::drop_database_tables(options.clone());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
