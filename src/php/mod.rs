//! The PHP binding: the only module that names ext-php-rs. It converts PHP values to
//! core types and core errors to the `Wpwa\` exception tree, and holds the worker's
//! store handle; every decision is made by the core modules it calls.

mod accounts;
mod admin;
mod chat;
mod checks;
mod convert;
mod directory;
mod exceptions;
mod ingest;
mod order_updates;
mod orders;
mod overview;
mod planning;
mod privacy;
mod product;
mod rules;
mod templates;
mod transition;

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use crate::cloud::CloudClient;
use crate::gateway::{GatewayClient, WebhookTarget};
use crate::log::{self, Filter, Level, NewEntry};
use crate::messaging::auto;
use crate::rules::options::{
    AutoRepliesInput, CatalogOptionsInput, CloudInput, DatabaseInput, GatewayInput, LimitsInput,
    LocalTimeInput, LogFilterInput, OutboundInput, PolicyInput, RoutingInput, VendorInput,
};
use crate::store::{DatabaseOptions, Engine, Store};
use crate::{
    catalog, clock, conversation, jwt, messaging, response, routing, runtime, secret, session,
};
use convert::{
    array_to_json, from_array, from_optional_array, json_to_zval, non_negative, positive_id,
    positive_ids, to_array,
};
use exceptions::*;
use product::products_from_list;

/// Where the plugin said the store is: an SQLite file or the WordPress database.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StoreTarget {
    File(PathBuf),
    Database(DatabaseOptions),
}

impl StoreTarget {
    fn open(&self) -> Result<Store, crate::store::StoreError> {
        match self {
            StoreTarget::File(path) => Store::open(path),
            StoreTarget::Database(options) => Store::open_database(options.clone()),
        }
    }
}

/// The worker's store: where the plugin said it is, and the connection once first used.
/// php-fpm forks workers after MINIT, so nothing is opened before a request asks.
struct StoreSlot {
    target: Option<StoreTarget>,
    store: Option<Store>,
}

static STORE: Mutex<StoreSlot> = Mutex::new(StoreSlot {
    target: None,
    store: None,
});

/// Points the worker at `target`, keeping the open connection when it is the same.
fn set_store_target(target: StoreTarget) {
    let mut slot = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    if slot.target.as_ref() != Some(&target) {
        slot.store = None;
        slot.target = Some(target);
    }
}

