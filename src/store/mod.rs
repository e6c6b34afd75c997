//! The operational store: by default one SQLite file per site, in WAL mode; for sites
//! on several web servers, tables in the WordPress database on MariaDB/MySQL
//! (`{prefix}wpwa_…`). Both are versioned by one ordered list of migrations.
//!
//! All SQL lives under `src/store/`: one repository per aggregate ([`CatalogRepo`],
//! [`ConversationRepo`], [`MessageRepo`], [`SessionRepo`], [`LogRepo`],
//! [`ResponseRepo`], [`PrivacyRepo`], [`ConsentRepo`], [`OrderUpdateRepo`],
//! [`BusinessAccountRepo`]), each a typed
//! API that [`Store`] and a [`WriteTx`] hand out, written once against [`sql::Db`],
//! which speaks to either engine. States the domain keeps typed (job, item, op and
//! session states, op methods, message directions) are stored through [`sql::Param`] /
//! [`sql::FromColumn`] impls here; nothing outside names `rusqlite` or `mysql`
//! (`scripts/check-store-boundary`).

mod business_accounts;
mod carts;
mod catalog;
mod catalog_checks;
mod consents;
mod conversations;
mod customers;
mod directory;
mod log;
mod messages;
mod migrations;
mod moving;
mod order_updates;
mod privacy;
mod responses;
mod sessions;
pub(crate) mod sql;
mod templates;
#[cfg(test)]
pub(crate) mod testing;
mod webhook_queue;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::OpenFlags;

pub use business_accounts::{BusinessAccountRecord, BusinessAccountRepo};
pub use carts::CartRepo;
pub use catalog::CatalogRepo;
pub use consents::ConsentRepo;
pub use conversations::{ConversationRepo, LastMessage, LastOutbound, SentMessage};
pub use customers::CustomerRepo;
pub use log::LogRepo;
pub use messages::{MessageRepo, OpenConversation, SentRecord};
pub use migrations::SCHEMA_VERSION;
pub use moving::{MoveReport, TableCopy};
pub use order_updates::OrderUpdateRepo;
pub use privacy::{PrivacyRepo, RemovalScope};
pub use responses::{ResponseRepo, TurnEvent};
pub(crate) use sessions::SessionEventRecord;
pub use sessions::SessionRepo;
pub use sql::{DatabaseOptions, Engine};
pub use templates::{TemplateRecord, TemplateRepo};
pub use webhook_queue::{QueueStats, QueuedDelivery, WebhookQueueRepo};

use sql::Db;

/// How long a writer waits for another PHP worker's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Write transactions committed by this process's stores since it started (SQLite's
/// commit hook fires for write transactions only; MariaDB's are counted at commit).
/// Benchmarks read it before and after a request to count the request's writes.
static WRITE_TRANSACTIONS: AtomicU64 = AtomicU64::new(0);

/// Write transactions committed by this process since it started, migrations excluded.
pub fn write_transactions() -> u64 {
    WRITE_TRANSACTIONS.load(Ordering::Relaxed)
}

