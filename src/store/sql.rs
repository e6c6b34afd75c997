//! The two database engines behind one small connection API: SQLite (one file per
//! site, the default) and MariaDB/MySQL (the WordPress database, for sites on several
//! web servers).
//!
//! The repositories write their SQL once, in SQLite's dialect with numbered parameters
//! (`?1`), and call [`Db`] the way they would call a `rusqlite::Connection`. For
//! MariaDB each statement is translated once per worker ([`translate`]) and the
//! translation is cached: table names gain the site's prefix (`wp_wpwa_message`),
//! numbered parameters become positional ones, `ON CONFLICT` becomes
//! `ON DUPLICATE KEY UPDATE` / `INSERT IGNORE`, and two-argument `MAX`/`MIN` become
//! `GREATEST`/`LEAST`. The session's `sql_mode` makes the rest mean what it means in
//! SQLite: `ANSI_QUOTES` (double-quoted identifiers), `PIPES_AS_CONCAT`,
//! `NO_BACKSLASH_ESCAPES`, strict tables; the tables use the binary utf8mb4 collation,
//! so text compares byte for byte as in SQLite.
//!
//! The MariaDB driver is the blocking `mysql` crate: the store's API is synchronous
//! (as rusqlite's is), a PHP worker runs one request at a time, and a blocking
//! connection costs no hop onto the async runtime per statement.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use mysql::prelude::Queryable;

use super::StoreError;

/// How many times a transaction or a read is tried again after a transient failure
/// (deadlock, lock wait timeout, Galera certification conflict, lost connection).
pub(super) const TRANSIENT_RETRIES: u32 = 8;

/// Where and how to reach a MariaDB/MySQL server, as WordPress's `DB_*` settings say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseOptions {
    /// Host name or IP address (ignored when `socket` is set).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Unix socket path, used instead of host and port.
    pub socket: Option<String>,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Database name.
    pub database: String,
    /// The site's table prefix; wpwa's tables are `{prefix}wpwa_{name}`.
    pub prefix: String,
    /// Whether to use TLS.
    pub ssl: bool,
    /// CA certificate file for TLS.
    pub ssl_ca: Option<String>,
    /// Whether to verify the server's certificate.
    pub ssl_verify: bool,
}

impl DatabaseOptions {
    /// Checks what a caller gave: names MariaDB cannot quote safely are refused here,
    /// not discovered in a failing statement.
    pub fn validate(&self) -> Result<(), StoreError> {
        let refuse = |reason| Err(StoreError::InvalidDatabase { reason });
        if self.prefix.len() > 32
            || !self
                .prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return refuse("the table prefix may hold only letters, digits and underscores");
        }
        if self.database.is_empty() || self.database.len() > 64 || self.database.contains('\0') {
            return refuse("the database name must be 1 to 64 characters");
        }
        if self.user.is_empty() || self.user.contains('\0') {
            return refuse("the database user is missing");
        }
        if self.socket.is_none() && self.host.is_empty() {
            return refuse("the database host is missing");
        }
        Ok(())
    }

    /// Where the data lives, for the admin's health report: never the password.
    pub fn location(&self) -> String {
        let server = match &self.socket {
            Some(socket) => format!("{}@{}", self.user, socket),
            None => format!("{}@{}:{}", self.user, self.host, self.port),
        };
        format!("{server}/{} (tables {}wpwa_*)", self.database, self.prefix)
    }

    fn mysql_opts(&self) -> mysql::Opts {
        let mut builder = mysql::OptsBuilder::new()
            .user(Some(self.user.clone()))
            .pass(Some(self.password.clone()))
            .db_name(Some(self.database.clone()))
            .tcp_connect_timeout(Some(Duration::from_secs(5)))
            .stmt_cache_size(Some(256))
            // UPDATE reports the rows it matched, as SQLite's changes() does.
            .additional_capabilities(mysql::consts::CapabilityFlags::CLIENT_FOUND_ROWS)
            .init(vec![
                "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE'",
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
            ]);
        builder = match &self.socket {
            Some(socket) => builder.socket(Some(socket.clone())).prefer_socket(true),
            None => builder
                .ip_or_hostname(Some(self.host.clone()))
                .tcp_port(self.port)
                .prefer_socket(false),
        };
        if self.ssl {
            let mut ssl = mysql::SslOpts::default();
            if let Some(ca) = &self.ssl_ca {
                ssl = ssl.with_root_cert_path(Some(std::path::PathBuf::from(ca)));
            }
            ssl = ssl.with_danger_accept_invalid_certs(!self.ssl_verify);
            builder = builder.ssl_opts(Some(ssl));
        }
        builder.into()
    }
}

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// UTF-8 text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

/// An owned [`Value`], for parameter lists built at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedValue {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// Keys a bulk lookup binds per statement ([`in_chunks`]).
pub const IN_CHUNK: usize = 100;

