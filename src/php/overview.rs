//! The admin's Vendors page in one call: every row's session, latest sync, catalog
//! counts, messages this month and response figures.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{positive_id, to_array};
use super::exceptions::{internal, validation};
use super::{session_policy, with_store};
use crate::clock;
use crate::overview::{self, OverviewError, VendorRow};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.function(wrap_function!(vendors_overview))
}

impl From<OverviewError> for PhpException {
    fn from(e: OverviewError) -> Self {
        match e {
            OverviewError::Session(e) => e.into(),
            OverviewError::Sync(e) => e.into(),
            OverviewError::Messaging(e) => e.into(),
            OverviewError::Store(e) => e.into(),
        }
    }
}

/// The Vendors page's rows, in the order of `$vendors` (each `['vendor_id' => int,
/// 'catalog_id' => string|null]`, at most 500): `vendor_id`, `session` (as
/// `session_status()` gives it under `$policy`), `sync` (as `catalog_sync_status()`, or
/// null), `catalog` (as `catalog_summary()` for that catalog, or null without one),
/// `messages_this_month` and `response` (as `response_metrics()` since `$since`).
#[php_function]
#[php(name = "Wpwa\\vendors_overview")]
pub fn vendors_overview(
    vendors: &ZendHashTable,
    policy: Option<&ZendHashTable>,
    since: i64,
) -> PhpResult<ZBox<ZendHashTable>> {
    if vendors.len() > 500 {
        return Err(validation("at most 500 vendors at a time"));
    }
    let rows = vendors
        .values()
        .enumerate()
        .map(|(index, entry)| {
            let entry = entry
                .array()
                .ok_or_else(|| validation(format!("vendor #{index} must be an array")))?;
            let vendor_id = entry
                .get("vendor_id")
                .and_then(|v| v.long())
                .ok_or_else(|| validation(format!("vendor #{index} needs a vendor_id")))?;
            let catalog_id = match entry.get("catalog_id") {
                None => None,
                Some(v) if v.is_null() => None,
                Some(v) => Some(v.str().map(str::to_owned).ok_or_else(|| {
                    validation(format!(
                        "vendor #{index}: catalog_id must be a string or null"
                    ))
                })?),
            };
            Ok(VendorRow {
                vendor_id: positive_id("vendor_id", vendor_id)?,
                catalog_id,
            })
        })
        .collect::<PhpResult<Vec<_>>>()?;
    let policy = session_policy(policy)?;
    let overview = with_store(|store| {
        Ok(overview::vendors(
            store,
            &rows,
            &policy,
            since,
            clock::now(),
        )?)
    })?;
    let mut list = ZendHashTable::with_capacity(u32::try_from(overview.len()).unwrap_or(u32::MAX));
    for row in &overview {
        list.push(to_array(row)?).map_err(internal)?;
    }
    Ok(list)
}
