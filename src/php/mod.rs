//! The PHP binding: the only module that names ext-php-rs. It converts PHP values to
//! core types and core errors to the `Wpwa\` exception tree, and holds the worker's
//! store handle; every decision is made by the core modules it calls.

mod convert;
mod exceptions;

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use crate::log::{self, Filter, Level, NewEntry};
use crate::store::Store;
use crate::{jwt, session};
use convert::{array_to_json, json_to_zval, non_negative, positive_id, to_array};
use exceptions::*;

/// The worker's store: the path the plugin gave, and the connection once first used.
/// php-fpm forks workers after MINIT, so nothing is opened before a request asks.
struct StoreSlot {
    path: Option<PathBuf>,
    store: Option<Store>,
}

static STORE: Mutex<StoreSlot> = Mutex::new(StoreSlot {
    path: None,
    store: None,
});

/// Runs `operation` on the worker's store, opening it on first use, and records the
/// core's `tracing` events in the activity log.
fn with_store<T>(operation: impl FnOnce(&Store) -> PhpResult<T>) -> PhpResult<T> {
    // A panic caught by ext-php-rs poisons the lock; the slot itself stays consistent.
    let mut guard = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    let slot = &mut *guard;
    let store = match &mut slot.store {
        Some(store) => store,
        empty => {
            let path = slot.path.clone().ok_or_else(|| {
                storage("the wpwa store is not configured: call Wpwa\\store_open() first")
            })?;
            let (opened, events) = log::capture(|| Store::open(path));
            let store = empty.insert(opened?);
            record(store, events);
            store
        }
    };
    let (result, events) = log::capture(|| operation(store));
    record(store, events);
    result
}

/// Writes captured core events. The operation's own outcome matters more than its log
/// lines: failing to record them must not turn a success into an error.
fn record(store: &Store, events: Vec<NewEntry>) {
    let _ = log::write_all(store, events);
}

/// The extension's version, e.g. `0.1.0`.
#[php_function]
#[php(name = "Wpwa\\version")]
pub fn version() -> &'static str {
    crate::VERSION
}

/// What this build is and where its store lives: `version`, `build`, `php_api`,
/// `store_path` (null until configured) and `schema_version` (0 until configured).
#[php_function]
#[php(name = "Wpwa\\info")]
pub fn info() -> PhpResult<ZBox<ZendHashTable>> {
    let configured = STORE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .path
        .clone();
    let schema_version = match &configured {
        Some(_) => with_store(|store| Ok(store.schema_version()?))?,
        None => 0,
    };
    let mut info = ZendHashTable::new();
    info.insert("version", crate::VERSION).map_err(internal)?;
    info.insert("build", crate::BUILD).map_err(internal)?;
    info.insert("php_api", i64::from(ext_php_rs::ffi::ZEND_MODULE_API_NO))
        .map_err(internal)?;
    match configured {
        Some(path) => info.insert("store_path", path.display().to_string()),
        None => info.insert("store_path", ()),
    }
    .map_err(internal)?;
    info.insert("schema_version", schema_version)
        .map_err(internal)?;
    Ok(info)
}

/// Sets the SQLite file this worker uses (absolute path, existing directory). The file
/// opens on first use; calling again with the same path keeps the open connection.
#[php_function]
#[php(name = "Wpwa\\store_open")]
pub fn store_open(path: String) -> PhpResult<()> {
    if path.is_empty() || path.len() > 4096 || path.contains('\0') || !path.starts_with('/') {
        return Err(validation(
            "the store path must be an absolute path without NUL bytes",
        ));
    }
    let path = PathBuf::from(path);
    let mut slot = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    if slot.path.as_ref() != Some(&path) {
        slot.store = None;
        slot.path = Some(path);
    }
    Ok(())
}

/// Issues a vendor-scoped HS256 token valid for `ttl_seconds`.
#[php_function]
#[php(name = "Wpwa\\jwt_issue")]
pub fn jwt_issue(
    secret: String,
    vendor_id: i64,
    scope: String,
    audience: String,
    ttl_seconds: i64,
) -> PhpResult<String> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    Ok(jwt::issue(
        secret.as_bytes(),
        vendor_id,
        &scope,
        &audience,
        ttl_seconds,
    )?)
}

/// Verifies a token for `audience` and returns its claims: `vendor_id`, `scope`, `aud`,
/// `iat`, `nbf`, `exp`.
#[php_function]
#[php(name = "Wpwa\\jwt_verify")]
pub fn jwt_verify(
    secret: String,
    token: String,
    audience: String,
) -> PhpResult<ZBox<ZendHashTable>> {
    let claims = jwt::verify(secret.as_bytes(), &token, &audience)?;
    to_array(&claims)
}