/// `?from, ?from+1, …`: the placeholders of an `IN (…)` list of [`IN_CHUNK`] keys
/// whose first parameter is number `from`.
pub fn in_placeholders(from: usize) -> String {
    (from..from + IN_CHUNK)
        .map(|n| format!("?{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `keys` in chunks of [`IN_CHUNK`], the last one padded with its own last key: every
/// chunk binds as many parameters as the others, so a bulk lookup has one statement
/// text, prepared once per connection, and a page of products costs a few statements
/// instead of one per product (a round trip each on MariaDB).
pub fn in_chunks<T: Clone>(keys: &[T]) -> impl Iterator<Item = Vec<T>> + '_ {
    keys.chunks(IN_CHUNK).map(|chunk| {
        let mut padded = chunk.to_vec();
        if let Some(last) = chunk.last() {
            padded.resize(IN_CHUNK, last.clone());
        }
        padded
    })
}

/// Rows a multi-row `INSERT` writes per statement.
pub const ROWS_PER_INSERT: usize = 200;

/// `(?, ?, …), (?, ?, …)`: the `VALUES` list of `rows` rows of `columns` parameters,
/// so that many rows cost one statement (one round trip on MariaDB) instead of one each.
pub fn values_rows(columns: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row.as_str(); rows].join(", ")
}

/// Something a statement can bind.
pub trait Param {
    /// The value to bind.
    fn to_value(&self) -> Value<'_>;
}

/// Something read from a column.
pub trait FromColumn: Sized {
    /// Converts the column's value.
    fn from_column(value: Value<'_>) -> Result<Self, String>;
}

impl Param for OwnedValue {
    fn to_value(&self) -> Value<'_> {
        match self {
            OwnedValue::Null => Value::Null,
            OwnedValue::Int(v) => Value::Int(*v),
            OwnedValue::Real(v) => Value::Real(*v),
            OwnedValue::Text(v) => Value::Text(v),
            OwnedValue::Blob(v) => Value::Blob(v),
        }
    }
}

impl<T: Param + ?Sized> Param for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: Param> Param for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

impl Param for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Param for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Param for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl Param for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl Param for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl Param for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, i16, i8);

impl Param for u64 {
    fn to_value(&self) -> Value<'_> {
        // Ids above i64::MAX do not exist in either engine; saturating keeps them unmatched.
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Param for usize {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl FromColumn for i64 {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Int(v) => Ok(v),
            // MariaDB returns SUM() and other DECIMAL results as text.
            Value::Text(t) => t
                .parse::<i64>()
                .or_else(|_| t.parse::<f64>().map(|f| f as i64))
                .map_err(|_| format!("not an integer: {t:?}")),
            Value::Blob(b) => std::str::from_utf8(b)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| "not an integer".to_string()),
            Value::Real(f) => Ok(f as i64),
            Value::Null => Err("NULL where an integer was expected".to_string()),
        }
    }
}

macro_rules! int_column {
    ($($t:ty),*) => {$(
        impl FromColumn for $t {
            fn from_column(value: Value<'_>) -> Result<Self, String> {
                let v = i64::from_column(value)?;
                <$t>::try_from(v).map_err(|_| format!("{v} is out of range"))
            }
        }
    )*};
}
int_column!(i32, u32, u64, u16, u8, usize);

impl FromColumn for bool {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        Ok(i64::from_column(value)? != 0)
    }
}

impl FromColumn for f64 {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Real(v) => Ok(v),
            Value::Int(v) => Ok(v as f64),
            Value::Text(t) => t.parse().map_err(|_| format!("not a number: {t:?}")),
            Value::Blob(b) => std::str::from_utf8(b)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| "not a number".to_string()),
            Value::Null => Err("NULL where a number was expected".to_string()),
        }
    }
}

impl FromColumn for String {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Text(t) => Ok(t.to_string()),
            Value::Blob(b) => String::from_utf8(b.to_vec()).map_err(|_| "invalid UTF-8".into()),
            Value::Int(v) => Ok(v.to_string()),
            Value::Real(v) => Ok(v.to_string()),
            Value::Null => Err("NULL where text was expected".to_string()),
        }
    }
}

impl FromColumn for Vec<u8> {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Text(t) => Ok(t.as_bytes().to_vec()),
            Value::Blob(b) => Ok(b.to_vec()),
            Value::Null => Err("NULL where bytes were expected".to_string()),
            other => Err(format!("not bytes: {other:?}")),
        }
    }
}

impl<T: FromColumn> FromColumn for Option<T> {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_column(other).map(Some),
        }
    }
}

impl FromColumn for OwnedValue {
    fn from_column(value: Value<'_>) -> Result<Self, String> {
        Ok(match value {
            Value::Null => OwnedValue::Null,
            Value::Int(v) => OwnedValue::Int(v),
            Value::Real(v) => OwnedValue::Real(v),
            Value::Text(t) => OwnedValue::Text(t.to_string()),
            Value::Blob(b) => OwnedValue::Blob(b.to_vec()),
        })
    }
}

/// A statement's parameters: `params![a, b]`, `[a]`, or a slice of values.
pub trait Params {
    /// The values, in parameter order (`?1` first).
    fn values(&self) -> Vec<Value<'_>>;
}

impl<T: Param, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(Param::to_value).collect()
    }
}

impl<T: Param> Params for Vec<T> {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(Param::to_value).collect()
    }
}

impl<T: Param> Params for &[T] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(Param::to_value).collect()
    }
}

/// `params![a, b, c]`: a statement's parameters of mixed types.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::store::sql::Param]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::store::sql::Param),+] as &[&dyn $crate::store::sql::Param]
    };
}
pub(crate) use params;

/// A column's position in a row (0-based). Only `usize` is one, so an integer literal
/// at a call site needs no suffix.
pub trait ColumnIndex {
    /// The position.
    fn position(self) -> usize;
}

impl ColumnIndex for usize {
    fn position(self) -> usize {
        self
    }
}

/// One row of a result.
pub enum Row<'r> {
    /// A row SQLite is stepping through.
    Sqlite(&'r rusqlite::Row<'r>),
    /// A row MariaDB sent, already converted.
    Values(&'r [OwnedValue]),
}