/// What can go wrong opening or using the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The path given for the store cannot be used.
    #[error("invalid store path {path:?}: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The database settings given for the store cannot be used.
    #[error("invalid database settings: {reason}")]
    InvalidDatabase {
        /// Why they were refused.
        reason: &'static str,
    },
    /// The database is newer than this build understands.
    #[error(
        "the store has schema version {found}, newer than this build's {supported}; upgrade the wpwa extension"
    )]
    SchemaTooNew {
        /// Schema version found in the store.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// SQLite reported an error.
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// MariaDB/MySQL reported an error (or could not be reached).
    #[error("database error: {0}")]
    MariaDb(#[from] mysql::Error),
    /// A query that must return a row returned none.
    #[error("the store has no such row")]
    NoRow,
    /// A column held something its reader cannot take.
    #[error("unexpected value in column {index}: {reason}")]
    Column {
        /// The column's position.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// A statement names more parameters than it was given.
    #[error("statement parameter ?{wanted} missing ({given} given)")]
    Parameters {
        /// The parameter asked for.
        wanted: usize,
        /// How many were given.
        given: usize,
    },
    /// A statement has no MariaDB translation.
    #[error("statement cannot be translated for MariaDB: {0}")]
    Translate(String),
    /// A write transaction was begun inside another.
    #[error("a write transaction is already open on this connection")]
    NestedTransaction,
    /// An in-memory store has no second connection.
    #[error("an in-memory store cannot be opened again")]
    InMemory,
    /// Another node held the migration lock too long.
    #[error("timed out waiting for another server to finish migrating the store")]
    LockTimeout,
    /// A stored value could not be encoded or decoded as JSON.
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// A failure that a retry may cure: the database was busy, a deadlock or a Galera
    /// certification conflict rolled the transaction back, or the connection was lost.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            StoreError::MariaDb(_) => self.is_rolled_back() || self.is_connection_lost(),
            _ => false,
        }
    }

    /// MariaDB refused the statement without applying it (deadlock or Galera
    /// certification conflict: 1213; lock wait timeout: 1205; a Galera node not ready:
    /// 1047), so running it again cannot apply it twice.
    pub(crate) fn is_rolled_back(&self) -> bool {
        matches!(self, StoreError::MariaDb(mysql::Error::MySqlError(e)) if matches!(e.code, 1213 | 1205 | 1047))
    }

    /// The connection to MariaDB is gone (server restarted, network, timeout).
    pub(crate) fn is_connection_lost(&self) -> bool {
        match self {
            StoreError::MariaDb(mysql::Error::IoError(_) | mysql::Error::CodecError(_)) => true,
            StoreError::MariaDb(mysql::Error::DriverError(e)) => matches!(
                e,
                mysql::DriverError::ConnectTimeout
                    | mysql::DriverError::CouldNotConnect(_)
                    | mysql::DriverError::PacketOutOfSync
                    | mysql::DriverError::Timeout
            ),
            StoreError::MariaDb(mysql::Error::MySqlError(e)) => {
                matches!(e.code, 1053 | 1927 | 2006 | 2013 | 4031)
            }
            _ => false,
        }
    }
}

/// A handle on the store. One per PHP worker, opened lazily and reused across requests.
#[derive(Debug)]
pub struct Store {
    db: Db,
    path: Option<PathBuf>,
    /// Tables to drop when the store is dropped (MariaDB stores made for one test).
    #[cfg(test)]
    scratch: bool,
}

impl Store {
    fn with_db(db: Db, path: Option<PathBuf>) -> Self {
        Store {
            db,
            path,
            #[cfg(test)]
            scratch: false,
        }
    }

