//! Moving a site's store from its SQLite file into the WordPress database: every table
//! copied, then checked row for row (counts and content hashes) before the caller
//! switches engines. A copy that does not match is removed again; the SQLite file is
//! only read, so a failed move loses nothing.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::migrations::TABLES;
use super::sql::{Db, OwnedValue, Param, ROWS_PER_INSERT, Value, values_rows};
use super::{DatabaseOptions, Store, StoreError};

/// INSERT statements of ROWS_PER_INSERT rows sent to MariaDB per transaction.
const INSERTS_PER_TRANSACTION: usize = 10;

/// One table's copy, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    /// Table name (without prefix).
    pub table: String,
    /// Rows in the SQLite file.
    pub source_rows: u64,
    /// Rows in the database after the copy.
    pub target_rows: u64,
    /// SHA-256 over the table's rows in the SQLite file (order-independent).
    pub source_hash: String,
    /// The same over the rows in the database.
    pub target_hash: String,
}

impl TableCopy {
    /// Whether both sides hold the same rows.
    pub fn matches(&self) -> bool {
        self.source_rows == self.target_rows && self.source_hash == self.target_hash
    }
}

/// What a move did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveReport {
    /// Every table copied and matching: the caller may switch to the database.
    pub ok: bool,
    /// Why not, as a code: `target_not_empty`, `mismatch`, or the copy's error.
    pub error: Option<String>,
    /// Each table as checked.
    pub tables: Vec<TableCopy>,
}

impl Store {
    /// Copies the SQLite store at `sqlite_path` into the (empty) wpwa tables of the
    /// database `options` names, and checks the copy. Errors only when either side
    /// cannot be opened; a copy that fails or does not match is reported, not raised,
    /// and removed from the database again.
    pub fn move_to_database(
        sqlite_path: &Path,
        options: DatabaseOptions,
    ) -> Result<MoveReport, StoreError> {
        let source = Store::open(sqlite_path)?;
        let target = Store::open_database(options)?;
        for table in TABLES {
            if count(&target.db, table)? > 0 {
                return Ok(MoveReport {
                    ok: false,
                    error: Some("target_not_empty".into()),
                    tables: Vec::new(),
                });
            }
        }
        let copied = TABLES
            .iter()
            .try_for_each(|table| copy_table(&source.db, &target.db, table));
        let mut tables = Vec::new();
        let mut error = copied.err().map(|e| e.to_string());
        if error.is_none() {
            for table in TABLES {
                let columns = columns(&source.db, table)?;
                let (source_rows, source_hash) = digest(&source.db, table, &columns)?;
                let (target_rows, target_hash) = digest(&target.db, table, &columns)?;
                tables.push(TableCopy {
                    table: (*table).to_string(),
                    source_rows,
                    target_rows,
                    source_hash,
                    target_hash,
                });
            }
            if !tables.iter().all(TableCopy::matches) {
                error = Some("mismatch".into());
            }
        }
        if error.is_some() {
            // Children first: foreign keys point from later tables to earlier ones.
            for table in TABLES.iter().rev() {
                let _ = target
                    .db
                    .execute(&format!("DELETE FROM {table}"), Vec::<i64>::new());
            }
        }
        Ok(MoveReport {
            ok: error.is_none(),
            error,
            tables,
        })
    }

    /// Drops every wpwa table from the database `options` names (uninstall) and
    /// returns how many there were.
    pub fn drop_database_tables(options: DatabaseOptions) -> Result<usize, StoreError> {
        Db::mariadb(options)?.drop_all_tables()
    }
}

fn count(db: &Db, table: &str) -> Result<u64, StoreError> {
    let rows: i64 = db.query_row(
        &format!("SELECT COUNT(*) FROM {table}"),
        Vec::<i64>::new(),
        |r| r.get(0),
    )?;
    Ok(rows.max(0) as u64)
}

/// The table's columns as the SQLite schema has them (MariaDB's generated and added
/// key columns are left to MariaDB).
fn columns(source: &Db, table: &str) -> Result<Vec<String>, StoreError> {
    source
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |r| r.get(0))?
        .collect()
}

fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn copy_table(source: &Db, target: &Db, table: &str) -> Result<(), StoreError> {
    let columns = columns(source, table)?;
    let list = column_list(&columns);
    let rows: Vec<Vec<OwnedValue>> = source
        .prepare(&format!("SELECT {list} FROM {table}"))?
        .query_map(Vec::<i64>::new(), |r| {
            (0..columns.len()).map(|i| r.get(i)).collect()
        })?
        .collect::<Result<_, _>>()?;
    for transaction in rows.chunks(ROWS_PER_INSERT * INSERTS_PER_TRANSACTION) {
        target.begin_write()?;
        let written = transaction.chunks(ROWS_PER_INSERT).try_for_each(|chunk| {
            let sql = format!(
                "INSERT INTO {table} ({list}) VALUES {}",
                values_rows(columns.len(), chunk.len())
            );
            let values: Vec<&OwnedValue> = chunk.iter().flatten().collect();
            target.execute(&sql, values).map(|_| ())
        });
        match written {
            Ok(()) => target.commit()?,
            Err(e) => {
                target.rollback();
                return Err(e);
            }
        }
    }
    Ok(())
}

