//! The admin console's calls: log retention, export and filter choices, the store's
//! health figures, a vendor's messages this month (and their cost by pricing
//! category), and the Cloud API connection test.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{from_optional_array, positive_id, to_array};
use super::exceptions::internal;
use super::{log_filter, with_store};
use crate::cloud::ConnectionIds;
use crate::log::{self, Filter};
use crate::rules::options::RateCardInput;
use crate::{clock, messaging, runtime};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(log_purge))
        .function(wrap_function!(log_kinds))
        .function(wrap_function!(log_export_csv))
        .function(wrap_function!(store_stats))
        .function(wrap_function!(messages_this_month))
        .function(wrap_function!(message_usage))
        .function(wrap_function!(message_usage_all))
        .function(wrap_function!(cloud_test))
}

/// Deletes the activity log entries written before `$before` (Unix seconds) and
/// returns how many went.
#[php_function]
#[php(name = "Wpwa\\log_purge")]
pub fn log_purge(before: i64) -> PhpResult<i64> {
    let deleted = with_store(|store| Ok(log::purge(store, before)?))?;
    Ok(i64::try_from(deleted).unwrap_or(i64::MAX))
}

/// The kinds present in the activity log, sorted.
#[php_function]
#[php(name = "Wpwa\\log_kinds")]
pub fn log_kinds() -> PhpResult<Vec<String>> {
    with_store(|store| Ok(log::kinds(store)?))
}

/// The activity log entries matching `$filter` (keys as for `log_query()`; the page
/// size is ignored, at most 50,000 rows) as CSV with a header row: `id`, `time`,
/// `vendor_id`, `level`, `kind`, `message`, `context`, `code`, `params`.
#[php_function]
#[php(name = "Wpwa\\log_export_csv")]
pub fn log_export_csv(filter: Option<&ZendHashTable>) -> PhpResult<String> {
    let filter = match filter {
        Some(array) => log_filter(array)?,
        None => Filter::default(),
    };
    with_store(|store| Ok(log::export_csv(store, &filter)?))
}

/// The store's health figures: `path`, `size_bytes` (file plus write-ahead log),
/// `schema_version` and `tables` (table name => rows).
#[php_function]
#[php(name = "Wpwa\\store_stats")]
pub fn store_stats() -> PhpResult<ZBox<ZendHashTable>> {
    with_store(|store| {
        let mut tables = ZendHashTable::new();
        for (name, rows) in store.table_rows()? {
            tables
                .insert(name.as_str(), i64::try_from(rows).unwrap_or(i64::MAX))
                .map_err(internal)?;
        }
        let mut stats = ZendHashTable::new();
        match store.path() {
            Some(path) => stats.insert("path", path.display().to_string()),
            None => stats.insert("path", ()),
        }
        .map_err(internal)?;
        stats
            .insert(
                "size_bytes",
                i64::try_from(store.size_on_disk()).unwrap_or(i64::MAX),
            )
            .map_err(internal)?;
        stats
            .insert("schema_version", store.schema_version()?)
            .map_err(internal)?;
        stats.insert("tables", tables).map_err(internal)?;
        Ok(stats)
    })
}

/// Messages the vendor has sent this calendar month (UTC), as the monthly allowance
/// counts them.
#[php_function]
#[php(name = "Wpwa\\messages_this_month")]
pub fn messages_this_month(vendor_id: i64) -> PhpResult<i64> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let sent = with_store(|store| Ok(messaging::sent_this_month(store, vendor_id, clock::now())?))?;
    Ok(i64::try_from(sent).unwrap_or(i64::MAX))
}

/// The vendor's calendar month (UTC) so far at the rate card `$rate_card`
/// (`['currency' => 'EUR', 'prices' => [category => micro-units]]`, null: no prices):
/// `vendor_id`, `month_start`, `next_month`, `messages`, `billable`, `cost_micros`,
/// `currency` and `categories` (each `category`, `messages`, `billable`,
/// `cost_micros`; `unclassified` for messages sent before classification).
#[php_function]
#[php(name = "Wpwa\\message_usage")]
pub fn message_usage(
    vendor_id: i64,
    rate_card: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let card = from_optional_array::<RateCardInput>("rate_card", rate_card)?.validate()?;
    let usage = with_store(|store| {
        Ok(messaging::month_usage(
            store,
            vendor_id,
            &card,
            clock::now(),
        )?)
    })?;
    to_array(&usage)
}

/// Every vendor's month as `message_usage()` gives one, read at once (the Vendors
/// page): keyed by vendor id; vendors that sent nothing this month are absent.
#[php_function]
#[php(name = "Wpwa\\message_usage_all")]
pub fn message_usage_all(rate_card: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
    let card = from_optional_array::<RateCardInput>("rate_card", rate_card)?.validate()?;
    let all = with_store(|store| Ok(messaging::month_usage_all(store, &card, clock::now())?))?;
    let mut out = ZendHashTable::new();
    for usage in &all {
        out.insert(usage.vendor_id, to_array(usage)?)
            .map_err(internal)?;
    }
    Ok(out)
}

/// Tests a Cloud API connection (`url`, `version`, `token`, `phone_number_id`,
/// `waba_id`, `catalog_id`): reads the phone number, the business account and the
/// catalog with the token. Returns one entry per step: `name`, `ok`, `detail`.
#[php_function]
#[php(name = "Wpwa\\cloud_test")]
pub fn cloud_test(connection: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    let connection = super::CloudConnection::from_array(connection)?;
    let ids = ConnectionIds {
        phone_number_id: connection.input.phone_number_id.clone(),
        waba_id: connection.input.waba_id.clone(),
        catalog_id: connection.input.catalog_id.clone(),
    };
    let client = connection.client;
    let checks = runtime::block_on(client.test_connection(&ids));
    let mut list = ZendHashTable::new();
    for check in &checks {
        list.push(to_array(check)?).map_err(internal)?;
    }
    Ok(list)
}