/// Runs `operation` on the worker's store, opening it on first use, and records the
/// core's `tracing` events in the activity log.
fn with_store<T>(operation: impl FnOnce(&Store) -> PhpResult<T>) -> PhpResult<T> {
    // A panic caught by ext-php-rs poisons the lock; the slot itself stays consistent.
    let mut guard = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    let slot = &mut *guard;
    let store = match &mut slot.store {
        Some(store) => store,
        empty => {
            let target = slot.target.clone().ok_or_else(|| {
                storage("the wpwa store is not configured: call Wpwa\\store_open() first")
            })?;
            let (opened, events) = log::capture(|| target.open());
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
/// `store_engine` (`sqlite` or `mariadb`, null until configured), `store_path` (the
/// SQLite file, else null), `store_location` (the file, or the database server,
/// database and table prefix; never the password), `schema_version` (0 until
/// configured) and `write_transactions` (write transactions this worker has committed
/// since it started).
#[php_function]
#[php(name = "Wpwa\\info")]
pub fn info() -> PhpResult<ZBox<ZendHashTable>> {
    let configured = STORE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .target
        .clone();
    let (schema_version, engine, location) = match &configured {
        Some(_) => with_store(|store| {
            let engine = match store.engine() {
                Engine::Sqlite => "sqlite",
                Engine::MariaDb => "mariadb",
            };
            Ok((
                store.schema_version()?,
                Some(engine),
                Some(store.location()),
            ))
        })?,
        None => (0, None, None),
    };
    let mut info = ZendHashTable::new();
    info.insert("version", crate::VERSION).map_err(internal)?;
    info.insert("build", crate::BUILD).map_err(internal)?;
    info.insert("php_api", i64::from(ext_php_rs::ffi::ZEND_MODULE_API_NO))
        .map_err(internal)?;
    match configured {
        Some(StoreTarget::File(path)) => info.insert("store_path", path.display().to_string()),
        _ => info.insert("store_path", ()),
    }
    .map_err(internal)?;
    match engine {
        Some(engine) => info.insert("store_engine", engine),
        None => info.insert("store_engine", ()),
    }
    .map_err(internal)?;
    match location {
        Some(location) => info.insert("store_location", location),
        None => info.insert("store_location", ()),
    }
    .map_err(internal)?;
    info.insert("schema_version", schema_version)
        .map_err(internal)?;
    info.insert(
        "write_transactions",
        i64::try_from(crate::store::write_transactions()).unwrap_or(i64::MAX),
    )
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
    set_store_target(StoreTarget::File(PathBuf::from(path)));
    Ok(())
}

/// Sets the MariaDB/MySQL database this worker keeps the store in (the WordPress
/// database): `host` (`DB_HOST` as written: `host`, `host:port`, `host:/socket`,
/// `[::1]:port`), `port`, `socket`, `default_socket` (mysqli's, for a bare `localhost`),
/// `user`, `password`, `database`, `prefix`, `ssl`, `ssl_ca`, `ssl_verify`. The
/// connection opens on first use; calling again with the same settings keeps it.
#[php_function]
#[php(name = "Wpwa\\store_open_database")]
pub fn store_open_database(options: &ZendHashTable) -> PhpResult<()> {
    let options = from_array::<DatabaseInput>("options", options)?.into_options();
    options.validate()?;
    set_store_target(StoreTarget::Database(options));
    Ok(())
}

/// Copies the SQLite store at `sqlite_path` into the (empty) wpwa tables of the
/// database `options` names and checks the copy: `ok`, `error` (`target_not_empty`,
/// `mismatch` or the copy's error) and `tables` (each with `table`, `source_rows`,
/// `target_rows`, `source_hash`, `target_hash`). The caller switches engines only when
/// `ok`; a failed copy is removed again.
#[php_function]
#[php(name = "Wpwa\\store_move_to_database")]
pub fn store_move_to_database(
    sqlite_path: String,
    options: &ZendHashTable,
) -> PhpResult<ZBox<ZendHashTable>> {
    let options = from_array::<DatabaseInput>("options", options)?.into_options();
    let report = Store::move_to_database(std::path::Path::new(&sqlite_path), options)?;
    let mut out = ZendHashTable::new();
    out.insert("ok", report.ok).map_err(internal)?;
    match report.error {
        Some(error) => out.insert("error", error),
        None => out.insert("error", ()),
    }
    .map_err(internal)?;
    let mut tables = ZendHashTable::new();
    for copy in report.tables {
        let mut table = ZendHashTable::new();
        table.insert("table", copy.table).map_err(internal)?;
        table
            .insert(
                "source_rows",
                i64::try_from(copy.source_rows).unwrap_or(i64::MAX),
            )
            .map_err(internal)?;
        table
            .insert(
                "target_rows",
                i64::try_from(copy.target_rows).unwrap_or(i64::MAX),
            )
            .map_err(internal)?;
        table
            .insert("source_hash", copy.source_hash)
            .map_err(internal)?;
        table
            .insert("target_hash", copy.target_hash)
            .map_err(internal)?;
        tables.push(table).map_err(internal)?;
    }
    out.insert("tables", tables).map_err(internal)?;
    Ok(out)
}

/// Drops every wpwa table from the database `options` names (uninstall) and returns
/// how many there were.
#[php_function]
#[php(name = "Wpwa\\store_drop_database_tables")]
pub fn store_drop_database_tables(options: &ZendHashTable) -> PhpResult<i64> {
    let options = from_array::<DatabaseInput>("options", options)?.into_options();
    let dropped = Store::drop_database_tables(options)?;
    // A worker still holding a connection to those tables must reopen (and remigrate).
    let mut slot = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    slot.store = None;
    Ok(i64::try_from(dropped).unwrap_or(i64::MAX))
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
/// `$code` and `$params` say what happened in a form the plugin words in the reader's
/// language; `$message` is the English fallback shown where the code is not worded.
#[php_function]
#[php(name = "Wpwa\\log_write")]
pub fn log_write(
    vendor_id: i64,
    level: String,
    kind: String,
    message: String,
    context: Option<&ZendHashTable>,
    code: Option<String>,
    params: Option<&ZendHashTable>,
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
        code: code.filter(|c| !c.is_empty()),
        params: match params {
            Some(array) => array_to_json("params", array)?,
            None => serde_json::Value::Null,
        },
    };
    with_store(|store| Ok(log::write(store, entry)?))
}

/// Queries the activity log, newest first. Filter keys: `vendor_id`, `level`, `kind`,
/// `since`, `until`, `limit` (1–500, default 50), `offset`. Returns `total` and
/// `entries` (`id`, `vendor_id`, `level`, `kind`, `message`, `context`, `created_at`,
/// and `code` and `params` for the plugin to word; `code` is null for old entries).
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
    Ok(from_array::<LogFilterInput>("filter", array)?.validate()?)
}

/// A vendor's WhatsApp session: `vendor_id`, `state`, `reason`, `phone`, `push_name`,
/// `since`, `updated_at`, `gateway_session` and, while waiting for a scan, `qr` (`svg`, `seq`,
/// `expires_at`) and, once one was requested, `pairing` (`code`, `phone`, `expires_at`).
/// `$policy` may set `max_starts_per_hour`, `qr_first_seconds`, `qr_next_seconds`,
/// `pairing_code_seconds` and `offline_expiry_days`.
#[php_function]
#[php(name = "Wpwa\\session_status")]
pub fn session_status(
    vendor_id: i64,
    policy: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let policy = session_policy(policy)?;
    let status = with_store(|store| Ok(session::status(store, vendor_id, &policy, clock::now())?))?;
    to_array(&status)
}

/// Starts linking the vendor's phone through the gateway in `$gateway` (`url`,
/// `api_key`, `webhook_url`, `webhook_key`, `name_prefix`). Returns the session as
/// `session_status()` does, plus `transition` (`from`, `to`: the states before and after
/// the call); a live session is returned unchanged.
#[php_function]
#[php(name = "Wpwa\\session_connect")]
pub fn session_connect(
    vendor_id: i64,
    gateway: &ZendHashTable,
    policy: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = GatewayConnection::from_array(gateway)?;
    let webhook = connection.webhook()?;
    let policy = session_policy(policy)?;
    let (from, status) = with_store(|store| {
        let from = session::stored_state(store, vendor_id)?;
        Ok((
            from,
            runtime::block_on(session::connect(
                store,
                &connection.client,
                vendor_id,
                &connection.input.name_prefix,
                &webhook,
                &policy,
                clock::now(),
            ))?,
        ))
    })?;
    transition::status_with_transition(&status, from)
}

/// Asks the gateway where the vendor's live session is (new QR code, scanned, failed)
/// and returns the session, with its `transition` (`from`, `to`).
#[php_function]
#[php(name = "Wpwa\\session_refresh")]
pub fn session_refresh(
    vendor_id: i64,
    gateway: &ZendHashTable,
    policy: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = GatewayConnection::from_array(gateway)?;
    let policy = session_policy(policy)?;
    let (from, status) = with_store(|store| {
        let from = session::stored_state(store, vendor_id)?;
        Ok((
            from,
            runtime::block_on(session::refresh(
                store,
                &connection.client,
                vendor_id,
                &policy,
                clock::now(),
            ))?,
        ))
    })?;
    transition::status_with_transition(&status, from)
}

/// Asks the gateway for a pairing code that links `$phone` (as the vendor typed it,
/// with its country code) without a scan. Returns the session with `pairing` and its
/// `transition`. A refusal the vendor can act on is a `Wpwa\PairingException`; too
/// many attempts a `Wpwa\RateLimitedException`.
#[php_function]
#[php(name = "Wpwa\\session_pairing_code")]
pub fn session_pairing_code(
    vendor_id: i64,
    phone: String,
    gateway: &ZendHashTable,
    policy: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = GatewayConnection::from_array(gateway)?;
    let policy = session_policy(policy)?;
    let (from, status) = with_store(|store| {
        let from = session::stored_state(store, vendor_id)?;
        Ok((
            from,
            runtime::block_on(session::request_pairing_code(
                store,
                &connection.client,
                vendor_id,
                &phone,
                &policy,
                clock::now(),
            ))?,
        ))
    })?;
    transition::status_with_transition(&status, from)
}

/// Unlinks the vendor's phone and stops the gateway session. Returns the session with
/// its `transition` (`from`, `to`).
#[php_function]
#[php(name = "Wpwa\\session_disconnect")]
pub fn session_disconnect(
    vendor_id: i64,
    gateway: &ZendHashTable,
    policy: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = GatewayConnection::from_array(gateway)?;
    let policy = session_policy(policy)?;
    let (from, status) = with_store(|store| {
        let from = session::stored_state(store, vendor_id)?;
        Ok((
            from,
            runtime::block_on(session::disconnect(
                store,
                &connection.client,
                vendor_id,
                &policy,
                clock::now(),
            ))?,
        ))
    })?;
    transition::status_with_transition(&status, from)
}

/// Verifies (HMAC-SHA512 over the raw body, constant time) and applies a gateway
/// webhook. Returns `outcome` (`applied`, `duplicate`, `stale`, `ignored`) and details
/// (`applied`: `vendor_id`, `from` and `state`, the transition it made).
/// Throws `Wpwa\AuthException` for a missing or forged signature.
#[php_function]
#[php(name = "Wpwa\\session_webhook")]
pub fn session_webhook(
    body: BinarySlice<u8>,
    signature: Option<String>,
    key: String,
) -> PhpResult<ZBox<ZendHashTable>> {
    let body: &[u8] = &body;
    let outcome = with_store(|store| {
        Ok(session::handle_webhook(
            store,
            body,
            signature.as_deref(),
            key.as_bytes(),
            clock::now(),
        )?)
    })?;
    to_array(&outcome)
}

/// The vendor's most recent session events, newest first (`input`, `source`,
/// `from_state`, `to_state`, `applied`, `recorded_at`).
#[php_function]
#[php(name = "Wpwa\\session_history")]
pub fn session_history(vendor_id: i64, limit: Option<i64>) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let limit = page_size(crate::rules::HISTORY_PAGE_SIZE, limit.unwrap_or(20))?;
    let history = with_store(|store| Ok(session::history(store, vendor_id, limit)?))?;
    let mut list = ZendHashTable::new();
    for entry in &history {
        list.push(to_array(entry)?).map_err(internal)?;
    }
    Ok(list)
}

/// Checks a gateway connection (`url`, `api_key`): reachable, key accepted. Returns
/// `ok`, `sessions` (how many the gateway holds) and `latency_ms`.
#[php_function]
#[php(name = "Wpwa\\gateway_test")]
pub fn gateway_test(gateway: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    let connection = GatewayConnection::from_array(gateway)?;
    let started = std::time::Instant::now();
    let sessions = runtime::block_on(connection.client.session_count())?;
    let mut result = ZendHashTable::new();
    result.insert("ok", true).map_err(internal)?;
    result
        .insert("sessions", i64::try_from(sessions).unwrap_or(i64::MAX))
        .map_err(internal)?;
    result
        .insert(
            "latency_ms",
            i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        )
        .map_err(internal)?;
    Ok(result)
}

/// A gateway connection as the plugin passes it, and its client.
struct GatewayConnection {
    client: GatewayClient,
    input: GatewayInput,
}

impl GatewayConnection {
    fn from_array(array: &ZendHashTable) -> PhpResult<Self> {
        let input: GatewayInput = from_array("gateway", array)?;
        Ok(Self {
            client: GatewayClient::new(&input.url, &input.api_key)?,
            input,
        })
    }

    fn webhook(&self) -> PhpResult<WebhookTarget> {
        Ok(self.input.webhook()?)
    }
}

fn session_policy(array: Option<&ZendHashTable>) -> PhpResult<session::Policy> {
    Ok(from_optional_array::<PolicyInput>("policy", array)?.validate()?)
}

/// Checks products for the WhatsApp catalog. `$products` is a list of product records
/// as the plugin's readers produce them; `$rules` may set `currency`,
/// `max_image_bytes` and `default_brand`. Returns one entry per product:
/// `product_id`, `retailer_id`, `status` (`ready`, `invalid`, `not_listed`),
/// `problems` (each a `code` and its parameters, e.g. `max` in bytes), when ready
/// `item` (the catalog item as the JSON the API receives), and `next_price_change`
/// (Unix seconds when a scheduled sale starts or ends and the product must be synced
/// again, or null). `$now` (Unix
/// seconds, default the current time) is when the catalog is read: a sale price counts
/// only inside its dates.
#[php_function]
#[php(name = "Wpwa\\catalog_prepare")]
pub fn catalog_prepare(
    products: &ZendHashTable,
    rules: Option<&ZendHashTable>,
    now: Option<i64>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let (rules, _) = catalog_options(rules)?;
    let now = now.unwrap_or_else(clock::now);
    let products = products_from_list(products)?;
    let mut results =
        ZendHashTable::with_capacity(u32::try_from(products.len()).unwrap_or(u32::MAX));
    for product in products {
        let mut entry = ZendHashTable::with_capacity(6);
        entry
            .insert("product_id", product.id as i64)
            .map_err(internal)?;
        entry
            .insert("retailer_id", catalog::retailer_id(&product))
            .map_err(internal)?;
        let mut problems = ZendHashTable::new();
        match catalog::next_price_change(&product, now) {
            Some(at) => entry.insert("next_price_change", at),
            None => entry.insert("next_price_change", ()),
        }
        .map_err(internal)?;
        let (status, item) = match catalog::prepare(&product, &rules, now) {
            catalog::Listing::Item(item) => (
                "ready",
                Some(serde_json::to_string(&item).map_err(internal)?),
            ),
            catalog::Listing::Invalid(found) => {
                for problem in &found {
                    let value = serde_json::to_value(problem).map_err(internal)?;
                    problems.push(json_to_zval(&value)?).map_err(internal)?;
                }
                ("invalid", None)
            }
            catalog::Listing::NotListed(_) => ("not_listed", None),
        };
        entry.insert("status", status).map_err(internal)?;
        entry.insert("problems", problems).map_err(internal)?;
        match item {
            Some(json) => entry.insert("item", json),
            None => entry.insert("item", ()),
        }
        .map_err(internal)?;
        results.push(entry).map_err(internal)?;
    }
    Ok(results)
}

/// The catalog rules and sync options a PHP options array sets: `currency`,
/// `max_image_bytes`, `default_brand`, `batch_size`, `concurrency`, `poll_interval_ms`.
fn catalog_options(
    array: Option<&ZendHashTable>,
) -> PhpResult<(catalog::Rules, catalog::sync::SyncOptions)> {
    Ok(from_optional_array::<CatalogOptionsInput>("options", array)?.validate()?)
}

/// A Cloud API connection as the plugin passes it (`url`, `version`, `token`,
/// `catalog_id`, `phone_number_id`, `waba_id`), and its client: one shape for every
/// call that takes a connection.
struct CloudConnection {
    client: CloudClient,
    input: CloudInput,
}

impl CloudConnection {
    fn from_array(array: &ZendHashTable) -> PhpResult<Self> {
        let input: CloudInput = from_array("connection", array)?;
        Ok(Self {
            client: CloudClient::new(&input.url, &input.version, &input.token)?,
            input,
        })
    }
}

/// Plans a catalog sync of the vendor's `$products` through `$connection` (`url`,
/// `version`, `token`, `catalog_id`). `$products` is a list of pages (each a JSON list
/// of the product reader's records, as `json_encode` writes it) or of record arrays.
/// `$changes` is what `catalog_sync_changes()` answered when the products were read
/// (`upto`, `full`, `product_ids`): the noted changes it covers are forgotten, and with
/// `full` false only those products are compared; without it the products are the
/// whole catalog. Returns the job: `job_id`, `state`, `total`, `processed`, `synced`,
/// `deleted`, `rejected`, `error` (null, or why it stopped or waits as a `code` and its
/// parameters), `wait_until_ms`, `created_at`, `finished_at`, and `price_changes`
/// (product id => Unix seconds when a scheduled sale of a product read starts or ends
/// and it must be synced again, or null). A running job is returned as it is.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_plan")]
pub fn catalog_sync_plan(
    vendor_id: i64,
    products: &ZendHashTable,
    connection: &ZendHashTable,
    options: Option<&ZendHashTable>,
    changes: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let products = products_from_list(products)?;
    let connection = CloudConnection::from_array(connection)?;
    let (rules, options) = catalog_options(options)?;
    let changes = changes_from_array(changes)?;
    let now = clock::now();
    let job = with_store(|store| {
        Ok(catalog::sync::plan(
            store,
            vendor_id,
            connection.input.catalog_id()?,
            &products,
            &rules,
            &options,
            &changes,
            now,
        )?)
    })?;
    let mut result = to_array(&job)?;
    let price_changes = catalog::sync::price_changes(&products, vendor_id, now);
    result
        .insert("price_changes", price_changes_array(&price_changes)?)
        .map_err(internal)?;
    Ok(result)
}

/// `catalog_sync_changes()`'s answer handed back to `catalog_sync_plan()` (none: every
/// product, no noted change to forget), with what a read of every product adds:
/// `unchanged` (the products and variations it left unread, as
/// `catalog_sync_unchanged()` allowed) and `fingerprints` (product id => fingerprint of
/// each product it read). Read key by key rather than through JSON: a large catalog's
/// lists pass the element budget of option arrays.
fn changes_from_array(array: Option<&ZendHashTable>) -> PhpResult<catalog::sync::Changes> {
    let Some(array) = array else {
        return Ok(catalog::sync::Changes {
            upto: 0,
            scope: catalog::sync::PlanScope::Full,
            unchanged: Vec::new(),
            fingerprints: Vec::new(),
        });
    };
    let refuse = || {
        validation(
            "changes must be what catalog_sync_changes() answered, with unchanged and fingerprints of a full read",
        )
    };
    let ids = |value: &ext_php_rs::types::Zval| -> PhpResult<Vec<u64>> {
        let list = value.array().ok_or_else(refuse)?;
        list.values()
            .map(|id| positive_long(id).ok_or_else(refuse))
            .collect()
    };
    let (mut upto, mut full) = (None, None);
    let mut changes = catalog::sync::Changes {
        upto: 0,
        scope: catalog::sync::PlanScope::Full,
        unchanged: Vec::new(),
        fingerprints: Vec::new(),
    };
    let mut product_ids = Vec::new();
    for (key, value) in array.iter() {
        match key.to_string().as_str() {
            "upto" => upto = value.long().filter(|n| *n >= 0),
            "full" => full = value.bool(),
            "product_ids" => product_ids = ids(value)?,
            "unchanged" => changes.unchanged = ids(value)?,
            "fingerprints" => {
                changes.fingerprints = value
                    .array()
                    .and_then(fingerprints_from_array)
                    .ok_or_else(refuse)?;
            }
            _ => return Err(refuse()),
        }
    }
    let (Some(upto), Some(full)) = (upto, full) else {
        return Err(refuse());
    };
    changes.upto = upto;
    if !full {
        if product_ids.len() > catalog::sync::MAX_CHANGED_PRODUCTS
            || !changes.unchanged.is_empty()
            || !changes.fingerprints.is_empty()
        {
            return Err(refuse());
        }
        changes.scope = catalog::sync::PlanScope::Products(product_ids);
    }
    Ok(changes)
}

/// Product id => fingerprint (1 to 128 bytes) of each product a read of every product
/// read; `None` when an entry is not that.
fn fingerprints_from_array(map: &ZendHashTable) -> Option<Vec<(u64, String)>> {
    map.iter()
        .map(|(id, fingerprint)| {
            let id = id.to_string().parse::<u64>().ok().filter(|n| *n > 0)?;
            let fingerprint = fingerprint
                .str()
                .filter(|f| !f.is_empty() && f.len() <= 128)?;
            Some((id, fingerprint.to_owned()))
        })
        .collect()
}

/// Product id => Unix seconds of the next scheduled sale start or end, or null.
fn price_changes_array(changes: &[(u64, Option<i64>)]) -> PhpResult<ZBox<ZendHashTable>> {
    let mut array = ZendHashTable::with_capacity(u32::try_from(changes.len()).unwrap_or(u32::MAX));
    for (id, at) in changes {
        let key = i64::try_from(*id).unwrap_or(i64::MAX);
        match at {
            Some(at) => array.insert_at_index(key, *at),
            None => array.insert_at_index(key, ()),
        }
        .map_err(internal)?;
    }
    Ok(array)
}

/// Of `$candidates` (each `product_id`, `fingerprint` of its database rows now, and
/// `variations`: its variations' ids), the product ids a read of every product of the
/// vendor may leave unread: same fingerprint as when last read for the connection's
/// catalog under the same `$options` rules, no scheduled sale of theirs due since, no
/// item of theirs waiting to be sent again.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_unchanged")]
pub fn catalog_sync_unchanged(
    vendor_id: i64,
    connection: &ZendHashTable,
    options: Option<&ZendHashTable>,
    candidates: &ZendHashTable,
) -> PhpResult<Vec<i64>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = CloudConnection::from_array(connection)?;
    let (rules, _) = catalog_options(options)?;
    let candidates = candidates_from_array(candidates)?;
    let unchanged = with_store(|store| {
        Ok(catalog::sync::unchanged(
            store,
            vendor_id,
            connection.input.catalog_id()?,
            &rules,
            &candidates,
            clock::now(),
        )?)
    })?;
    Ok(unchanged
        .into_iter()
        .map(|id| i64::try_from(id).unwrap_or(i64::MAX))
        .collect())
}

