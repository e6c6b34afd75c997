//! The operational store: one SQLite file per site, in WAL mode, versioned by ordered
//! migrations keyed on `PRAGMA user_version`.
//!
//! All SQL lives under `src/store/`: one repository per aggregate ([`CatalogRepo`],
//! [`ConversationRepo`], [`MessageRepo`], [`SessionRepo`], [`LogRepo`],
//! [`ResponseRepo`], [`PrivacyRepo`], [`ConsentRepo`], [`OrderUpdateRepo`]), each a typed API that [`Store`] and a
//! [`WriteTx`] hand out, so a store backed by another database replaces this module
//! without touching the domain modules. States the domain keeps typed (job, item, op
//! and session states, op methods, message directions) are stored through `ToSql` /
//! `FromSql` impls here; nothing outside names `rusqlite` (`scripts/check-store-boundary`).

mod carts;
mod catalog;
mod catalog_checks;
mod consents;
mod conversations;
mod directory;
mod log;
mod messages;
mod migrations;
mod order_updates;
mod privacy;
mod responses;
mod sessions;
mod templates;
#[cfg(test)]
pub(crate) mod testing;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use carts::CartRepo;
pub use catalog::CatalogRepo;
pub use consents::ConsentRepo;
pub use conversations::{ConversationRepo, LastInbound, LastOutbound, SentMessage};
pub use log::LogRepo;
pub use messages::{MessageRepo, OpenConversation, SentRecord};
pub use migrations::SCHEMA_VERSION;
pub use order_updates::OrderUpdateRepo;
pub use privacy::{PrivacyRepo, RemovalScope};
pub use responses::{ResponseRepo, TurnEvent};
pub(crate) use sessions::SessionEventRecord;
pub use sessions::SessionRepo;
pub use templates::{TemplateRecord, TemplateRepo};

/// How long a writer waits for another PHP worker's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Write transactions committed by this process's stores since it started (SQLite's
/// commit hook fires for write transactions only). Benchmarks read it before and after
/// a request to count the request's writes.
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
    /// The database file is newer than this build understands.
    #[error(
        "the store has schema version {found}, newer than this build's {supported}; upgrade the wpwa extension"
    )]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// SQLite reported an error.
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A handle on the store. One per PHP worker, opened lazily and reused across requests.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// The path must be absolute and its directory must exist: the caller decides where
    /// the data lives (outside the web root), the store never invents a location.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        validate_path(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        restrict_permissions(path);
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.configure(true)?;
        Ok(store)
    }

    /// An in-memory store with the full schema, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        store.configure(false)?;
        Ok(store)
    }

    fn configure(&mut self, on_disk: bool) -> Result<(), StoreError> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        if on_disk {
            // WAL lets the dashboard's readers run while a sync slice writes.
            self.conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        self.conn.pragma_update(None, "foreign_keys", true)?;
        migrations::migrate(&mut self.conn)?;
        // Installed after the migrations: opening a store is once per worker, not per request.
        self.conn.commit_hook(Some(|| {
            WRITE_TRANSACTIONS.fetch_add(1, Ordering::Relaxed);
            false
        }))?;
        Ok(())
    }

    /// The schema version the store is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// The file backing the store, `None` when in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Size in bytes of the database file plus its write-ahead log.
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

    /// Rows in each table, by table name, for the admin's health report.
    pub fn table_rows(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names = stmt
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        names
            .into_iter()
            .map(|name| {
                // Names come from sqlite_master, not from a caller; quoted all the same.
                let rows: i64 = self.conn.query_row(
                    &format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")),
                    [],
                    |row| row.get(0),
                )?;
                Ok((name, rows.max(0) as u64))
            })
            .collect()
    }

    /// The connection, for the repositories of this module only: nothing outside
    /// `src/store/` names the database or writes SQL.
    fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`).
    ///
    /// Every transaction that writes must use this, not `unchecked_transaction()`: a
    /// deferred transaction that reads first holds a snapshot, and when it then writes
    /// after another PHP worker committed, SQLite answers `SQLITE_BUSY` at once, without
    /// waiting the busy timeout ("database is locked" under concurrent webhooks). Taking
    /// the lock up front makes concurrent writers queue on the busy timeout instead, and
    /// serialises read-then-write checks (a wamid seen before) across workers.
    ///
    /// Dropped without [`WriteTx::commit`], it rolls back.
    pub fn write_transaction(&self) -> Result<WriteTx<'_>, StoreError> {
        Ok(WriteTx {
            tx: rusqlite::Transaction::new_unchecked(
                &self.conn,
                rusqlite::TransactionBehavior::Immediate,
            )?,
        })
    }
}

/// A write transaction on the store (see [`Store::write_transaction`]). The
/// repositories it hands out work inside it.
pub struct WriteTx<'a> {
    tx: rusqlite::Transaction<'a>,
}

impl WriteTx<'_> {
    /// Makes everything done in the transaction permanent.
    pub fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit()?)
    }

    fn conn(&self) -> &Connection {
        &self.tx
    }
}

/// Gives a domain type stored as a TEXT column its `ToSql`/`FromSql` impls, from one
/// table of variants and their stored words (which the schema's CHECK constraints name).
macro_rules! text_column {
    ($type:ty { $($variant:path => $text:literal),+ $(,)? }) => {
        impl rusqlite::types::ToSql for $type {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                let text: &'static str = match self {
                    $($variant => $text),+
                };
                Ok(rusqlite::types::ToSqlOutput::from(text))
            }
        }

        impl rusqlite::types::FromSql for $type {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                match value.as_str()? {
                    $($text => Ok($variant),)+
                    other => Err(rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {other:?}", stringify!($type)).into(),
                    )),
                }
            }
        }
    };
    ($type:ty : $as_str:path, $parse:path) => {
        impl rusqlite::types::ToSql for $type {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from($as_str(*self)))
            }
        }

        impl rusqlite::types::FromSql for $type {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                $parse(text).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {text:?}", stringify!($type)).into(),
                    )
                })
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
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let busy: i64 = store
            .conn()
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(busy, 5000);
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
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
                    [],
                )
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM activity_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn refuses_a_store_from_a_newer_build() {
        let dir = temp_dir("newer");
        let path = dir.join("wpwa.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
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
                [],
            )
            .unwrap();
        let rows = store.table_rows().unwrap();
        assert!(rows.contains(&("activity_log".to_owned(), 1)), "{rows:?}");
        assert!(rows.contains(&("sync_job".to_owned(), 0)), "{rows:?}");
    }
}
