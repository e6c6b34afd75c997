//! Moving a site's store from its SQLite file into the WordPress database: every table
//! copied, then checked row for row (counts and content hashes) before the caller
//! switches engines. A copy that does not match is removed again; the SQLite file is
//! only read, so a failed move loses nothing.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::migrations::TABLES;
use super::sql::{Db, OwnedValue, Param, Value};
use super::{DatabaseOptions, Store, StoreError};

/// Rows sent to MariaDB per INSERT statement, and per transaction (in statements).
const ROWS_PER_INSERT: usize = 200;
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
    let row_marks = format!("({})", vec!["?"; columns.len()].join(", "));
    for transaction in rows.chunks(ROWS_PER_INSERT * INSERTS_PER_TRANSACTION) {
        target.begin_write()?;
        let written = transaction.chunks(ROWS_PER_INSERT).try_for_each(|chunk| {
            let sql = format!(
                "INSERT INTO {table} ({list}) VALUES {}",
                vec![row_marks.as_str(); chunk.len()].join(", ")
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
