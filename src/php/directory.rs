//! The vendor directory the core keeps for routing customer messages: the plugin
//! replaces it whole or puts and removes one vendor as users change, and a webhook
//! reads it from the store only after its signature holds.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::positive_id;
use super::exceptions::internal;
use super::{vendor_listings, with_store};
use crate::routing::{VendorEntry, VendorListing};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(directory))
        .function(wrap_function!(directory_replace))
        .function(wrap_function!(directory_put))
        .function(wrap_function!(directory_remove))
}

/// The directory the store keeps, as `vendor_directory()` makes it: one entry per
/// vendor, by vendor id, with `vendor_id`, `code` (unique, without `#`) and
/// `store_name` (HTML entities decoded).
#[php_function]
#[php(name = "Wpwa\\directory")]
pub fn directory() -> PhpResult<ZBox<ZendHashTable>> {
    entries_to_array(with_store(|store| Ok(store.directory()?))?)
}

/// Directory entries as PHP arrays: `vendor_id`, `code`, `store_name`.
pub(super) fn entries_to_array(entries: Vec<VendorEntry>) -> PhpResult<ZBox<ZendHashTable>> {
    let mut list = ZendHashTable::with_capacity(u32::try_from(entries.len()).unwrap_or(u32::MAX));
    for entry in entries {
        let mut row = ZendHashTable::with_capacity(3);
        row.insert("vendor_id", entry.vendor_id as i64)
            .map_err(internal)?;
        row.insert("code", entry.code).map_err(internal)?;
        row.insert("store_name", entry.store_name)
            .map_err(internal)?;
        list.push(row).map_err(internal)?;
    }
    Ok(list)
}

/// Replaces the stored directory with `$vendors` (`['vendor_id','code','store_name']`
/// as for `vendor_directory()`; `code` is the one the vendor chose, or empty) and
/// returns how many vendors it now lists.
#[php_function]
#[php(name = "Wpwa\\directory_replace")]
pub fn directory_replace(vendors: &ZendHashTable) -> PhpResult<i64> {
    let listings = vendor_listings(vendors)?;
    with_store(|store| {
        store.directory_replace(&listings)?;
        Ok(i64::try_from(store.directory_listings()?.len()).unwrap_or(i64::MAX))
    })
}

/// Lists vendor `$vendor_id` with the code they chose (or '') and their store name, or
/// updates their listing. Returns whether the stored directory changed.
#[php_function]
#[php(name = "Wpwa\\directory_put")]
pub fn directory_put(vendor_id: i64, code: String, store_name: String) -> PhpResult<bool> {
    let listing = VendorListing {
        vendor_id: positive_id("vendor_id", vendor_id)?,
        chosen_code: code,
        store_name,
    };
    with_store(|store| Ok(store.directory_put(&listing)?))
}

/// Takes `$vendor_id` out of the stored directory (no longer a vendor, or deleted).
/// Returns whether they were listed.
#[php_function]
#[php(name = "Wpwa\\directory_remove")]
pub fn directory_remove(vendor_id: i64) -> PhpResult<bool> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    with_store(|store| Ok(store.directory_remove(vendor_id)?))
}