impl Row<'_> {
    /// Column `index` (0-based) as `T`. The index type parameter keeps the
    /// `row.get::<_, T>(i)` form of call sites.
    pub fn get<I: ColumnIndex, T: FromColumn>(&self, index: I) -> Result<T, StoreError> {
        let index = index.position();
        let converted = match self {
            Row::Sqlite(row) => {
                let value = row.get_ref(index)?;
                T::from_column(match value {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
                    rusqlite::types::ValueRef::Real(v) => Value::Real(v),
                    rusqlite::types::ValueRef::Text(t) => {
                        Value::Text(std::str::from_utf8(t).map_err(|_| StoreError::Column {
                            index,
                            reason: "invalid UTF-8".into(),
                        })?)
                    }
                    rusqlite::types::ValueRef::Blob(b) => Value::Blob(b),
                })
            }
            Row::Values(values) => {
                let value = values.get(index).ok_or(StoreError::Column {
                    index,
                    reason: "no such column".into(),
                })?;
                T::from_column(value.to_value())
            }
        };
        converted.map_err(|reason| StoreError::Column { index, reason })
    }
}

/// `Result::optional()`: no row becomes `None`.
pub trait OptionalExtension<T> {
    /// `Ok(None)` where the query returned no row.
    fn optional(self) -> Result<Option<T>, StoreError>;
}

impl<T> OptionalExtension<T> for Result<T, StoreError> {
    fn optional(self) -> Result<Option<T>, StoreError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Which engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// An SQLite file (or memory).
    Sqlite,
    /// A MariaDB or MySQL server.
    MariaDb,
}

/// A MariaDB statement as sent: the translated text and which numbered parameter each
/// `?` stands for.
#[derive(Debug)]
struct Translated {
    sql: String,
    order: Vec<usize>,
    /// An `ON DUPLICATE KEY UPDATE` upsert: MariaDB counts an updated row twice.
    upsert: bool,
}

/// The MariaDB side of a [`Db`]: the connection (opened lazily and again after it was
/// lost) and the translations made so far.
struct MariaDb {
    options: DatabaseOptions,
    opts: mysql::Opts,
    conn: RefCell<Option<mysql::Conn>>,
    translations: RefCell<HashMap<String, Arc<Translated>>>,
}

enum Connection {
    Sqlite(rusqlite::Connection),
    MariaDb(Box<MariaDb>),
}

/// A connection to the store's database, whichever engine holds it.
pub struct Db {
    connection: Connection,
    /// A transaction is open on this connection.
    in_transaction: Cell<bool>,
    /// A transient failure (see [`StoreError::is_transient`]) happened since the flag
    /// was last cleared: the transaction it happened in may be tried again.
    transient: Cell<bool>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.connection {
            Connection::Sqlite(c) => write!(f, "Db::Sqlite({:?})", c.path()),
            Connection::MariaDb(m) => write!(f, "Db::MariaDb({})", m.options.location()),
        }
    }
}

/// Rows a query returned, materialised.
pub type Rows<T> = std::vec::IntoIter<Result<T, StoreError>>;

/// A statement about to run: SQLite's cached prepared statement, or the text MariaDB
/// will prepare (the `mysql` connection caches prepared statements itself).
pub struct Statement<'c> {
    db: &'c Db,
    sql: String,
    sqlite: Option<rusqlite::CachedStatement<'c>>,
}