/// A PHP integer that is a positive id, read without the JSON detour.
fn positive_long(zval: &ext_php_rs::types::Zval) -> Option<u64> {
    zval.long()
        .and_then(|n| u64::try_from(n).ok())
        .filter(|n| *n > 0)
}

/// The products `catalog_sync_unchanged()` is asked about, read key by key (a page of
/// products with many variations passes the element budget of option arrays).
fn candidates_from_array(list: &ZendHashTable) -> PhpResult<Vec<catalog::sync::Candidate>> {
    let refuse = |index: usize| {
        validation(format!(
            "candidate #{index} must have a positive product_id, a fingerprint of 1 to 128 bytes and variations (a list of ids)"
        ))
    };
    let mut candidates = Vec::with_capacity(list.len());
    for (index, entry) in list.values().enumerate() {
        let array = entry.array().ok_or_else(|| refuse(index))?;
        if array.iter().any(|(key, _)| {
            !matches!(
                key.to_string().as_str(),
                "product_id" | "fingerprint" | "variations"
            )
        }) {
            return Err(refuse(index));
        }
        let product_id = array.get("product_id").and_then(positive_long);
        let fingerprint = array
            .get("fingerprint")
            .and_then(|f| f.str())
            .filter(|f| !f.is_empty() && f.len() <= 128);
        let variations = match array.get("variations") {
            None => Some(Vec::new()),
            Some(v) => v.array().and_then(|ids| {
                ids.values()
                    .map(positive_long)
                    .collect::<Option<Vec<u64>>>()
            }),
        };
        let (Some(product_id), Some(fingerprint), Some(variations)) =
            (product_id, fingerprint, variations)
        else {
            return Err(refuse(index));
        };
        candidates.push(catalog::sync::Candidate {
            product_id,
            fingerprint: fingerprint.to_owned(),
            variations,
        });
    }
    Ok(candidates)
}

