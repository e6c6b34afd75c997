//! Customers' consent and WhatsApp updates about their orders: consent records and
//! invitations, the event → template mapping, the claim and outcome of each
//! (order, event) send, and the delivery statuses the order page shows.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::{Value, json};

use super::convert::{
    array_to_json, from_array, json_to_zval, non_negative, optional_id, positive_id, positive_ids,
    to_array,
};
use super::exceptions::{internal, validation};
use super::with_store;
use crate::consent::{self, Purpose, Record, Source};
use crate::order_updates::{
    self, Claim, EventTemplate, Mapping, Next, OrderData, OrderEvent, OrderField, SendOutcome,
    UpdateKey,
};
use crate::{clock, rules};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(consent_record))
        .function(wrap_function!(consent_current))
        .function(wrap_function!(consent_history))
        .function(wrap_function!(consent_invite))
        .function(wrap_function!(order_update_events))
        .function(wrap_function!(order_updates_mapping))
        .function(wrap_function!(order_update_prepare))
        .function(wrap_function!(order_update_finish))
        .function(wrap_function!(order_updates_of))
        .function(wrap_function!(order_updates_vendor))
}

fn purpose(text: &str) -> PhpResult<Purpose> {
    Purpose::parse(text).ok_or_else(|| {
        consent::ConsentError::UnknownPurpose(text.chars().take(40).collect()).into()
    })
}

fn event(text: &str) -> PhpResult<OrderEvent> {
    OrderEvent::parse(text).ok_or_else(|| {
        validation(format!(
            "unknown order event {:?}: use one of {}",
            text.chars().take(40).collect::<String>(),
            OrderEvent::ALL.map(OrderEvent::as_str).join(", ")
        ))
    })
}

/// Records a customer's consent (`$customer`: WhatsApp id digits) for `$purpose`
/// (`order_updates`, `marketing`): granted or withdrawn, from `$source` (`checkout`,
/// `whatsapp`, `admin`), with the exact `$text` shown and the order it came with.
/// Returns the record (`customer`, `purpose`, `granted`, `source`, `text`, `order_id`,
/// `at`), the customer's current state for the purpose from now on.
#[php_function]
#[php(name = "Wpwa\\consent_record")]
pub fn consent_record(
    customer: String,
    purpose_name: String,
    granted: bool,
    source: String,
    text: String,
    order_id: Option<i64>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let record = Record {
        customer,
        purpose: purpose(&purpose_name)?,
        granted,
        source: Source::parse(&source).ok_or_else(|| {
            PhpException::from(consent::ConsentError::UnknownSource(
                source.chars().take(40).collect(),
            ))
        })?,
        text,
        order_id: optional_id("order_id", order_id)?,
        at: clock::now(),
    };
    let record = with_store(|store| Ok(consent::record(store, record)?))?;
    to_array(&record)
}

/// The customer's current consent for `$purpose` (their latest record, keys as for
/// `consent_record()`), or null when they never gave or withdrew it. Nothing is sent
/// on a purpose unless this is a grant.
#[php_function]
#[php(name = "Wpwa\\consent_current")]
pub fn consent_current(
    customer: String,
    purpose_name: String,
) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let purpose = purpose(&purpose_name)?;
    consent::check_customer(&customer)?;
    let found = with_store(|store| Ok(consent::current(store, &customer, purpose)?))?;
    found.as_ref().map(to_array).transpose()
}

/// Every consent record of the customer's, oldest first.
#[php_function]
#[php(name = "Wpwa\\consent_history")]
pub fn consent_history(customer: String) -> PhpResult<ZBox<ZendHashTable>> {
    consent::check_customer(&customer)?;
    let history = with_store(|store| Ok(consent::history(store, &customer)?))?;
    let mut list = ZendHashTable::new();
    for record in &history {
        list.push(to_array(record)?).map_err(internal)?;
    }
    Ok(list)
}

