//! The activity log (`activity_log`).

use super::sql::OwnedValue as SqlValue;
use super::sql::{Db, params};
use serde_json::{Map, Value};

use super::{Store, StoreError, WriteTx};
use crate::log::{Entry, Filter, Level, NewEntry};

impl super::sql::Param for Level {
    fn to_value(&self) -> super::sql::Value<'_> {
        super::sql::Value::Text(self.as_str())
    }
}

/// The activity log, inside or outside a transaction.
pub struct LogRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// The activity log.
    pub fn log(&self) -> LogRepo<'_> {
        LogRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// The activity log, inside this transaction.
    pub fn log(&self) -> LogRepo<'_> {
        LogRepo { conn: self.conn() }
    }
}

impl LogRepo<'_> {
    /// Writes one (already sanitized) entry at `created_at` and returns its id.
    pub fn insert(&self, entry: &NewEntry, created_at: i64) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO activity_log (vendor_id, level, kind, message, context, created_at, code, params)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                i64::try_from(entry.vendor_id).unwrap_or(i64::MAX),
                entry.level,
                entry.kind,
                entry.message,
                entry.context.to_string(),
                created_at,
                entry.code,
                entry.params.to_string(),
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The entries matching `filter` (all of them, page size and offset aside), and
    /// the page of them `limit` long after `filter.offset`, newest first.
    pub fn page(&self, filter: &Filter, limit: u32) -> Result<(u64, Vec<Entry>), StoreError> {
        let mut clauses = Vec::new();
        let mut params: Vec<SqlValue> = Vec::new();
        if let Some(vendor) = filter.vendor_id {
            clauses.push("vendor_id = ?");
            params.push(SqlValue::Int(i64::try_from(vendor).unwrap_or(i64::MAX)));
        }
        if let Some(level) = filter.level {
            clauses.push("level = ?");
            params.push(SqlValue::Text(level.as_str().into()));
        }
        if let Some(kind) = &filter.kind {
            clauses.push("kind = ?");
            params.push(SqlValue::Text(kind.clone()));
        }
        if let Some(since) = filter.since {
            clauses.push("created_at >= ?");
            params.push(SqlValue::Int(since));
        }
        if let Some(until) = filter.until {
            clauses.push("created_at <= ?");
            params.push(SqlValue::Int(until));
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };

        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM activity_log{where_sql}"),
            params.as_slice(),
            |row| row.get(0),
        )?;
        params.push(SqlValue::Int(i64::from(limit)));
        params.push(SqlValue::Int(i64::from(filter.offset)));
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, vendor_id, level, kind, message, context, created_at, code, params
             FROM activity_log{where_sql} ORDER BY id DESC LIMIT ? OFFSET ?"
        ))?;
        let entries = stmt
            .query_map(params.as_slice(), |row| {
                let level: String = row.get(2)?;
                let context: String = row.get(5)?;
                let params: String = row.get(8)?;
                Ok(Entry {
                    id: row.get(0)?,
                    vendor_id: row.get::<_, i64>(1)?.max(0) as u64,
                    // The CHECK constraint keeps levels valid; a hand-edited row reads as info.
                    level: Level::parse(&level).unwrap_or(Level::Info),
                    kind: row.get(3)?,
                    message: row.get(4)?,
                    context: serde_json::from_str(&context)
                        .unwrap_or_else(|_| Value::Object(Map::new())),
                    created_at: row.get(6)?,
                    code: row.get(7)?,
                    params: serde_json::from_str(&params)
                        .unwrap_or_else(|_| Value::Object(Map::new())),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((total.max(0) as u64, entries))
    }

    /// Deletes the entries written before `before` and returns how many went.
    pub fn purge(&self, before: i64) -> Result<u64, StoreError> {
        let deleted = self
            .conn
            .execute("DELETE FROM activity_log WHERE created_at < ?1", [before])?;
        Ok(deleted as u64)
    }

    /// The kinds present, sorted (at most 200).
    pub fn kinds(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT kind FROM activity_log ORDER BY kind LIMIT 200")?;
        let kinds = stmt
            .query_map(params![], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(kinds)
    }
}
