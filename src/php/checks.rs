//! The dashboard's catalog checks, stored per product: checked when products change,
//! read when the dashboard shows the catalog.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{positive_id, positive_ids, to_array};
use super::exceptions::validation;
use super::product::products_from_list;
use super::{catalog_options, with_store};
use crate::catalog::checks::{self, Scope};
use crate::clock;

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(catalog_check))
        .function(wrap_function!(catalog_checked))
        .function(wrap_function!(catalog_checks_forget))
}

/// Checks the vendor's product `$records` (as for `catalog_prepare()`, under `$rules`)
/// and stores each product's verdict. `$products` null: the records are the vendor's
/// whole catalog, checked under the rules the plugin names `$rules_key`, and replace
/// every stored verdict of the vendor. `$products` a list of product ids: only those
/// products (with their variations) are replaced, by what `$records` holds for them
/// (nothing: they are gone). Returns how many products are `ready`, `invalid` and
/// `not_listed` among `$records`.
#[php_function]
#[php(name = "Wpwa\\catalog_check")]
pub fn catalog_check(
    vendor_id: i64,
    records: &ZendHashTable,
    rules: Option<&ZendHashTable>,
    rules_key: String,
    products: Option<Vec<i64>>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    if rules_key.is_empty() || rules_key.len() > 128 {
        return Err(validation("rules_key must be 1 to 128 bytes"));
    }
    let (rules, _) = catalog_options(rules)?;
    let products_read = products_from_list(records)?;
    let parents = products
        .map(|ids| positive_ids("products", ids))
        .transpose()?;
    let scope = match &parents {
        None => Scope::Whole {
            rules_key: &rules_key,
        },
        Some(ids) => Scope::Products(ids),
    };
    let checks = with_store(|store| {
        Ok(checks::record(
            store,
            vendor_id,
            &products_read,
            &rules,
            scope,
            clock::now(),
        )?)
    })?;
    let count =
        |status: checks::CheckStatus| checks.iter().filter(|c| c.status == status).count() as i64;
    let mut out = ZendHashTable::with_capacity(3);
    out.insert("ready", count(checks::CheckStatus::Ready))
        .map_err(super::exceptions::internal)?;
    out.insert("invalid", count(checks::CheckStatus::Invalid))
        .map_err(super::exceptions::internal)?;
    out.insert("not_listed", count(checks::CheckStatus::NotListed))
        .map_err(super::exceptions::internal)?;
    Ok(out)
}

/// The vendor's stored checks, when their whole catalog was checked under the rules
/// named `$rules_key`: `ready`, `needs_attention` and `attention` (the first `$limit`,
/// at most 500, products that need attention, by id: `product_id`, `parent_id`,
/// `retailer_id`, `status`, `problems` (each a `code` with its values)). Null when no such check
/// was made (never, or under other rules): the caller checks the whole catalog.
#[php_function]
#[php(name = "Wpwa\\catalog_checked")]
pub fn catalog_checked(
    vendor_id: i64,
    rules_key: String,
    limit: Option<i64>,
) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let limit = u32::try_from(limit.unwrap_or(i64::from(checks::MAX_ATTENTION)))
        .ok()
        .filter(|l| (1..=checks::MAX_ATTENTION).contains(l))
        .ok_or_else(|| validation("limit must be between 1 and 500"))?;
    let found = with_store(|store| Ok(checks::checked(store, vendor_id, &rules_key, limit)?))?;
    found.as_ref().map(to_array).transpose()
}

/// Forgets the vendor's stored checks, so that the next `catalog_checked()` is null
/// and the whole catalog is checked again (after a bulk import, say, where checking
/// product by product would cost more). Returns whether anything was stored.
#[php_function]
#[php(name = "Wpwa\\catalog_checks_forget")]
pub fn catalog_checks_forget(vendor_id: i64) -> PhpResult<bool> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    with_store(|store| Ok(checks::forget(store, vendor_id)?))
}
