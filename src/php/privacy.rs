//! WordPress's personal data tools and the message retention purge: a customer's
//! conversations exported or erased by phone number, old conversations purged.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::to_array;
use super::with_store;
use crate::{clock, privacy};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(privacy_whatsapp_id))
        .function(wrap_function!(privacy_customer_keys))
        .function(wrap_function!(privacy_export))
        .function(wrap_function!(privacy_erase))
        .function(wrap_function!(messages_purge))
}

/// The WhatsApp id (digits with the country code) of a phone number as people write
/// it; `Wpwa\ValidationException` for a number without a country code or not a
/// phone number at all.
#[php_function]
#[php(name = "Wpwa\\privacy_whatsapp_id")]
pub fn privacy_whatsapp_id(number: &str) -> PhpResult<String> {
    Ok(privacy::whatsapp_id(number)?)
}

/// The keys of every customer a phone number, a BSUID or a WhatsApp username (with or
/// without `@`) names, for [`privacy_export`] and [`privacy_erase`];
/// `Wpwa\ValidationException` when the text is none of these.
#[php_function]
#[php(name = "Wpwa\\privacy_customer_keys")]
pub fn privacy_customer_keys(term: &str) -> PhpResult<Vec<String>> {
    with_store(|store| Ok(privacy::customer_keys(store, term)?))
}

/// Everything stored about the customer with this key (a phone number, or the BSUID of a
/// customer without one): `identity` (`phone`, `bsuid`, `parent_bsuid`, `username`, or
/// null), `conversations`
/// (each with `vendor_id`, `customer_name`, `product`, `created_at` and `messages`:
/// `direction`, `kind`, `text`, `status`, `sent_at`), `vendor_replies` and
/// `asked_for_shop_at`.
#[php_function]
#[php(name = "Wpwa\\privacy_export")]
pub fn privacy_export(number: &str) -> PhpResult<ZBox<ZendHashTable>> {
    let customer = privacy::customer_key(number)?;
    let data = with_store(|store| Ok(privacy::customer_data(store, &customer)?))?;
    to_array(&data)
}

/// Deletes everything stored about the customer with this key (as for
/// [`privacy_export`]) and returns
/// what went: `conversations`, `messages`, `other`.
#[php_function]
#[php(name = "Wpwa\\privacy_erase")]
pub fn privacy_erase(number: &str) -> PhpResult<ZBox<ZendHashTable>> {
    let customer = privacy::customer_key(number)?;
    let removed = with_store(|store| Ok(privacy::erase_customer(store, &customer)?))?;
    to_array(&removed)
}

/// Deletes the conversations nobody wrote in for `$days` days (at least 31: a
/// month's sends count against the allowance) and returns what went.
#[php_function]
#[php(name = "Wpwa\\messages_purge")]
pub fn messages_purge(days: i64) -> PhpResult<ZBox<ZendHashTable>> {
    let before = privacy::retention_cutoff(days, clock::now())?;
    let removed = with_store(|store| Ok(privacy::purge_conversations(store, before)?))?;
    to_array(&removed)
}