/// Writes an activity log entry and returns its id. `vendor_id` 0 is site-wide.
#[php_function]
#[php(name = "Wpwa\\log_write")]
pub fn log_write(
    vendor_id: i64,
    level: String,
    kind: String,
    message: String,
    context: Option<&ZendHashTable>,
) -> PhpResult<i64> {
    let entry = NewEntry {
        vendor_id: non_negative("vendor_id", vendor_id)?,
        level: Level::parse(&level)?,
        kind,
        message,
        context: match context {
            Some(array) => array_to_json("context", array)?,
            None => serde_json::Value::Null,
        },
    };
    with_store(|store| Ok(log::write(store, entry)?))
}

/// Queries the activity log, newest first. Filter keys: `vendor_id`, `level`, `kind`,
/// `since`, `until`, `limit` (1–500, default 50), `offset`. Returns `total` and
/// `entries`.
#[php_function]
#[php(name = "Wpwa\\log_query")]
pub fn log_query(filter: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
    let filter = match filter {
        Some(array) => log_filter(array)?,
        None => Filter::default(),
    };
    let page = with_store(|store| Ok(log::query(store, &filter)?))?;
    let mut entries = ZendHashTable::new();
    for entry in &page.entries {
        let value = serde_json::to_value(entry).map_err(internal)?;
        entries.push(json_to_zval(&value)?).map_err(internal)?;
    }
    let mut result = ZendHashTable::new();
    result
        .insert("total", i64::try_from(page.total).unwrap_or(i64::MAX))
        .map_err(internal)?;
    result.insert("entries", entries).map_err(internal)?;
    Ok(result)
}

fn log_filter(array: &ZendHashTable) -> PhpResult<Filter> {
    let mut filter = Filter::default();
    for (key, value) in array.iter() {
        let key = key.to_string();
        let int = |name: &str| {
            value
                .long()
                .ok_or_else(|| validation(format!("filter key {name} must be an integer")))
        };
        let text = |name: &str| {
            value
                .str()
                .map(str::to_owned)
                .ok_or_else(|| validation(format!("filter key {name} must be a string")))
        };
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "vendor_id" => filter.vendor_id = Some(non_negative("vendor_id", int("vendor_id")?)?),
            "level" => filter.level = Some(Level::parse(&text("level")?)?),
            "kind" => filter.kind = Some(text("kind")?),
            "since" => filter.since = Some(int("since")?),
            "until" => filter.until = Some(int("until")?),
            "limit" => {
                let limit = int("limit")?;
                filter.limit = Some(u32::try_from(limit).map_err(|_| {
                    validation(format!(
                        "limit must be between 1 and {}",
                        log::MAX_PAGE_SIZE
                    ))
                })?);
            }
            "offset" => {
                filter.offset = u32::try_from(int("offset")?)
                    .map_err(|_| validation("offset must be zero or positive"))?;
            }
            other => {
                return Err(validation(format!(
                    "unknown filter key {:?}; use vendor_id, level, kind, since, until, limit or offset",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    Ok(filter)
}

/// A vendor's WhatsApp session: `vendor_id`, `state`, `phone`, `since`, `updated_at`.
#[php_function]
#[php(name = "Wpwa\\session_status")]
pub fn session_status(vendor_id: i64) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let status = with_store(|store| Ok(session::status(store, vendor_id)?))?;
    to_array(&status)
}

/// The extension's row in `phpinfo()`.
extern "C" fn module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("wpwa support", "enabled");
    info_table_row!("version", crate::VERSION);
    info_table_row!("build", crate::BUILD);
    info_table_end!();
}

/// The module entry PHP loads.
#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .class::<WpwaException>()
        .class::<ValidationException>()
        .class::<AuthException>()
        .class::<TokenExpiredException>()
        .class::<TokenSignatureException>()
        .class::<TokenAudienceException>()
        .class::<TokenMalformedException>()
        .class::<NotFoundException>()
        .class::<RateLimitedException>()
        .class::<TransportException>()
        .class::<StorageException>()
        .function(wrap_function!(version))
        .function(wrap_function!(info))
        .function(wrap_function!(store_open))
        .function(wrap_function!(jwt_issue))
        .function(wrap_function!(jwt_verify))
        .function(wrap_function!(log_write))
        .function(wrap_function!(log_query))
        .function(wrap_function!(session_status))
        .info_function(module_info)
}