/// What the vendor's next sync into the connection's catalog must read: `upto` (hand
/// it back to `catalog_sync_plan()`), `full` (true: every product; false: only
/// `product_ids`, the products and variations noted as changed since the last sync).
/// Every product when `$full` asks for it, when no sync under the same `$options`
/// rules read them all before, or after a change too large to name.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_changes")]
pub fn catalog_sync_changes(
    vendor_id: i64,
    connection: &ZendHashTable,
    options: Option<&ZendHashTable>,
    full: Option<bool>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = CloudConnection::from_array(connection)?;
    let (rules, _) = catalog_options(options)?;
    let changes = with_store(|store| {
        Ok(catalog::sync::changes(
            store,
            vendor_id,
            connection.input.catalog_id()?,
            &rules,
            full.unwrap_or(false),
        )?)
    })?;
    let (full, product_ids) = match changes.scope {
        catalog::sync::PlanScope::Full => (true, Vec::new()),
        catalog::sync::PlanScope::Products(ids) => (false, ids),
    };
    to_array(&serde_json::json!({
        "upto": changes.upto,
        "full": full,
        "product_ids": product_ids,
    }))
}

/// Notes that the vendor's `$product_ids` changed (a variation's id and its product's),
/// for the next sync to read; null: more than can be named, the next sync reads every
/// product.
#[php_function]
#[php(name = "Wpwa\\catalog_changes_note")]
pub fn catalog_changes_note(vendor_id: i64, product_ids: Option<Vec<i64>>) -> PhpResult<bool> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let ids = product_ids
        .map(|ids| positive_ids("product_ids", ids))
        .transpose()?;
    with_store(|store| {
        Ok(catalog::sync::note_changes(
            store,
            vendor_id,
            ids.as_deref(),
        )?)
    })?;
    Ok(true)
}

