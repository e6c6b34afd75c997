//! The WhatsApp Business account's message templates: refreshing the stored list from
//! the Cloud API, reading it for the admin screen, acknowledging a flagged change.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::to_array;
use super::exceptions::{TemplateException, internal};
use super::{CloudConnection, with_store};
use crate::{clock, runtime, templates};

/// Adds this file's class and functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .class::<TemplateException>()
        .function(wrap_function!(templates_refresh))
        .function(wrap_function!(templates_list))
        .function(wrap_function!(template_acknowledge))
}

/// Reads every template of the connection's WhatsApp Business account (`url`,
/// `version`, `token`, `waba_id`, and `phone_number_id`, whose sends are then checked
/// against this list) into the store. Returns `waba_id`, `count`, `removed` and
/// `changes` (`name`, `language`, `field` (`category` or `status`), `from`, `to`): the
/// categories and statuses that changed since the last refresh or webhook, now
/// flagged. A connection without `waba_id` is a `Wpwa\ValidationException`.
#[php_function]
#[php(name = "Wpwa\\templates_refresh")]
pub fn templates_refresh(connection: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    let connection = CloudConnection::from_array(connection)?;
    let waba_id = connection.input.waba_id()?.to_owned();
    let phone_number_id = connection.input.phone_number_id.clone();
    let client = connection.client;
    let report = with_store(|store| {
        Ok(runtime::block_on(templates::refresh(
            store,
            &client,
            &waba_id,
            &phone_number_id,
            clock::now(),
        ))?)
    })?;
    to_array(&report)
}

/// The stored templates (of account `$waba_id`, or of every account), by account,
/// name and language: `waba_id`, `name`, `language`, `template_id`, `category`,
/// `status`, `components`, `parameter_count`, `previous_category`,
/// `category_changed_at`, `previous_status`, `status_changed_at`, `flagged` (a change
/// not yet acknowledged) and `refreshed_at`.
#[php_function]
#[php(name = "Wpwa\\templates")]
pub fn templates_list(waba_id: Option<String>) -> PhpResult<ZBox<ZendHashTable>> {
    let list = with_store(|store| Ok(templates::list(store, waba_id.as_deref())?))?;
    let mut out = ZendHashTable::new();
    for template in &list {
        out.push(to_array(template)?).map_err(internal)?;
    }
    Ok(out)
}

/// Clears the flag of a template whose category or status changed, once an
/// administrator has seen it; whether it was flagged.
#[php_function]
#[php(name = "Wpwa\\template_acknowledge")]
pub fn template_acknowledge(waba_id: String, name: String, language: String) -> PhpResult<bool> {
    with_store(|store| Ok(templates::acknowledge(store, &waba_id, &name, &language)?))
}