impl Statement<'_> {
    /// Runs the statement and returns the rows it changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize, StoreError> {
        let values = params.values();
        match &mut self.sqlite {
            Some(stmt) => Ok(self
                .db
                .watch(stmt.execute(rusqlite::params_from_iter(values.iter())))?),
            None => self.db.maria_execute(&self.sql, &values),
        }
    }

    /// The first row, mapped; [`StoreError::NoRow`] when there is none.
    pub fn query_row<P: Params, T>(
        &mut self,
        params: P,
        map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let values = params.values();
        match &mut self.sqlite {
            Some(stmt) => {
                let mut rows = self
                    .db
                    .watch(stmt.query(rusqlite::params_from_iter(values.iter())))?;
                match self.db.watch(rows.next())? {
                    Some(row) => map(&Row::Sqlite(row)),
                    None => Err(StoreError::NoRow),
                }
            }
            None => {
                let rows = self.db.maria_query(&self.sql, &values)?;
                match rows.first() {
                    Some(row) => map(&Row::Values(row)),
                    None => Err(StoreError::NoRow),
                }
            }
        }
    }

    /// Every row, mapped.
    pub fn query_map<P: Params, T>(
        &mut self,
        params: P,
        mut map: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Rows<T>, StoreError> {
        let values = params.values();
        let mapped: Vec<Result<T, StoreError>> = match &mut self.sqlite {
            Some(stmt) => {
                let mut rows = self
                    .db
                    .watch(stmt.query(rusqlite::params_from_iter(values.iter())))?;
                let mut out = Vec::new();
                while let Some(row) = self.db.watch(rows.next())? {
                    out.push(map(&Row::Sqlite(row)));
                }
                out
            }
            None => self
                .db
                .maria_query(&self.sql, &values)?
                .iter()
                .map(|row| map(&Row::Values(row)))
                .collect(),
        };
        Ok(mapped.into_iter())
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(v),
            Value::Real(v) => ValueRef::Real(v),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn to_mysql(value: &Value<'_>) -> mysql::Value {
    match *value {
        Value::Null => mysql::Value::NULL,
        Value::Int(v) => mysql::Value::Int(v),
        Value::Real(v) => mysql::Value::Double(v),
        Value::Text(t) => mysql::Value::Bytes(t.as_bytes().to_vec()),
        Value::Blob(b) => mysql::Value::Bytes(b.to_vec()),
    }
}

fn from_mysql(value: mysql::Value) -> OwnedValue {
    match value {
        mysql::Value::NULL => OwnedValue::Null,
        mysql::Value::Int(v) => OwnedValue::Int(v),
        mysql::Value::UInt(v) => OwnedValue::Int(i64::try_from(v).unwrap_or(i64::MAX)),
        mysql::Value::Float(v) => OwnedValue::Real(f64::from(v)),
        mysql::Value::Double(v) => OwnedValue::Real(v),
        // Text and blob columns both arrive as bytes; text is what the schema holds.
        mysql::Value::Bytes(b) => match String::from_utf8(b) {
            Ok(text) => OwnedValue::Text(text),
            Err(e) => OwnedValue::Blob(e.into_bytes()),
        },
        other => OwnedValue::Text(other.as_sql(true)),
    }
}

impl Db {
    /// An SQLite connection.
    pub(super) fn sqlite(conn: rusqlite::Connection) -> Self {
        Db {
            connection: Connection::Sqlite(conn),
            in_transaction: Cell::new(false),
            transient: Cell::new(false),
        }
    }

    /// A MariaDB connection, opened now (the caller opens the store lazily).
    pub(super) fn mariadb(options: DatabaseOptions) -> Result<Self, StoreError> {
        options.validate()?;
        let opts = options.mysql_opts();
        let db = Db {
            connection: Connection::MariaDb(Box::new(MariaDb {
                options,
                opts,
                conn: RefCell::new(None),
                translations: RefCell::new(HashMap::new()),
            })),
            in_transaction: Cell::new(false),
            transient: Cell::new(false),
        };
        db.with_maria(|_| Ok(()))?;
        Ok(db)
    }

    /// The engine behind this connection.
    pub fn engine(&self) -> Engine {
        match self.connection {
            Connection::Sqlite(_) => Engine::Sqlite,
            Connection::MariaDb(_) => Engine::MariaDb,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, hooks).
    pub(super) fn sqlite_connection(&self) -> Option<&rusqlite::Connection> {
        match &self.connection {
            Connection::Sqlite(c) => Some(c),
            Connection::MariaDb(_) => None,
        }
    }

    /// The SQLite connection, mutably (hooks).
    pub(super) fn sqlite_connection_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.connection {
            Connection::Sqlite(c) => Some(c),
            Connection::MariaDb(_) => None,
        }
    }

    /// The MariaDB options, when this is a MariaDB connection.
    pub(super) fn database_options(&self) -> Option<&DatabaseOptions> {
        match &self.connection {
            Connection::MariaDb(m) => Some(&m.options),
            Connection::Sqlite(_) => None,
        }
    }

    /// A table's name as the engine knows it (`wp_wpwa_message` on MariaDB).
    pub(super) fn table_name(&self, table: &str) -> String {
        match &self.connection {
            Connection::Sqlite(_) => table.to_string(),
            Connection::MariaDb(m) => format!("{}wpwa_{table}", m.options.prefix),
        }
    }

    /// A statement to run; on SQLite it comes from the connection's statement cache.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>, StoreError> {
        let sqlite = match &self.connection {
            Connection::Sqlite(c) => Some(self.watch(c.prepare_cached(sql))?),
            Connection::MariaDb(_) => None,
        };
        Ok(Statement {
            db: self,
            sql: sql.to_string(),
            sqlite,
        })
    }

    /// A statement to run once (dynamic SQL). Same as [`Db::prepare_cached`]: SQLite's
    /// cache evicts the least recently used.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>, StoreError> {
        self.prepare_cached(sql)
    }

    /// Runs one statement and returns the rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize, StoreError> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// The first row of a query, mapped; [`StoreError::NoRow`] when there is none.
    pub fn query_row<P: Params, T>(
        &self,
        sql: &str,
        params: P,
        map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.prepare_cached(sql)?.query_row(params, map)
    }

    /// Runs several statements separated by `;` (schema changes), on MariaDB one by one.
    pub(super) fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        match &self.connection {
            Connection::Sqlite(c) => Ok(self.watch(c.execute_batch(sql))?),
            Connection::MariaDb(m) => {
                for statement in split_statements(sql) {
                    let translated = translate(statement, &m.options.prefix)?;
                    self.with_maria(|conn| conn.query_drop(&translated.sql))?;
                }
                Ok(())
            }
        }
    }

    /// The id the last insert on this connection made.
    pub fn last_insert_rowid(&self) -> i64 {
        match &self.connection {
            Connection::Sqlite(c) => c.last_insert_rowid(),
            Connection::MariaDb(m) => m
                .conn
                .borrow()
                .as_ref()
                .map_or(0, |c| i64::try_from(c.last_insert_id()).unwrap_or(i64::MAX)),
        }
    }

    /// Starts the write transaction [`super::Store::write_transaction`] describes. On
    /// MariaDB, updating the one row of `write_lock` first makes writers queue on one
    /// server and conflict (then retry) across a Galera cluster, as SQLite's write lock
    /// does: every read-then-write rule of the domain holds across nodes.
    pub(super) fn begin_write(&self) -> Result<(), StoreError> {
        if self.in_transaction.get() {
            return Err(StoreError::NestedTransaction);
        }
        match &self.connection {
            Connection::Sqlite(c) => self.watch(c.execute_batch("BEGIN IMMEDIATE"))?,
            Connection::MariaDb(m) => {
                let lock = format!(
                    "UPDATE {}wpwa_write_lock SET n = n + 1 WHERE id = 1",
                    m.options.prefix
                );
                self.with_maria(|conn| {
                    conn.query_drop("START TRANSACTION")?;
                    conn.query_drop(&lock)
                })
                .inspect_err(|_| self.abandon())?;
            }
        }
        self.in_transaction.set(true);
        Ok(())
    }

    /// Commits the open transaction.
    pub(super) fn commit(&self) -> Result<(), StoreError> {
        let result = match &self.connection {
            Connection::Sqlite(c) => self.watch(c.execute_batch("COMMIT")),
            Connection::MariaDb(_) => self.with_maria(|conn| conn.query_drop("COMMIT")),
        };
        if result.is_err() {
            self.rollback();
        }
        self.in_transaction.set(false);
        result
    }

    /// Rolls the open transaction back (best effort: a lost connection rolled it back
    /// already).
    pub(super) fn rollback(&self) {
        match &self.connection {
            Connection::Sqlite(c) => {
                if !c.is_autocommit() {
                    let _ = c.execute_batch("ROLLBACK");
                }
            }
            Connection::MariaDb(m) => {
                let mut slot = m.conn.borrow_mut();
                if let Some(conn) = slot.as_mut()
                    && conn.query_drop("ROLLBACK").is_err()
                {
                    *slot = None;
                }
            }
        }
        self.in_transaction.set(false);
    }

    /// Drops a MariaDB connection whose transaction could not start cleanly.
    fn abandon(&self) {
        if let Connection::MariaDb(m) = &self.connection {
            let mut slot = m.conn.borrow_mut();
            if let Some(conn) = slot.as_mut()
                && conn.query_drop("ROLLBACK").is_err()
            {
                *slot = None;
            }
        }
    }

    /// Clears the transient-failure flag before an attempt.
    pub(super) fn clear_transient(&self) {
        self.transient.set(false);
    }

    /// Whether a transient failure happened since [`Db::clear_transient`].
    pub(super) fn saw_transient(&self) -> bool {
        self.transient.get()
    }

    /// Notes a transient failure in an SQLite result.
    fn watch<T>(&self, result: rusqlite::Result<T>) -> Result<T, StoreError> {
        result.map_err(|e| {
            let e = StoreError::from(e);
            if e.is_transient() {
                self.transient.set(true);
            }
            e
        })
    }

    fn maria(&self) -> &MariaDb {
        match &self.connection {
            Connection::MariaDb(m) => m,
            Connection::Sqlite(_) => unreachable!("a MariaDB call on an SQLite connection"),
        }
    }

    /// Runs `op` on the MariaDB connection, connecting first if there is none. A
    /// connection-level failure drops the connection, so the next call reconnects.
    fn with_maria<T>(
        &self,
        op: impl FnOnce(&mut mysql::Conn) -> mysql::Result<T>,
    ) -> Result<T, StoreError> {
        let maria = self.maria();
        let mut slot = maria.conn.borrow_mut();
        if slot.is_none() {
            let conn = mysql::Conn::new(maria.opts.clone()).map_err(|e| self.note(e.into()))?;
            *slot = Some(conn);
        }
        let conn = slot.as_mut().expect("connected above");
        op(conn).map_err(|e| {
            let e = StoreError::from(e);
            if e.is_connection_lost() {
                *slot = None;
            }
            self.note(e)
        })
    }

    fn note(&self, e: StoreError) -> StoreError {
        if e.is_transient() {
            self.transient.set(true);
        }
        e
    }

    fn translation(&self, sql: &str) -> Result<Arc<Translated>, StoreError> {
        let maria = self.maria();
        if let Some(found) = maria.translations.borrow().get(sql) {
            return Ok(Arc::clone(found));
        }
        let translated = Arc::new(translate(sql, &maria.options.prefix)?);
        maria
            .translations
            .borrow_mut()
            .insert(sql.to_string(), Arc::clone(&translated));
        Ok(translated)
    }

    fn bind(translated: &Translated, values: &[Value<'_>]) -> Result<mysql::Params, StoreError> {
        let bound = translated
            .order
            .iter()
            .map(|&i| {
                values.get(i).map(to_mysql).ok_or(StoreError::Parameters {
                    wanted: i + 1,
                    given: values.len(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if bound.is_empty() {
            mysql::Params::Empty
        } else {
            mysql::Params::Positional(bound)
        })
    }

    /// Statements outside a transaction are retried here after a failure that
    /// guarantees nothing was applied (deadlock, lock wait, certification conflict) or
    /// when they only read; inside one, the whole transaction is retried by
    /// [`super::Store::transact`].
    fn maria_retrying<T>(
        &self,
        read_only: bool,
        mut op: impl FnMut() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut attempt = 0;
        loop {
            match op() {
                Err(e)
                    if !self.in_transaction.get()
                        && attempt < TRANSIENT_RETRIES
                        && (e.is_rolled_back() || (read_only && e.is_transient())) =>
                {
                    attempt += 1;
                    tracing::warn!(
                        kind = "store",
                        code = "store_retry",
                        attempt,
                        error = %e,
                        "Store statement retried after a transient failure"
                    );
                    std::thread::sleep(backoff(attempt));
                }
                other => return other,
            }
        }
    }

    fn maria_execute(&self, sql: &str, values: &[Value<'_>]) -> Result<usize, StoreError> {
        let translated = self.translation(sql)?;
        let params = Self::bind(&translated, values)?;
        let affected = self.maria_retrying(false, || {
            self.with_maria(|conn| {
                conn.exec_drop(&translated.sql, params.clone())?;
                Ok(conn.affected_rows())
            })
        })?;
        let affected = usize::try_from(affected).unwrap_or(usize::MAX);
        // MariaDB counts an upsert that updated as two rows; SQLite as one.
        Ok(if translated.upsert {
            affected.min(1)
        } else {
            affected
        })
    }

    fn maria_query(
        &self,
        sql: &str,
        values: &[Value<'_>],
    ) -> Result<Vec<Vec<OwnedValue>>, StoreError> {
        let translated = self.translation(sql)?;
        let params = Self::bind(&translated, values)?;
        let read_only = translated.sql.trim_start().starts_with("SELECT");
        self.maria_retrying(read_only, || {
            self.with_maria(|conn| {
                let rows: Vec<mysql::Row> = conn.exec(&translated.sql, params.clone())?;
                Ok(rows
                    .into_iter()
                    .map(|row| row.unwrap().into_iter().map(from_mysql).collect())
                    .collect())
            })
        })
    }

    /// The names of the engine's wpwa tables (without prefix), sorted.
    pub(super) fn tables(&self) -> Result<Vec<String>, StoreError> {
        match &self.connection {
            Connection::Sqlite(c) => {
                let mut stmt = self.watch(c.prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                ))?;
                let names = self
                    .watch(stmt.query_map([], |row| row.get::<_, String>(0)))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(names)
            }
            Connection::MariaDb(m) => {
                let own = format!("{}wpwa_", m.options.prefix);
                let names: Vec<String> = self.with_maria(|conn| {
                    conn.exec(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY table_name",
                        (format!("{}%", like_escape(&own)),),
                    )
                })?;
                Ok(names
                    .into_iter()
                    .filter_map(|n| n.strip_prefix(&own).map(str::to_string))
                    .filter(|n| !MARIADB_ONLY_TABLES.contains(&n.as_str()))
                    .collect())
            }
        }
    }

    /// The text columns of a wpwa table (name without prefix).
    pub(super) fn text_columns(&self, table: &str) -> Result<Vec<String>, StoreError> {
        match &self.connection {
            Connection::Sqlite(_) => self
                .prepare("SELECT name FROM pragma_table_info(?1) WHERE type = 'TEXT'")?
                .query_map([table], |r| r.get(0))?
                .collect(),
            Connection::MariaDb(_) => {
                let name = self.table_name(table);
                self.with_maria(|conn| {
                    conn.exec(
                        "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND data_type IN ('varchar','text','mediumtext','longtext','char') AND extra NOT LIKE '%GENERATED%' ORDER BY ordinal_position",
                        (name,),
                    )
                })
            }
        }
    }

    /// Drops every wpwa table of a MariaDB database (uninstall), returning how many.
    pub(super) fn drop_all_tables(&self) -> Result<usize, StoreError> {
        let Connection::MariaDb(m) = &self.connection else {
            return Ok(0);
        };
        let own = format!("{}wpwa_", m.options.prefix);
        let names: Vec<String> = self.with_maria(|conn| {
            conn.exec(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?",
                (format!("{}%", like_escape(&own)),),
            )
        })?;
        let names: Vec<String> = names
            .into_iter()
            .filter(|n| {
                n.strip_prefix(&own).is_some_and(|rest| {
                    super::migrations::TABLES.contains(&rest) || MARIADB_ONLY_TABLES.contains(&rest)
                })
            })
            .collect();
        if names.is_empty() {
            return Ok(0);
        }
        let list = names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        self.with_maria(|conn| {
            conn.query_drop("SET SESSION foreign_key_checks = 0")?;
            let dropped = conn.query_drop(format!("DROP TABLE IF EXISTS {list}"));
            conn.query_drop("SET SESSION foreign_key_checks = 1")?;
            dropped
        })?;
        Ok(names.len())
    }

    /// Runs `op` with a named lock held on the MariaDB server (migrations), so nodes
    /// starting at once take turns. Galera does not replicate these locks; the
    /// migrations are written to be safe to repeat for that case.
    pub(super) fn with_server_lock<T>(
        &self,
        name: &str,
        op: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let got: Option<i64> =
            self.with_maria(|conn| conn.exec_first("SELECT GET_LOCK(?, 60)", (name,)))?;
        if got != Some(1) {
            return Err(StoreError::LockTimeout);
        }
        let result = op();
        let _ = self.with_maria(|conn| conn.exec_drop("SELECT RELEASE_LOCK(?)", (name,)));
        result
    }
}

/// Tables only the MariaDB engine has: its schema version and its write lock.
pub(super) const MARIADB_ONLY_TABLES: &[&str] = &["schema", "write_lock"];

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('_', "\\_")
        .replace('%', "\\%")
}

/// How long to wait before retry `attempt` (1-based): a few milliseconds, doubling,
/// with jitter so retrying workers do not collide again in step.
pub(super) fn backoff(attempt: u32) -> Duration {
    let base = 5u64 << attempt.min(6);
    let jitter = u64::from(std::process::id() ^ attempt.wrapping_mul(2_654_435_761)) % base;
    Duration::from_millis(base + jitter)
}

fn split_statements(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(';').map(str::trim).filter(|s| {
        !s.is_empty()
            && !s
                .lines()
                .all(|l| l.trim().is_empty() || l.trim().starts_with("--"))
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'s> {
    Word(&'s str),
    Param(usize),
    Literal(&'s str),
    Other(&'s str),
}

fn tokenize(sql: &str) -> Result<Vec<Token<'_>>, StoreError> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut next_param = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii_alphabetic() || b == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token::Word(&sql[start..i]));
        } else if b == b'?' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let index = if i > start + 1 {
                sql[start + 1..i]
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| StoreError::Translate(format!("bad parameter in {sql}")))?
                    - 1
            } else {
                next_param
            };
            next_param = index + 1;
            tokens.push(Token::Param(index));
        } else if b == b'\'' || b == b'"' {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Err(StoreError::Translate(format!("unclosed quote in {sql}"))),
                    Some(&q) if q == b => {
                        if bytes.get(i + 1) == Some(&b) {
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    Some(_) => i += 1,
                }
            }
            tokens.push(Token::Literal(&sql[start..i]));
        } else if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else {
            // Multi-byte characters only appear inside literals; step by char anyway.
            let len = sql[i..].chars().next().map_or(1, char::len_utf8);
            i += len;
            tokens.push(Token::Other(&sql[start..i]));
        }
    }
    Ok(tokens)
}

/// Words after which a word names a table.
const BEFORE_TABLE: &[&str] = &[
    "FROM",
    "JOIN",
    "INTO",
    "UPDATE",
    "TABLE",
    "REFERENCES",
    "EXISTS",
];

/// Column names of the schema that MariaDB reserves, quoted on the way.
const RESERVED: &[&str] = &["lines"];

/// Translates one statement from the SQLite dialect the repositories write to
/// MariaDB's (see the module documentation).
fn translate(sql: &str, prefix: &str) -> Result<Translated, StoreError> {
    let tokens = tokenize(sql)?;
    let word_at = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) => Some(*w),
        _ => None,
    };
    let significant = |from: usize| {
        (from..tokens.len()).find(|&j| !matches!(tokens[j], Token::Other(s) if s.trim().is_empty()))
    };
    let is_table =
        |w: &str| super::migrations::TABLES.contains(&w) || MARIADB_ONLY_TABLES.contains(&w);
    let creates_index = {
        let words: Vec<String> = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w.to_ascii_uppercase()),
                _ => None,
            })
            .take(3)
            .collect();
        words.first().is_some_and(|w| w == "CREATE") && words.iter().any(|w| w == "INDEX")
    };

    let mut out = String::with_capacity(sql.len() + 32);
    let mut order = Vec::new();
    let mut upsert = false;
    let mut ignore = false;
    let mut last_word = String::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Param(n) => {
                out.push('?');
                order.push(*n);
            }
            Token::Literal(s) => out.push_str(s),
            Token::Other(s) => out.push_str(s),
            Token::Word(w) => {
                let upper = w.to_ascii_uppercase();
                let next = significant(i + 1);
                let next_is_dot = next.is_some_and(|j| tokens[j] == Token::Other("."));
                let prev_is_dot = out.trim_end().ends_with('.');
                if upper == "INSERT"
                    && next
                        .and_then(word_at)
                        .map(str::to_ascii_uppercase)
                        .as_deref()
                        == Some("OR")
                {
                    // INSERT OR IGNORE / INSERT OR REPLACE
                    let action = next
                        .and_then(|j| significant(j + 1))
                        .and_then(word_at)
                        .map(str::to_ascii_uppercase);
                    let skip_to = next.and_then(|j| significant(j + 1)).unwrap_or(i);
                    match action.as_deref() {
                        Some("IGNORE") => out.push_str("INSERT IGNORE"),
                        Some("REPLACE") => out.push_str("REPLACE"),
                        _ => {
                            return Err(StoreError::Translate(format!(
                                "unknown INSERT OR in {sql}"
                            )));
                        }
                    }
                    i = skip_to + 1;
                    last_word = "INTO".into();
                    continue;
                }
                if upper == "ON"
                    && next
                        .and_then(word_at)
                        .map(str::to_ascii_uppercase)
                        .as_deref()
                        == Some("CONFLICT")
                {
                    // ON CONFLICT (cols) DO NOTHING | DO UPDATE SET ...
                    let close = (i..tokens.len())
                        .find(|&j| tokens[j] == Token::Other(")"))
                        .ok_or_else(|| {
                            StoreError::Translate(format!("bad ON CONFLICT in {sql}"))
                        })?;
                    let do_at = significant(close + 1)
                        .filter(|&j| word_at(j).is_some_and(|w| w.eq_ignore_ascii_case("DO")));
                    let action_at = do_at.and_then(|j| significant(j + 1));
                    match action_at
                        .and_then(word_at)
                        .map(str::to_ascii_uppercase)
                        .as_deref()
                    {
                        Some("NOTHING") => {
                            ignore = true;
                            i = action_at.unwrap_or(i) + 1;
                        }
                        Some("UPDATE") => {
                            let set_at = action_at
                                .and_then(|j| significant(j + 1))
                                .filter(|&j| {
                                    word_at(j).is_some_and(|w| w.eq_ignore_ascii_case("SET"))
                                })
                                .ok_or_else(|| {
                                    StoreError::Translate(format!("bad DO UPDATE in {sql}"))
                                })?;
                            if tokens[set_at..].iter().any(
                                |t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("WHERE")),
                            ) {
                                return Err(StoreError::Translate(format!(
                                    "an upsert with WHERE has no MariaDB form: {sql}"
                                )));
                            }
                            out.push_str("ON DUPLICATE KEY UPDATE");
                            upsert = true;
                            i = set_at + 1;
                        }
                        _ => {
                            return Err(StoreError::Translate(format!("bad ON CONFLICT in {sql}")));
                        }
                    }
                    continue;
                }
                if upper == "EXCLUDED" && next_is_dot {
                    let column_at = next.and_then(|j| significant(j + 1));
                    let column = column_at
                        .and_then(word_at)
                        .ok_or_else(|| StoreError::Translate(format!("bad excluded. in {sql}")))?;
                    out.push_str("VALUES(");
                    out.push_str(column);
                    out.push(')');
                    i = column_at.unwrap_or(i) + 1;
                    continue;
                }
                if (upper == "MAX" || upper == "MIN")
                    && next.is_some_and(|j| tokens[j] == Token::Other("("))
                    && has_top_level_comma(&tokens[next.unwrap_or(i) + 1..])
                {
                    out.push_str(if upper == "MAX" { "GREATEST" } else { "LEAST" });
                } else if RESERVED.contains(w) {
                    out.push('"');
                    out.push_str(w);
                    out.push('"');
                } else if upper == "ROWID" {
                    return Err(StoreError::Translate(format!(
                        "rowid has no MariaDB form: {sql}"
                    )));
                } else if is_table(w)
                    && !prev_is_dot
                    && (next_is_dot
                        || BEFORE_TABLE.contains(&last_word.as_str())
                        || (creates_index && last_word == "ON"))
                {
                    out.push_str(prefix);
                    out.push_str("wpwa_");
                    out.push_str(w);
                } else {
                    out.push_str(w);
                }
                last_word = upper;
            }
        }
        i += 1;
    }
    if ignore {
        let at = out
            .find("INSERT")
            .ok_or_else(|| StoreError::Translate(format!("DO NOTHING outside an INSERT: {sql}")))?;
        out.replace_range(at..at + "INSERT".len(), "INSERT IGNORE");
    }
    Ok(Translated {
        sql: out,
        order,
        upsert,
    })
}

