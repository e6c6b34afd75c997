//! The rulebook for the plugin's settings forms: the checks its `sanitize()`
//! callbacks ask for, and the bounds its fields render as HTML attributes.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::Value;

use super::convert::{array_to_json, to_array};
use super::exceptions::validation;
use crate::rules;

pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(settings_check))
        .function(wrap_function!(limits))
}

/// Checks submitted settings of `$group` (`settings`, `catalog`, `messages`,
/// `cloud_connection`, `gateway_connection`, `preferences`, `log`, `auth`, `privacy`,
/// `gateway`, `webhooks`, `order_updates`; the keys of `limits()`). `$values` holds
/// only ruled fields, as the form sent them (strings) or typed. Returns `values` (the
/// accepted fields, numbers as integers, text trimmed; a blank credential is `''`,
/// meaning "keep the saved one") and `problems`: one entry per refused field with
/// `field`, `code` (`not_an_integer`, `out_of_range`, `not_a_string`, `bad_format`,
/// `too_long`, `bad_characters`, `missing`) and, by code, `min`, `max`, `max_length`
/// or `format`. Throws `Wpwa\ValidationException` for an unknown group or field.
#[php_function]
#[php(name = "Wpwa\\settings_check")]
pub fn settings_check(group: String, values: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    let values = match array_to_json("values", values)? {
        Value::Object(map) => map,
        Value::Array(items) if items.is_empty() => Default::default(),
        _ => return Err(validation("values must be an array keyed by field name")),
    };
    to_array(&rules::check(&group, &values)?)
}

/// The bounds of every ruled field (settings forms, vendor preferences, log filters,
/// bearer tokens, calling codes, gateway URLs, webhook body caps): group => field => `type` (`integer`,
/// `zero_or_range`, `format`, `credential`, `text`) and, by type, `min`, `max`,
/// `maxlength`, `pattern` (an HTML `pattern` attribute), `format`, `optional`,
/// `spaces`.
#[php_function]
#[php(name = "Wpwa\\limits")]
pub fn limits() -> PhpResult<ZBox<ZendHashTable>> {
    to_array(&rules::limits())
}
