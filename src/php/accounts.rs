//! The state of each WhatsApp Business account as its `account_update` webhooks set
//! it (coexistence): read for the admin's notices and Site Health, and for the vendor
//! dashboard of the vendors whose connection uses the account.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::to_array;
use super::exceptions::internal;
use super::with_store;
use crate::business_account;

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(business_accounts))
        .function(wrap_function!(business_account_of))
}

/// Every WhatsApp Business account an `account_update` webhook has set the state of,
/// by WABA id: `waba_id`, `state` (`connected`, `offboarded`, `disconnected`),
/// `last_event` (`ACCOUNT_OFFBOARDED`, `PARTNER_REMOVED`, `ACCOUNT_RECONNECTED`),
/// `reason`, `initiated_by`, `phone_number` (null when not given), `event_at` (when
/// the event happened) and `changed_at` (when the state last changed).
#[php_function]
#[php(name = "Wpwa\\business_accounts")]
pub fn business_accounts() -> PhpResult<ZBox<ZendHashTable>> {
    let list = with_store(|store| Ok(business_account::list(store)?))?;
    let mut out = ZendHashTable::new();
    for account in &list {
        out.push(to_array(account)?).map_err(internal)?;
    }
    Ok(out)
}

/// One account's state (keys as for `business_accounts()`), or null when no
/// `account_update` webhook has been seen for it (it is taken as connected).
#[php_function]
#[php(name = "Wpwa\\business_account")]
pub fn business_account_of(waba_id: String) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let found = with_store(|store| Ok(business_account::get(store, &waba_id)?))?;
    found.as_ref().map(to_array).transpose()
}