/// The table's row count and a SHA-256 over its rows that does not depend on their
/// order: each row's digest (over a typed, length-prefixed encoding of its values),
/// sorted, then hashed.
fn digest(db: &Db, table: &str, columns: &[String]) -> Result<(u64, String), StoreError> {
    let list = column_list(columns);
    let mut rows: Vec<[u8; 32]> = db
        .prepare(&format!("SELECT {list} FROM {table}"))?
        .query_map(Vec::<i64>::new(), |r| {
            let mut row = Sha256::new();
            for i in 0..columns.len() {
                let value: OwnedValue = r.get(i)?;
                match value.to_value() {
                    Value::Null => row.update(b"n"),
                    Value::Int(v) => {
                        row.update(b"i");
                        row.update(v.to_le_bytes());
                    }
                    Value::Real(v) => {
                        row.update(b"r");
                        row.update(v.to_bits().to_le_bytes());
                    }
                    Value::Text(t) => {
                        row.update(b"t");
                        row.update((t.len() as u64).to_le_bytes());
                        row.update(t.as_bytes());
                    }
                    Value::Blob(b) => {
                        row.update(b"b");
                        row.update((b.len() as u64).to_le_bytes());
                        row.update(b);
                    }
                }
            }
            Ok(row.finalize().into())
        })?
        .collect::<Result<_, _>>()?;
    rows.sort_unstable();
    let mut all = Sha256::new();
    for row in &rows {
        all.update(row);
    }
    let hex = all
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    Ok((rows.len() as u64, hex))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    fn sqlite_with_rows(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("wpwa-move-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wpwa.sqlite");
        let store = Store::open(&path).unwrap();
        for (i, customer) in ["15550001", "15550002", "15550003"].iter().enumerate() {
            testing::customer_message(&store, 7, customer, &format!("wamid.{i}"), 100 + i as i64);
        }
        store
            .conn()
            .execute(
                "INSERT INTO activity_log (level, kind, message, created_at) VALUES ('info', 'x', 'naïve ✓ text', 1)",
                Vec::<i64>::new(),
            )
            .unwrap();
        path
    }

    fn options(prefix: &str) -> Option<DatabaseOptions> {
        let socket = std::env::var("WPWA_TEST_MARIADB")
            .ok()
            .filter(|s| !s.is_empty())?;
        Some(DatabaseOptions {
            host: String::new(),
            port: 3306,
            socket: Some(socket),
            user: "root".into(),
            password: String::new(),
            database: "wpwa_rust_tests".into(),
            prefix: format!("mv{}_{prefix}_", std::process::id()),
            ssl: false,
            ssl_ca: None,
            ssl_verify: true,
        })
    }

    #[test]
    fn a_move_to_an_unreachable_database_fails_and_leaves_the_file_as_it_was() {
        let path = sqlite_with_rows("unreachable");
        let unreachable = DatabaseOptions {
            host: String::new(),
            port: 3306,
            socket: Some("/nonexistent/wpwa-mysqld.sock".into()),
            user: "wp".into(),
            password: "secret".into(),
            database: "wp".into(),
            prefix: "wp_".into(),
            ssl: false,
            ssl_ca: None,
            ssl_verify: true,
        };
        let error = Store::move_to_database(&path, unreachable).unwrap_err();
        assert!(error.is_connection_lost(), "{error}");
        let store = Store::open(&path).unwrap();
        assert_eq!(testing::rows(&store, "message"), 3);
        assert_eq!(testing::rows(&store, "activity_log"), 1);
    }

    /// Runs where `WPWA_TEST_MARIADB` names a server (the rust level's second pass).
    #[test]
    fn a_move_copies_every_row_checks_it_and_refuses_a_second_copy() {
        let Some(options) = options("copy") else {
            return;
        };
        let path = sqlite_with_rows("copy");
        let report = Store::move_to_database(&path, options.clone()).unwrap();
        assert!(report.ok, "{report:?}");
        assert_eq!(report.error, None);
        assert_eq!(report.tables.len(), TABLES.len());
        let messages = report.tables.iter().find(|t| t.table == "message").unwrap();
        assert_eq!((messages.source_rows, messages.target_rows), (3, 3));
        assert_eq!(messages.source_hash, messages.target_hash);
        let target = Store::open_database(options.clone()).unwrap();
        assert_eq!(testing::rows(&target, "conversation"), 3);
        let text: String = target
            .conn()
            .query_row("SELECT message FROM activity_log", Vec::<i64>::new(), |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(text, "naïve ✓ text");

        let again = Store::move_to_database(&path, options.clone()).unwrap();
        assert!(!again.ok);
        assert_eq!(again.error.as_deref(), Some("target_not_empty"));
        assert_eq!(
            testing::rows(&target, "message"),
            3,
            "a refused move removes nothing"
        );
        drop(target);
        assert!(Store::drop_database_tables(options).unwrap() >= TABLES.len());
    }
}