/// Works on a sync job for at most `$budget_ms` (default 10 s, at most 60 s), then
/// returns its progress. Call it again (from cron or the dashboard) until `state` is
/// `done` or `failed`.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_run")]
pub fn catalog_sync_run(
    vendor_id: i64,
    job_id: i64,
    connection: &ZendHashTable,
    options: Option<&ZendHashTable>,
    budget_ms: Option<i64>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = CloudConnection::from_array(connection)?;
    let (_, options) = catalog_options(options)?;
    let budget = crate::rules::SYNC_BUDGET_MS
        .check("budget_ms", budget_ms.unwrap_or(10_000))
        .map_err(|problem| validation(problem.to_string()))?;
    let budget = std::time::Duration::from_millis(budget as u64);
    let job = with_store(|store| {
        Ok(runtime::block_on(catalog::sync::run_slice(
            store,
            &connection.client,
            vendor_id,
            job_id,
            &options,
            budget,
        ))?)
    })?;
    to_array(&job)
}

/// The vendor's latest sync job (or `$job_id`, if it is theirs); null when none.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_status")]
pub fn catalog_sync_status(
    vendor_id: i64,
    job_id: Option<i64>,
) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let job = with_store(|store| {
        Ok(match job_id {
            Some(id) => Some(catalog::sync::job(store, vendor_id, id)?),
            None => catalog::sync::latest_job(store, vendor_id)?,
        })
    })?;
    job.as_ref().map(to_array).transpose()
}