/// Records that the customer was invited (with `$text`, e.g. alongside an order's
/// pay link) to reply an opt-in word for order updates; a reply within 7 days grants
/// `order_updates` consent from source `whatsapp` with that text.
#[php_function]
#[php(name = "Wpwa\\consent_invite")]
pub fn consent_invite(customer: String, order_id: Option<i64>, text: String) -> PhpResult<()> {
    let order_id = optional_id("order_id", order_id)?;
    with_store(|store| {
        Ok(consent::invite(
            store,
            &customer,
            order_id,
            &text,
            clock::now(),
        )?)
    })
}

/// What an order update mapping may name: `events` (`processing`, `shipped`,
/// `completed`, `on_hold`, `refunded`, `cancelled`, `failed`), `fields` (the order
/// fields a parameter may carry), `default_opt_out_words`, `default_opt_in_words`,
/// `max_params` and `max_text_chars` (longest consent text).
#[php_function]
#[php(name = "Wpwa\\order_update_events")]
pub fn order_update_events() -> PhpResult<ZBox<ZendHashTable>> {
    let fields: Vec<Value> = OrderField::ALL
        .iter()
        .map(|f| serde_json::to_value(f).unwrap_or(Value::Null))
        .collect();
    let value = json!({
        "events": OrderEvent::ALL.map(OrderEvent::as_str),
        "fields": fields,
        "default_opt_out_words": consent::DEFAULT_OPT_OUT_WORDS,
        "default_opt_in_words": consent::DEFAULT_OPT_IN_WORDS,
        "max_params": order_updates::MAX_PARAMS,
        "max_text_chars": consent::MAX_TEXT_CHARS,
    });
    to_array(&value)
}

fn mapping(array: &ZendHashTable) -> PhpResult<Mapping> {
    let value = match array_to_json("mapping", array)? {
        Value::Array(items) if items.is_empty() => Value::Object(Default::default()),
        other => other,
    };
    Ok(Mapping::from_json(value)?)
}

/// Checks an event → template mapping (`event => ['name', 'language', 'params' =>
/// [order fields…]]`) and returns it cleaned: names and languages trimmed, events
/// without a template name left out. `Wpwa\ValidationException` names what is wrong.
#[php_function]
#[php(name = "Wpwa\\order_updates_mapping")]
pub fn order_updates_mapping(mapping_array: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    let mapping = mapping(mapping_array)?;
    match serde_json::to_value(&mapping).map_err(internal)? {
        Value::Object(map) if map.is_empty() => Ok(ZendHashTable::new()),
        other => to_array(&other),
    }
}

/// Claims the update of order `$order_id` (or sub-order) for `$event` to `$customer`
/// from `$vendor_id`'s number (0 = the marketplace's), with the template `$mapping`
/// (as for `order_updates_mapping()`) gives the event and the order's `$data`
/// (`order_number`, `total`, `items` (list), `tracking`, `link`, `customer_name`,
/// `store_name`, `status`). Returns `outcome`: `send` with `attempt` and `message`
/// (for `message_send()`), `no_consent` (recorded, nothing to send), `done` with
/// `state` (sent, sending or given up before: never send again) or `unmapped`.
#[php_function]
#[php(name = "Wpwa\\order_update_prepare")]
pub fn order_update_prepare(
    order_id: i64,
    event_name: String,
    vendor_id: i64,
    customer: String,
    mapping_array: &ZendHashTable,
    data: &ZendHashTable,
) -> PhpResult<ZBox<ZendHashTable>> {
    let order_id = positive_id("order_id", order_id)?;
    let event = event(&event_name)?;
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    let mapping = mapping(mapping_array)?;
    let data: OrderData = from_array("data", data)?;
    let Some(template) = mapping.template(event) else {
        return to_array(&json!({"outcome": "unmapped"}));
    };
    let key = UpdateKey {
        order_id,
        event,
        vendor_id,
        customer: &customer,
        template,
    };
    let claim = with_store(|store| Ok(order_updates::claim(store, &key, clock::now())?))?;
    let mut out = match serde_json::to_value(claim).map_err(internal)? {
        Value::Object(map) => map,
        _ => return Err(internal("a claim did not serialize to an object")),
    };
    if let Claim::Send { .. } = claim {
        out.insert("message".into(), template_message(template, &data));
    }
    to_array(&Value::Object(out))
}