/// Whether the parenthesised list that `tokens` starts inside has a comma at its own
/// level (a scalar two-argument `MAX(a, b)`, not the aggregate `MAX(a)`).
fn has_top_level_comma(tokens: &[Token<'_>]) -> bool {
    let mut depth = 0usize;
    for token in tokens {
        match token {
            Token::Other("(") => depth += 1,
            Token::Other(")") if depth == 0 => return false,
            Token::Other(")") => depth -= 1,
            Token::Other(",") if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(sql: &str) -> Translated {
        translate(sql, "wp_").unwrap()
    }

    #[test]
    fn prefixes_tables_but_not_columns_of_the_same_name() {
        let got = t("SELECT id, message FROM activity_log WHERE message = ?1");
        assert_eq!(
            got.sql,
            "SELECT id, message FROM wp_wpwa_activity_log WHERE message = ?"
        );
        let got = t("SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id");
        assert_eq!(
            got.sql,
            "SELECT m.id FROM wp_wpwa_message m JOIN wp_wpwa_conversation c ON c.id = m.conversation_id"
        );
        let got = t("UPDATE message SET status = ?2 WHERE message.wamid = ?1");
        assert_eq!(
            got.sql,
            "UPDATE wp_wpwa_message SET status = ? WHERE wp_wpwa_message.wamid = ?"
        );
        assert_eq!(got.order, vec![1, 0]);
    }

    #[test]
    fn numbered_parameters_become_positional_in_the_order_they_appear() {
        let got = t("INSERT INTO conversation (a, b, c, d) VALUES (?1, ?2, ?3, ?3)");
        assert_eq!(got.order, vec![0, 1, 2, 2]);
        assert!(got.sql.ends_with("VALUES (?, ?, ?, ?)"));
        let got = t("SELECT 1 FROM cart WHERE a = ? AND b = ?");
        assert_eq!(got.order, vec![0, 1]);
    }

    #[test]
    fn upserts_become_on_duplicate_key_update() {
        let got = t(
            "INSERT INTO vendor_menu (customer, asked_at) VALUES (?1, ?2) ON CONFLICT (customer) DO UPDATE SET asked_at = excluded.asked_at",
        );
        assert_eq!(
            got.sql,
            "INSERT INTO wp_wpwa_vendor_menu (customer, asked_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE asked_at = VALUES(asked_at)"
        );
        assert!(got.upsert);
        let got = t(
            "INSERT INTO conversation (a) VALUES (?1) ON CONFLICT (vendor_id, customer) DO UPDATE SET last = MAX(last, excluded.last), n = (SELECT MAX(x) FROM message)",
        );
        assert!(
            got.sql.contains("last = GREATEST(last, VALUES(last))"),
            "{}",
            got.sql
        );
        assert!(
            got.sql.contains("SELECT MAX(x) FROM wp_wpwa_message"),
            "{}",
            got.sql
        );
    }

    #[test]
    fn do_nothing_and_or_ignore_become_insert_ignore() {
        let got = t(
            "INSERT INTO vendor_reply (a) VALUES (?1) ON CONFLICT (vendor_id, gateway_id) DO NOTHING",
        );
        assert_eq!(
            got.sql.trim(),
            "INSERT IGNORE INTO wp_wpwa_vendor_reply (a) VALUES (?)"
        );
        let got = t("INSERT OR IGNORE INTO message_status (wamid, status, at) VALUES (?1, ?2, ?3)");
        assert_eq!(
            got.sql,
            "INSERT IGNORE INTO wp_wpwa_message_status (wamid, status, at) VALUES (?, ?, ?)"
        );
        assert!(!got.upsert);
    }

    #[test]
    fn literals_and_quoted_names_are_left_alone() {
        let got = t("SELECT 'message FROM cart ?1' FROM \"cart\" WHERE x = 'it''s'");
        assert_eq!(
            got.sql,
            "SELECT 'message FROM cart ?1' FROM \"cart\" WHERE x = 'it''s'"
        );
        assert!(got.order.is_empty());
    }

    #[test]
    fn what_has_no_mariadb_form_is_refused_not_guessed() {
        assert!(translate("SELECT rowid FROM cart", "wp_").is_err());
        assert!(
            translate(
                "INSERT INTO vendor_listing (a) VALUES (?1) ON CONFLICT (vendor_id) DO UPDATE SET a = excluded.a WHERE a IS NOT excluded.a",
                "wp_"
            )
            .is_err()
        );
        assert!(translate("SELECT 'open FROM cart", "wp_").is_err());
    }

    #[test]
    fn locations_never_show_the_password() {
        let options = DatabaseOptions {
            host: "db".into(),
            port: 3306,
            socket: None,
            user: "wp".into(),
            password: "s3cret".into(),
            database: "site".into(),
            prefix: "wp_".into(),
            ssl: false,
            ssl_ca: None,
            ssl_verify: true,
        };
        assert!(!options.location().contains("s3cret"));
        assert_eq!(options.location(), "wp@db:3306/site (tables wp_wpwa_*)");
        let bad = DatabaseOptions {
            prefix: "wp`; DROP".into(),
            ..options
        };
        assert!(bad.validate().is_err());
    }
}