/// Claims the report of a finished sync job's end: true for exactly one caller (the
/// one that writes the vendor's activity-log line), false when reported before, still
/// running, or not the vendor's job.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_claim_report")]
pub fn catalog_sync_claim_report(vendor_id: i64, job_id: i64) -> PhpResult<bool> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    with_store(|store| {
        Ok(catalog::sync::claim_report(
            store,
            vendor_id,
            job_id,
            clock::now(),
        )?)
    })
}

/// The vendor's catalog at a glance: `pending`, `synced`, `rejected`,
/// `needs_attention`, and `attention` (`product_id`, `retailer_id`, `state`,
/// `problems`, each a `code` and its parameters).
#[php_function]
#[php(name = "Wpwa\\catalog_summary")]
pub fn catalog_summary(vendor_id: i64, catalog_id: String) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let summary = with_store(|store| Ok(catalog::sync::summary(store, vendor_id, &catalog_id)?))?;
    to_array(&summary)
}

/// Answers the Cloud API's webhook handshake: the challenge when `$mode` is
/// `subscribe` and `$token` matches `$expected` (constant time), else null (send 403).
#[php_function]
#[php(name = "Wpwa\\cloud_handshake")]
pub fn cloud_handshake(
    mode: String,
    token: String,
    challenge: String,
    expected: String,
) -> Option<String> {
    conversation::verify_handshake(&mode, &token, &challenge, &expected).map(str::to_owned)
}

/// Receives a Cloud API webhook: verifies `X-Hub-Signature-256` on the raw body with
/// the app secret, parses it, deduplicates, routes each message to a vendor and stores
/// it. `$vendors` lists `['vendor_id','code','store_name']`, or is null for the
/// directory the store keeps (`directory_replace()`), read only once the signature
/// holds; `$routing` may set `window_seconds`, `fallback` (`team`, `menu`, or a
/// vendor id) and the consent words `opt_out_words` and `opt_in_words` (comma-separated;
/// defaults STOP and YES, START). Returns `stored` (`wamid`, `vendor_id`,
/// `conversation_id`, `rule`, `conversation`: the summary as `conversation()` gives
/// it), `duplicates`, `menus`, `statuses`, `duplicate_statuses`, `failures`, `carts`
/// (`wamid`, `phone_number_id`, `customer`: carts recorded by this webhook, none for a
/// redelivery) and `consent_changes` (`vendor_id` whose conversation the word came in,
/// `customer`, `granted`, `purposes`, `code`: `consent_withdrawn` or `consent_granted`,
/// `order_id`), for confirming to each customer, and `account_changes` (`waba_id`,
/// `from` and `to`: `connected`, `offboarded` or `disconnected`, `event`: the
/// `account_update` event name, `reason`, `initiated_by`, `phone_number`): WhatsApp
/// Business accounts whose state this webhook changed (none for a redelivered or
/// older event). Throws `Wpwa\AuthException` for a bad signature
/// and `Wpwa\ValidationException` for a malformed or oversized body.
#[php_function]
#[php(name = "Wpwa\\cloud_webhook")]
pub fn cloud_webhook(
    body: BinarySlice<u8>,
    signature: Option<String>,
    app_secret: String,
    vendors: Option<&ZendHashTable>,
    routing: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let body: &[u8] = &body;
    let vendors = vendors.map(vendor_directory).transpose()?;
    let config = routing_config(routing)?;
    let report = with_store(|store| {
        Ok(match &vendors {
            Some(vendors) => conversation::receive(
                store,
                body,
                signature.as_deref(),
                app_secret.as_bytes(),
                vendors,
                &config,
                clock::now(),
            )?,
            None => conversation::receive_with_stored_directory(
                store,
                body,
                signature.as_deref(),
                app_secret.as_bytes(),
                &config,
                clock::now(),
            )?,
        })
    })?;
    to_array(&report)
}

/// The vendor's customer conversations, newest first: `id`, `customer`,
/// `customer_name`, `product`, `last_text`, `last_message_at`, `unread`.
#[php_function]
#[php(name = "Wpwa\\conversations")]
pub fn conversations(vendor_id: i64, limit: Option<i64>) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    let limit = page_size(crate::rules::CONVERSATIONS_PAGE_SIZE, limit.unwrap_or(50))?;
    let list = with_store(|store| Ok(conversation::conversations(store, vendor_id, limit)?))?;
    let mut out = ZendHashTable::new();
    for item in &list {
        out.push(to_array(item)?).map_err(internal)?;
    }
    Ok(out)
}

/// One of the vendor's conversations (keys as for `conversations()`), or null when
/// the id is not one of theirs.
#[php_function]
#[php(name = "Wpwa\\conversation")]
pub fn conversation_of(vendor_id: i64, id: i64) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    let found = with_store(|store| Ok(conversation::conversation(store, vendor_id, id)?))?;
    found.as_ref().map(to_array).transpose()
}