/// The `message_send()` array of the template `template` fills with `data`.
fn template_message(template: &EventTemplate, data: &OrderData) -> Value {
    match order_updates::message(template, data) {
        crate::messaging::Outbound::Template {
            name,
            language,
            components,
        } => {
            let mut message = json!({"type": "template", "name": name, "language": language});
            if !components.is_null() {
                message["components"] = components;
            }
            message
        }
        _ => Value::Null,
    }
}

/// Records how the claimed send of (`$order_id`, `$event`) went: `$result` is
/// `['wamid' => …]` (sent), `['retry_after' => seconds]` (paced or rate limited: no
/// attempt spent) or `['error' => code]` (the `WP_Error` code of the failure). Returns
/// `next`: `done`, or `retry_in` with `seconds` (schedule the action again then).
#[php_function]
#[php(name = "Wpwa\\order_update_finish")]
pub fn order_update_finish(
    order_id: i64,
    event_name: String,
    result: &ZendHashTable,
) -> PhpResult<ZBox<ZendHashTable>> {
    let order_id = positive_id("order_id", order_id)?;
    let event = event(&event_name)?;
    let result = array_to_json("result", result)?;
    let text = |key: &str| result.get(key).and_then(Value::as_str).map(str::to_owned);
    let outcome = if let Some(wamid) = text("wamid").filter(|w| !w.is_empty()) {
        SendOutcome::Sent { wamid }
    } else if let Some(retry_after) = result.get("retry_after").and_then(Value::as_i64) {
        SendOutcome::Paced {
            retry_after: rules::PACING_SECONDS
                .check("retry_after", retry_after.max(1))
                .map_err(|p| validation(p.to_string()))?,
        }
    } else if let Some(error) = text("error").filter(|e| !e.is_empty()) {
        SendOutcome::Failed {
            error: error.chars().take(80).collect(),
        }
    } else {
        return Err(validation(
            "result must hold a wamid, a retry_after or an error",
        ));
    };
    let next: Next = with_store(|store| {
        Ok(order_updates::finish(
            store,
            order_id,
            event,
            &outcome,
            clock::now(),
        )?)
    })?;
    to_array(&next)
}

fn views_to_list(views: &[order_updates::UpdateView]) -> PhpResult<ZBox<ZendHashTable>> {
    let mut list = ZendHashTable::new();
    for view in views {
        list.push(json_to_zval(
            &serde_json::to_value(view).map_err(internal)?,
        )?)
        .map_err(internal)?;
    }
    Ok(list)
}

/// The updates of the orders `$order_ids` (an order and its sub-orders), each with
/// `order_id`, `event`, `vendor_id`, `template`, `language`, `state` (`sending`,
/// `sent`, `retry`, `waiting`, `failed`, `skipped`), `attempts`, `error`, `wamid`,
/// `delivery` (latest status: `sent`, `delivered`, `read`, `failed`), `statuses`
/// (`status`, `at`), `failure_code`, `failure_reason`, `created_at`, `updated_at`.
#[php_function]
#[php(name = "Wpwa\\order_updates")]
pub fn order_updates_of(order_ids: Vec<i64>) -> PhpResult<ZBox<ZendHashTable>> {
    let ids = positive_ids("order_ids", order_ids.into_iter().take(100).collect())?;
    let views = with_store(|store| Ok(order_updates::for_orders(store, &ids)?))?;
    views_to_list(&views)
}

/// The vendor's latest order updates, newest first (keys as for `order_updates()`).
#[php_function]
#[php(name = "Wpwa\\order_updates_vendor")]
pub fn order_updates_vendor(vendor_id: i64, limit: Option<i64>) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    let limit = super::page_size(rules::CONVERSATIONS_PAGE_SIZE, limit.unwrap_or(50))?;
    let views = with_store(|store| Ok(order_updates::for_vendor(store, vendor_id, limit)?))?;
    views_to_list(&views)
}