    /// Opens (creating if needed) the SQLite store at `path` and brings its schema up
    /// to date.
    ///
    /// The path must be absolute and its directory must exist: the caller decides where
    /// the data lives (outside the web root), the store never invents a location.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        validate_path(path)?;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        restrict_permissions(path);
        let mut store = Store::with_db(Db::sqlite(conn), Some(path.to_path_buf()));
        store.configure_sqlite(true)?;
        Ok(store)
    }

    /// Opens the store in a MariaDB/MySQL database (the WordPress database) and brings
    /// its schema up to date.
    pub fn open_database(options: DatabaseOptions) -> Result<Self, StoreError> {
        let store = Store::with_db(Db::mariadb(options)?, None);
        migrations::migrate(&store.db)?;
        Ok(store)
    }

    /// An in-memory store with the full schema, for tests and benchmarks. Under
    /// `cargo test` with `WPWA_TEST_MARIADB` set, a scratch set of tables in MariaDB
    /// instead, so the store's tests run on both engines.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        #[cfg(test)]
        if let Some(store) = testing::scratch_mariadb_store()? {
            return Ok(store);
        }
        let mut store = Store::with_db(Db::sqlite(rusqlite::Connection::open_in_memory()?), None);
        store.configure_sqlite(false)?;
        Ok(store)
    }

    /// Another connection to the same store, for another thread: the same file, or
    /// the same database and tables.
    pub fn reopen(&self) -> Result<Store, StoreError> {
        match (&self.path, self.db.database_options()) {
            (Some(path), _) => Store::open(path),
            (None, Some(options)) => Ok(Store::with_db(Db::mariadb(options.clone())?, None)),
            (None, None) => Err(StoreError::InMemory),
        }
    }

    fn configure_sqlite(&mut self, on_disk: bool) -> Result<(), StoreError> {
        {
            let conn = self
                .db
                .sqlite_connection()
                .expect("configure_sqlite on an SQLite store");
            conn.busy_timeout(BUSY_TIMEOUT)?;
            if on_disk {
                // WAL lets the dashboard's readers run while a sync slice writes.
                conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
            }
            conn.pragma_update(None, "foreign_keys", true)?;
        }
        migrations::migrate(&self.db)?;
        let conn = self
            .db
            .sqlite_connection_mut()
            .expect("configure_sqlite on an SQLite store");
        // Installed after the migrations: opening a store is once per worker, not per request.
        conn.commit_hook(Some(|| {
            WRITE_TRANSACTIONS.fetch_add(1, Ordering::Relaxed);
            false
        }))?;
        Ok(())
    }

    /// The engine holding the store.
    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    /// Where the store lives, for the admin's health report: the file, or the database
    /// server, database and table prefix (never the password).
    pub fn location(&self) -> String {
        match (&self.path, self.db.database_options()) {
            (_, Some(options)) => options.location(),
            (Some(path), None) => path.display().to_string(),
            (None, None) => ":memory:".to_string(),
        }
    }

    /// The schema version the store is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrations::version(&self.db)
    }

    /// The file backing the store, `None` when in memory or in a database server.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Size in bytes of the database file plus its write-ahead log (0 for a server).
    pub fn size_on_disk(&self) -> u64 {
        let Some(path) = &self.path else { return 0 };
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        [path.as_path(), Path::new(&wal)]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Rows in each table, by table name (without prefix), for the admin's health report.
    pub fn table_rows(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.db
            .tables()?
            .into_iter()
            .map(|name| {
                let rows: i64 = self.db.query_row(
                    &format!("SELECT COUNT(*) FROM {}", quote_table(&self.db, &name)),
                    sql::params![],
                    |row| row.get(0),
                )?;
                Ok((name, rows.max(0) as u64))
            })
            .collect()
    }

    /// The connection, for the repositories of this module only: nothing outside
    /// `src/store/` names the database or writes SQL.
    fn conn(&self) -> &Db {
        &self.db
    }

    /// A transaction that takes the write lock when it begins (`BEGIN IMMEDIATE` on
    /// SQLite; the `write_lock` row on MariaDB).
    ///
    /// Every transaction that writes must use this: a deferred transaction that reads
    /// first holds a snapshot, and when it then writes after another PHP worker
    /// committed, SQLite answers `SQLITE_BUSY` at once, without waiting the busy
    /// timeout ("database is locked" under concurrent webhooks). Taking the lock up
    /// front makes concurrent writers queue instead, and serialises read-then-write
    /// checks (a wamid seen before) across workers and, on MariaDB, across web servers.
    ///
    /// Dropped without [`WriteTx::commit`], it rolls back. Prefer [`Store::transact`],
    /// which also tries again after a transient failure.
    pub fn write_transaction(&self) -> Result<WriteTx<'_>, StoreError> {
        self.db.begin_write()?;
        Ok(WriteTx {
            db: &self.db,
            open: true,
        })
    }

    /// Runs `body` in a write transaction and commits it. When the transaction fails
    /// for a transient reason (a deadlock, a Galera certification conflict, a lost
    /// connection, SQLite busy past its timeout), it is rolled back and `body` runs
    /// again, a bounded number of times: `body` must do nothing outside the store that
    /// it cannot repeat.
    pub fn transact<T, E: From<StoreError>>(
        &self,
        mut body: impl FnMut(&WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut attempt = 0;
        loop {
            self.db.clear_transient();
            let outcome = self.write_transaction().map_err(E::from).and_then(|tx| {
                let value = body(&tx)?;
                tx.commit()?;
                Ok(value)
            });
            match outcome {
                Err(_) if self.db.saw_transient() && attempt < sql::TRANSIENT_RETRIES => {
                    attempt += 1;
                    tracing::warn!(
                        kind = "store",
                        code = "store_retry",
                        attempt,
                        "Store transaction retried after a transient failure"
                    );
                    std::thread::sleep(sql::backoff(attempt));
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
impl Drop for Store {
    fn drop(&mut self) {
        if self.scratch {
            let _ = self.db.drop_all_tables();
        }
    }
}

/// A table name quoted for SQL built at run time (names come from the schema).
fn quote_table(db: &Db, table: &str) -> String {
    match db.engine() {
        // Bare names pass through `sql::translate`, which adds the prefix.
        Engine::MariaDb => table.to_string(),
        Engine::Sqlite => format!("\"{}\"", table.replace('"', "\"\"")),
    }
}

/// A write transaction on the store (see [`Store::write_transaction`]). The
/// repositories it hands out work inside it.
pub struct WriteTx<'a> {
    db: &'a Db,
    open: bool,
}

impl WriteTx<'_> {
    /// Makes everything done in the transaction permanent.
    pub fn commit(mut self) -> Result<(), StoreError> {
        self.open = false;
        self.db.commit()?;
        if self.db.engine() == Engine::MariaDb {
            WRITE_TRANSACTIONS.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn conn(&self) -> &Db {
        self.db
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            self.db.rollback();
        }
    }
}

/// Gives a domain type stored as a TEXT column its [`sql::Param`] / [`sql::FromColumn`]
/// impls, from one table of variants and their stored words (which the schema's CHECK
/// constraints name).
macro_rules! text_column {
    ($type:ty { $($variant:path => $text:literal),+ $(,)? }) => {
        impl $crate::store::sql::Param for $type {
            fn to_value(&self) -> $crate::store::sql::Value<'_> {
                $crate::store::sql::Value::Text(match self {
                    $($variant => $text),+
                })
            }
        }

        impl $crate::store::sql::FromColumn for $type {
            fn from_column(value: $crate::store::sql::Value<'_>) -> Result<Self, String> {
                match value {
                    $($crate::store::sql::Value::Text($text) => Ok($variant),)+
                    other => Err(format!("unknown {} {other:?}", stringify!($type))),
                }
            }
        }
    };
    ($type:ty : $as_str:path, $parse:path) => {
        impl $crate::store::sql::Param for $type {
            fn to_value(&self) -> $crate::store::sql::Value<'_> {
                $crate::store::sql::Value::Text($as_str(*self))
            }
        }

        impl $crate::store::sql::FromColumn for $type {
            fn from_column(value: $crate::store::sql::Value<'_>) -> Result<Self, String> {
                let $crate::store::sql::Value::Text(text) = value else {
                    return Err(format!("unknown {} {value:?}", stringify!($type)));
                };
                $parse(text).ok_or_else(|| format!("unknown {} {text:?}", stringify!($type)))
            }
        }
    };
}
use text_column;

fn validate_path(path: &Path) -> Result<(), StoreError> {
    let refuse = |reason| {
        Err(StoreError::InvalidPath {
            path: path.display().to_string(),
            reason,
        })
    };
    let text = path.as_os_str().as_encoded_bytes();
    if text.is_empty() {
        return refuse("the path is empty");
    }
    if text.contains(&0) {
        return refuse("the path contains a NUL byte");
    }
    if !path.is_absolute() {
        return refuse("the path must be absolute");
    }
    if path.is_dir() {
        return refuse("the path is a directory");
    }
    match path.parent() {
        Some(dir) if dir.is_dir() => Ok(()),
        _ => refuse("the directory does not exist"),
    }
}

/// The store holds vendor conversations: keep it private to the web server's user.
#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: a store on a filesystem without modes still works.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wpwa-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn opens_on_disk_in_wal_mode_at_the_current_schema() {
        let dir = temp_dir("wal");
        let store = Store::open(dir.join("wpwa.sqlite")).unwrap();
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", sql::params![], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let busy: i64 = store
            .conn()
            .query_row("PRAGMA busy_timeout", sql::params![], |r| r.get(0))
            .unwrap();
        assert_eq!(busy, 5000);
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", sql::params![], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        assert!(store.size_on_disk() > 0);
    }

    #[test]
    fn reopening_keeps_data_and_does_not_rerun_migrations() {
        let dir = temp_dir("reopen");
        let path = dir.join("wpwa.sqlite");
        {
            let store = Store::open(&path).unwrap();
            store
                .conn()
                .execute(
                    "INSERT INTO activity_log (vendor_id, level, kind, message, context, created_at)
                     VALUES (1, 'info', 'test', 'kept', '{}', 1)",
                    sql::params![],
                )
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM activity_log", sql::params![], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn refuses_a_store_from_a_newer_build() {
        let dir = temp_dir("newer");
        let path = dir.join("wpwa.sqlite");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        match Store::open(&path) {
            Err(StoreError::SchemaTooNew { found, supported }) => {
                assert_eq!(found, SCHEMA_VERSION + 1);
                assert_eq!(supported, SCHEMA_VERSION);
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
    }

    #[test]
    fn refuses_unusable_paths() {
        let dir = temp_dir("paths");
        for bad in [
            PathBuf::from(""),
            PathBuf::from("relative/wpwa.sqlite"),
            dir.join("missing-dir").join("wpwa.sqlite"),
            dir.clone(),
        ] {
            assert!(
                matches!(Store::open(&bad), Err(StoreError::InvalidPath { .. })),
                "{bad:?} should be refused"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("mode");
        let path = dir.join("wpwa.sqlite");
        Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn counts_rows_per_table() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO activity_log (level, kind, message, created_at) VALUES ('info', 'x', 'y', 1)",
                sql::params![],
            )
            .unwrap();
        let rows = store.table_rows().unwrap();
        assert!(rows.contains(&("activity_log".to_owned(), 1)), "{rows:?}");
        assert!(rows.contains(&("sync_job".to_owned(), 0)), "{rows:?}");
    }
}