/// Sends a message to customer `$to` for the vendor through `$connection` (`url`,
/// `version`, `token`, `phone_number_id`). `$message` is `['type' => 'text', 'body']`,
/// `['type' => 'template', 'name', 'language', 'components'?]`, `['type' => 'product',
/// 'catalog_id', 'retailer_id', 'body']` or `['type' => 'product_list', 'catalog_id',
/// 'header', 'body', 'sections' => [['title', 'retailer_ids' => [...]]]]`. `$limits` may
/// set `monthly_allowance`, `pacing_seconds`, `cost_cap_micros` (0: none) and
/// `rate_card` (`['currency' => 'EUR', 'prices' => ['marketing' => micro-units, …]]`).
/// Returns `wamid`, `allowance_left` and `budget_left_micros` (null without a cap).
/// Outside the 24-hour window a free-form message is a `Wpwa\ValidationException`;
/// pacing and the allowance are `Wpwa\RateLimitedException`s whose code is the wait,
/// the cost cap a `Wpwa\CostCapException` (one of them) likewise.
/// A template that is unknown, not approved, paused or disabled on the account (once
/// `templates_refresh()` has listed it; otherwise as the API answers), or sent with the
/// wrong parameters, is a `Wpwa\TemplateException` whose code is the API's (132001,
/// 132015, 132016, 132000). A marketing template goes through `/marketing_messages`.
#[php_function]
#[php(name = "Wpwa\\message_send")]
pub fn message_send(
    vendor_id: i64,
    to: String,
    message: &ZendHashTable,
    connection: &ZendHashTable,
    limits: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    send_outbound(
        vendor_id,
        &to,
        &outbound_message(message)?,
        connection,
        limits,
    )
}

/// Sends the automatic reply that applies to `$customer`, who just wrote to the vendor:
/// the acknowledgement while open, the away message outside the hours. `$replies` has
/// `acknowledgement` and `away_message` (strings; empty or null is off; `{vendor}` is
/// replaced by `$vendor_name`) and `hours`: null (always open) or seven entries, Monday
/// first, each null (closed) or `['open' => 'HH:MM', 'close' => 'HH:MM']`. `$local_time`
/// is `['weekday' => 0..6 (Monday = 0), 'minute' => 0..1439]`. `$connection` and `$limits`
/// as for `message_send`. Returns `['sent' => true, 'kind', 'text', 'wamid']` or
/// `['sent' => false, 'reason' => 'off'|'quiet']`.
#[php_function]
#[php(name = "Wpwa\\message_auto_reply")]
#[allow(clippy::too_many_arguments)]
pub fn message_auto_reply(
    vendor_id: i64,
    customer: String,
    replies: &ZendHashTable,
    local_time: &ZendHashTable,
    vendor_name: String,
    connection: &ZendHashTable,
    limits: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let replies = from_array::<AutoRepliesInput>("replies", replies)?.validate()?;
    let at = from_array::<LocalTimeInput>("local_time", local_time)?.validate()?;
    let (client, phone_number_id) = cloud_connection(connection)?;
    let caps = messaging_limits(limits)?;
    let outcome = with_store(|store| {
        Ok(runtime::block_on(auto::reply(
            store,
            &client,
            &phone_number_id,
            vendor_id,
            &customer,
            &replies,
            &vendor_name,
            at,
            &caps,
            clock::now(),
        ))?)
    })?;
    let mut out = ZendHashTable::new();
    match outcome {
        Ok(sent) => {
            out.insert("sent", true).map_err(internal)?;
            out.insert(
                "kind",
                match sent.kind {
                    auto::AutoReplyKind::Acknowledgement => "acknowledgement",
                    auto::AutoReplyKind::Away => "away",
                },
            )
            .map_err(internal)?;
            out.insert("text", sent.text).map_err(internal)?;
            out.insert("wamid", sent.wamid).map_err(internal)?;
        }
        Err(reason) => {
            out.insert("sent", false).map_err(internal)?;
            out.insert(
                "reason",
                match reason {
                    auto::NoAutoReply::Off => "off",
                    auto::NoAutoReply::Quiet => "quiet",
                },
            )
            .map_err(internal)?;
        }
    }
    Ok(out)
}

/// Asks `$customer` which shop their message is for: an interactive list of the
/// vendors in `$vendors` (as for `cloud_webhook`, null for the directory the store
/// keeps; the first ten by store name), sent
/// from the marketplace (vendor 0). The customer's pick routes by the menu choice.
/// Returns `wamid` and `allowance_left`.
#[php_function]
#[php(name = "Wpwa\\message_vendor_menu")]
pub fn message_vendor_menu(
    customer: String,
    vendors: Option<&ZendHashTable>,
    intro: String,
    button: String,
    connection: &ZendHashTable,
    limits: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendors = match vendors {
        Some(vendors) => vendor_directory(vendors)?,
        None => with_store(|store| Ok(store.directory()?))?,
    };
    let menu = routing::vendor_menu(&vendors, &intro, &button);
    send_outbound(0, &customer, &menu, connection, limits)
}

/// Sends one message through a connection within the limits; `wamid`, `allowance_left`.
fn send_outbound(
    vendor_id: u64,
    to: &str,
    message: &messaging::Outbound,
    connection: &ZendHashTable,
    limits: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let (client, phone_number_id) = cloud_connection(connection)?;
    let caps = messaging_limits(limits)?;
    let sent = with_store(|store| {
        Ok(runtime::block_on(messaging::send(
            store,
            &client,
            &phone_number_id,
            vendor_id,
            to,
            message,
            &caps,
            clock::now(),
        ))?)
    })?;
    to_array(&sent)
}

/// The vendor's response figures for customer messages since `$since` (Unix seconds):
/// `turns`, `answered`, `pending`, `response_rate` (0–1 or null) and
/// `average_response_seconds` (or null). Answers count from the vendor's linked phone
/// and from sends through the marketplace number, not automatic replies.
#[php_function]
#[php(name = "Wpwa\\response_metrics")]
pub fn response_metrics(vendor_id: i64, since: i64) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let metrics =
        with_store(|store| Ok(response::metrics(store, vendor_id, since, clock::now())?))?;
    to_array(&metrics)
}

/// A Cloud API connection that sends: its client and `phone_number_id`.
fn cloud_connection(connection: &ZendHashTable) -> PhpResult<(CloudClient, String)> {
    let connection = CloudConnection::from_array(connection)?;
    let phone_number_id = connection.input.phone_number_id()?.to_owned();
    Ok((connection.client, phone_number_id))
}

/// `monthly_allowance`, `pacing_seconds`, `cost_cap_micros` and `rate_card` over the
/// defaults.
fn messaging_limits(limits: Option<&ZendHashTable>) -> PhpResult<messaging::Limits> {
    Ok(from_optional_array::<LimitsInput>("limits", limits)?.validate()?)
}

fn outbound_message(array: &ZendHashTable) -> PhpResult<messaging::Outbound> {
    Ok(from_array::<OutboundInput>("message", array)?.into())
}

fn vendor_directory(array: &ZendHashTable) -> PhpResult<Vec<routing::VendorEntry>> {
    vendor_listings(array).map(|listings| routing::directory(&listings))
}

/// Vendors as the plugin lists them: `vendor_id`, `code` (chosen, or empty),
/// `store_name`.
fn vendor_listings(array: &ZendHashTable) -> PhpResult<Vec<routing::VendorListing>> {
    let vendors = crate::rules::options::read_list::<VendorInput>(
        "vendors",
        array_to_json("vendors", array)?,
    )?;
    Ok(crate::rules::options::vendor_listings(&vendors)?)
}

/// The vendor directory customer messages are routed with, as the core makes it from
/// `$vendors` (`vendor_id`, `code` — the code the vendor chose, or empty —,
/// `store_name` as the marketplace answers it): one entry per vendor, by vendor id,
/// with `vendor_id`, `code` (unique among them, without `#`) and `store_name` (HTML
/// entities decoded).
#[php_function]
#[php(name = "Wpwa\\vendor_directory")]
pub fn vendor_directory_of(vendors: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    directory::entries_to_array(vendor_directory(vendors)?)
}

pub(super) fn routing_config(array: Option<&ZendHashTable>) -> PhpResult<routing::RoutingConfig> {
    Ok(from_optional_array::<RoutingInput>("routing", array)?.validate()?)
}

/// A page size inside `bounds`.
fn page_size(bounds: crate::rules::Bounds, limit: i64) -> PhpResult<u32> {
    bounds
        .check("limit", limit)
        .map(|l| u32::try_from(l).unwrap_or(u32::MAX))
        .map_err(|problem| validation(problem.to_string()))
}

/// Seals a credential for storage (XChaCha20-Poly1305, key derived from
/// `$key_material`, bound to `$context` such as `gateway.api_key`).
#[php_function]
#[php(name = "Wpwa\\secret_seal")]
pub fn secret_seal(key_material: String, context: String, plaintext: String) -> PhpResult<String> {
    Ok(secret::seal(key_material.as_bytes(), &context, &plaintext)?)
}

/// Opens a credential sealed by `secret_seal()` with the same key material and context.
#[php_function]
#[php(name = "Wpwa\\secret_open")]
pub fn secret_open(key_material: String, context: String, sealed: String) -> PhpResult<String> {
    Ok(secret::open(key_material.as_bytes(), &context, &sealed)?)
}

/// How a saved credential is displayed: its last four characters, the rest hidden.
#[php_function]
#[php(name = "Wpwa\\secret_mask")]
pub fn secret_mask(secret: String) -> String {
    secret::mask(&secret)
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
    let module = module
        .class::<WpwaException>()
        .class::<ValidationException>()
        .class::<AuthException>()
        .class::<TokenExpiredException>()
        .class::<TokenSignatureException>()
        .class::<TokenAudienceException>()
        .class::<TokenMalformedException>()
        .class::<NotFoundException>()
        .class::<RateLimitedException>()
        .class::<CostCapException>()
        .class::<TransportException>()
        .class::<StorageException>()
        .class::<PairingException>()
        .function(wrap_function!(version))
        .function(wrap_function!(info))
        .function(wrap_function!(store_open))
        .function(wrap_function!(store_open_database))
        .function(wrap_function!(store_move_to_database))
        .function(wrap_function!(store_drop_database_tables))
        .function(wrap_function!(jwt_issue))
        .function(wrap_function!(jwt_verify))
        .function(wrap_function!(log_write))
        .function(wrap_function!(log_query))
        .function(wrap_function!(session_status))
        .function(wrap_function!(session_connect))
        .function(wrap_function!(session_refresh))
        .function(wrap_function!(session_disconnect))
        .function(wrap_function!(session_pairing_code))
        .function(wrap_function!(session_webhook))
        .function(wrap_function!(session_history))
        .function(wrap_function!(gateway_test))
        .function(wrap_function!(catalog_prepare))
        .function(wrap_function!(catalog_sync_plan))
        .function(wrap_function!(catalog_sync_changes))
        .function(wrap_function!(catalog_sync_unchanged))
        .function(wrap_function!(catalog_changes_note))
        .function(wrap_function!(catalog_sync_run))
        .function(wrap_function!(catalog_sync_status))
        .function(wrap_function!(catalog_sync_claim_report))
        .function(wrap_function!(catalog_summary))
        .function(wrap_function!(cloud_handshake))
        .function(wrap_function!(cloud_webhook))
        .function(wrap_function!(conversations))
        .function(wrap_function!(conversation_of))
        .function(wrap_function!(message_send))
        .function(wrap_function!(message_auto_reply))
        .function(wrap_function!(message_vendor_menu))
        .function(wrap_function!(vendor_directory_of))
        .function(wrap_function!(response_metrics))
        .function(wrap_function!(secret_seal))
        .function(wrap_function!(secret_open))
        .function(wrap_function!(secret_mask))
        .info_function(module_info);
    chat::register(orders::register(order_updates::register(rules::register(
        planning::register(checks::register(overview::register(directory::register(
            privacy::register(admin::register(templates::register(accounts::register(
                ingest::register(module),
            )))),
        )))),
    ))))
}
