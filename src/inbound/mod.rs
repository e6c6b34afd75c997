//! Cloud API webhooks, parsed: customer messages, the business's own echoes,
//! delivery statuses, and template and account (`account_update`) events, each with
//! the fields routing and the dashboard need. Anything of a type this build does not
//! know is still returned, with its raw JSON, so it can be stored and logged rather
//! than dropped.

use serde::Serialize;
use serde_json::Value;

mod accounts;
mod templates;

/// Largest webhook body accepted; Meta's are a few kilobytes.
pub const MAX_BODY_BYTES: usize = crate::rules::CLOUD_WEBHOOK_BYTES.max as usize;

/// Why a webhook body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    /// Too large to be a Cloud API webhook.
    #[error("the webhook body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// Not JSON.
    #[error("the webhook body is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not a WhatsApp Business Account notification.
    #[error("the webhook is not a WhatsApp Business Account notification: {0}")]
    NotWhatsApp(&'static str),
}

/// Whether a message came from a customer or is the business's own, sent from the
/// WhatsApp Business app (an echo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From a customer.
    Inbound,
    /// Sent by the business from its app.
    Echo,
}

/// A product a customer asked about from a catalog message or ad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    /// The catalog.
    pub catalog_id: Option<String>,
    /// The product's retailer id.
    pub retailer_id: String,
}

/// One line of an order sent from the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct OrderLine {
    /// The product's retailer id.
    pub retailer_id: String,
    /// How many.
    pub quantity: i64,
    /// Unit price.
    pub item_price: f64,
    /// ISO 4217 code.
    pub currency: String,
}

/// An error the API attached to a message or status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// Graph error code, e.g. 131047.
    pub code: i64,
    /// Short title.
    pub title: String,
    /// Details, when given.
    pub details: Option<String>,
}

/// A media attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    /// Media id, to download through the API.
    pub id: String,
    /// MIME type.
    pub mime_type: Option<String>,
    /// File name (documents).
    pub filename: Option<String>,
}

/// A message, inbound or echoed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// The business number it reached (`metadata.phone_number_id`).
    pub phone_number_id: String,
    /// Customer or business.
    pub direction: Direction,
    /// `wamid…`, the deduplication key.
    pub id: String,
    /// The customer's key: as parsed, their phone digits or else their BSUID (the
    /// sender of an inbound message, the recipient of an echo); once stored, the key
    /// [`crate::customer::resolve`] gave.
    pub customer: String,
    /// Every identifier the webhook gave for the customer.
    pub identity: crate::customer::Identity,
    /// A past message the WhatsApp Business app shared when the number joined the
    /// API (a `history` webhook, coexistence): stored, never acted on.
    pub imported: bool,
    /// The customer's profile name.
    pub customer_name: Option<String>,
    /// Unix seconds.
    pub timestamp: i64,
    /// `text`, `image`, `order`, `interactive`, … or whatever new type arrives.
    pub kind: String,
    /// The readable part: text, caption, reply title, location, reaction, system note.
    pub text: Option<String>,
    /// The message this one replies to.
    pub reply_to: Option<String>,
    /// Forwarded by the customer.
    pub forwarded: bool,
    /// The product asked about (a reply to a product message).
    pub referred_product: Option<ProductRef>,
    /// The lines of an order.
    pub order: Vec<OrderLine>,
    /// The catalog an order came from.
    pub order_catalog_id: Option<String>,
    /// The id of the chosen button or list row, for interactive replies.
    pub reply_id: Option<String>,
    /// An attachment.
    pub media: Option<Media>,
    /// Errors the API attached (e.g. unsupported types).
    pub errors: Vec<ApiError>,
    /// The message as received.
    pub raw: Value,
}

/// A delivery status of a message the business sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The business number.
    pub phone_number_id: String,
    /// The message's `wamid`.
    pub message_id: String,
    /// `sent`, `delivered`, `read`, `played`, `failed`, …
    pub status: String,
    /// Unix seconds.
    pub timestamp: i64,
    /// The customer (or group) it went to.
    pub recipient: String,
    /// Why it failed, for `failed`.
    pub errors: Vec<ApiError>,
    /// The pricing category (`service`, `marketing`, …), when given.
    pub category: Option<String>,
    /// The whole `pricing` object, when given (its `category` is the one above).
    pub pricing: crate::pricing::Pricing,
}

/// What one webhook carried.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Notification {
    /// Messages, in the order received.
    pub messages: Vec<Message>,
    /// Statuses, in the order received.
    pub statuses: Vec<Status>,
    /// Template category and status changes (`template_category_update`,
    /// `message_template_status_update`), in the order received.
    pub template_events: Vec<crate::templates::TemplateEvent>,
    /// Coexistence account events (`account_update`: partner removed, offboarded,
    /// reconnected, or another event by name), in the order received.
    pub account_events: Vec<crate::business_account::AccountEvent>,
    /// Customers' new BSUIDs or numbers (`user_id_update` webhooks and the system
    /// messages `user_changed_user_id` and `user_changed_number`), in the order
    /// received.
    pub identity_changes: Vec<crate::customer::IdentityChange>,
    /// `history` chunks the customer's business declined to share (error 2593109)
    /// or that carried another error, by the code WhatsApp gave.
    pub history_errors: Vec<i64>,
}

/// Parses a Cloud API webhook body (after its signature was verified).
pub fn parse(body: &[u8]) -> Result<Notification, InboundError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(InboundError::TooLarge);
    }
    let json: Value =
        serde_json::from_slice(body).map_err(|e| InboundError::NotJson(e.to_string()))?;
    if json.get("object").and_then(Value::as_str) != Some("whatsapp_business_account") {
        return Err(InboundError::NotWhatsApp(
            "object is not whatsapp_business_account",
        ));
    }
    let entries = json
        .get("entry")
        .and_then(Value::as_array)
        .ok_or(InboundError::NotWhatsApp("no entry list"))?;
    let mut notification = Notification::default();
    for (entry, change) in entries.iter().flat_map(|e| {
        e.get("changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(move |c| (e, c))
    }) {
        let Some(value) = change.get("value") else {
            continue;
        };
        if accounts::is_account_update(change) {
            notification
                .account_events
                .extend(accounts::event(entry, value));
            continue;
        }
        if let Some(event) = templates::event(entry, change, value) {
            notification.template_events.push(event);
            continue;
        }
        let phone_number_id = text(value, "/metadata/phone_number_id").unwrap_or_default();
        let contacts = value.get("contacts").and_then(Value::as_array);
        // The contact a message names by phone or by BSUID; a webhook with one contact
        // names the one customer.
        let contact_of = |phone: &Option<String>, bsuid: &Option<String>| {
            let list = contacts?;
            list.iter()
                .find(|c| {
                    let same = |field: &str, id: &Option<String>| {
                        id.is_some() && text(c, field).as_ref() == id.as_ref()
                    };
                    same("/wa_id", phone) || same("/user_id", bsuid)
                })
                .or_else(|| (list.len() == 1).then(|| &list[0]))
        };
        if change.get("field").and_then(Value::as_str) == Some("history") {
            history(value, &phone_number_id, &mut notification);
            continue;
        }
        if change.get("field").and_then(Value::as_str) == Some("user_id_update") {
            notification
                .identity_changes
                .extend(identity_updates(value, contacts));
            continue;
        }
        for (list, direction) in [
            ("messages", Direction::Inbound),
            ("message_echoes", Direction::Echo),
        ] {
            for raw in value
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (phone, bsuid) = match direction {
                    Direction::Inbound => (text(raw, "/from"), text(raw, "/from_user_id")),
                    Direction::Echo => (text(raw, "/to"), text(raw, "/to_user_id")),
                };
                let contact = contact_of(&phone, &bsuid);
                let from_contact = |field: &str| contact.and_then(|c| text(c, field));
                let identity = crate::customer::Identity {
                    phone: phone.or_else(|| from_contact("/wa_id")),
                    bsuid: bsuid.or_else(|| from_contact("/user_id")),
                    parent_bsuid: from_contact("/parent_user_id"),
                    username: from_contact("/profile/username"),
                };
                if direction == Direction::Inbound {
                    notification.identity_changes.extend(system_change(raw));
                }
                notification.messages.push(message(
                    raw,
                    direction,
                    &phone_number_id,
                    from_contact("/profile/name"),
                    identity,
                ));
            }
        }
        for raw in value
            .get("statuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            notification.statuses.push(Status {
                phone_number_id: phone_number_id.clone(),
                message_id: text(raw, "/id").unwrap_or_default(),
                status: text(raw, "/status").unwrap_or_default(),
                timestamp: seconds(raw),
                recipient: text(raw, "/recipient_id").unwrap_or_default(),
                errors: errors(raw),
                category: text(raw, "/pricing/category"),
                pricing: crate::pricing::Pricing {
                    category: text(raw, "/pricing/category"),
                    billable: raw.pointer("/pricing/billable").and_then(Value::as_bool),
                    pricing_type: text(raw, "/pricing/type"),
                    pricing_model: text(raw, "/pricing/pricing_model"),
                },
            });
        }
    }
    Ok(notification)
}

fn message(
    raw: &Value,
    direction: Direction,
    phone_number_id: &str,
    customer_name: Option<String>,
    identity: crate::customer::Identity,
) -> Message {
    let kind = text(raw, "/type").unwrap_or_else(|| "unknown".into());
    let body = |path: &str| text(raw, path).filter(|t| !t.is_empty());
    let (text_part, reply_id) = match kind.as_str() {
        "text" => (body("/text/body"), None),
        "image" | "video" | "document" => (body(&format!("/{kind}/caption")), None),
        "button" => (body("/button/text"), body("/button/payload")),
        "interactive" => {
            let reply = ["button_reply", "list_reply"]
                .iter()
                .find_map(|k| raw.pointer(&format!("/interactive/{k}")));
            match reply {
                Some(r) => (text(r, "/title"), text(r, "/id")),
                None => (body("/interactive/nfm_reply/body"), None),
            }
        }
        "location" => {
            let place = [body("/location/name"), body("/location/address")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let coordinates = raw
                .pointer("/location/latitude")
                .zip(raw.pointer("/location/longitude"))
                .map(|(a, b)| format!("{a}, {b}"));
            (
                if place.is_empty() {
                    coordinates
                } else {
                    Some(place)
                },
                None,
            )
        }
        "reaction" => (body("/reaction/emoji"), body("/reaction/message_id")),
        "contacts" => {
            let names: Vec<String> = raw
                .get("contacts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| text(c, "/name/formatted_name"))
                .collect();
            ((!names.is_empty()).then(|| names.join(", ")), None)
        }
        "system" => (body("/system/body"), None),
        "edit" => (
            body("/edit/message/text/body"),
            body("/edit/original_message_id"),
        ),
        "revoke" => (None, body("/revoke/original_message_id")),
        "order" => (body("/order/text"), None),
        _ => (None, None),
    };
    let media = ["image", "video", "audio", "document", "sticker"]
        .iter()
        .find(|k| **k == kind)
        .and_then(|k| raw.get(*k))
        .and_then(|m| {
            Some(Media {
                id: text(m, "/id")?,
                mime_type: text(m, "/mime_type"),
                filename: text(m, "/filename"),
            })
        });
    let referred_product =
        text(raw, "/context/referred_product/product_retailer_id").map(|retailer_id| ProductRef {
            catalog_id: text(raw, "/context/referred_product/catalog_id"),
            retailer_id,
        });
    let order = raw
        .pointer("/order/product_items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some(OrderLine {
                retailer_id: text(item, "/product_retailer_id")?,
                quantity: item.get("quantity").and_then(number_i64).unwrap_or(1),
                item_price: item.get("item_price").and_then(number_f64).unwrap_or(0.0),
                currency: text(item, "/currency").unwrap_or_default(),
            })
        })
        .collect();
    Message {
        phone_number_id: phone_number_id.to_owned(),
        direction,
        id: text(raw, "/id").unwrap_or_default(),
        customer: identity.new_key().unwrap_or_default().to_owned(),
        identity,
        imported: false,
        customer_name,
        timestamp: seconds(raw),
        text: text_part,
        reply_to: text(raw, "/context/id"),
        forwarded: raw
            .pointer("/context/forwarded")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || raw
                .pointer("/context/frequently_forwarded")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        referred_product,
        order,
        order_catalog_id: text(raw, "/order/catalog_id"),
        reply_id,
        media,
        errors: errors(raw),
        kind,
        raw: raw.clone(),
    }
}

/// A `history` webhook's past messages, thread by thread (a thread's `id` is the
/// customer; a message `from` them is theirs, any other the business's). Chunks may
/// come in any order: each message keeps its own time. The later media webhooks of the
/// same field (`value.messages[]`) carry no thread and are left out.
fn history(value: &Value, phone_number_id: &str, notification: &mut Notification) {
    for chunk in value
        .get("history")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        notification.history_errors.extend(
            chunk
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|e| e.get("code").and_then(number_i64).unwrap_or(0)),
        );
        for thread in chunk
            .get("threads")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(customer) = text(thread, "/id") else {
                continue;
            };
            let identity = if crate::customer::is_bsuid(&customer) {
                crate::customer::Identity {
                    bsuid: Some(customer.clone()),
                    ..Default::default()
                }
            } else {
                crate::customer::Identity {
                    phone: Some(customer.clone()),
                    ..Default::default()
                }
            };
            for raw in thread
                .get("messages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let direction = if text(raw, "/from").as_deref() == Some(customer.as_str()) {
                    Direction::Inbound
                } else {
                    Direction::Echo
                };
                let mut message = message(raw, direction, phone_number_id, None, identity.clone());
                message.imported = true;
                notification.messages.push(message);
            }
        }
    }
}

/// The changes a `user_id_update` webhook announces: each names the previous and the
/// current BSUID (and parent BSUID), with the phone when the business may see it.
fn identity_updates(
    value: &Value,
    contacts: Option<&Vec<Value>>,
) -> Vec<crate::customer::IdentityChange> {
    let contact = contacts.and_then(|list| (list.len() == 1).then(|| &list[0]));
    value
        .get("user_id_update")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|update| crate::customer::IdentityChange {
            previous_bsuid: text(update, "/user_id/previous"),
            current_bsuid: text(update, "/user_id/current"),
            previous_phone: None,
            phone: text(update, "/wa_id").or_else(|| contact.and_then(|c| text(c, "/wa_id"))),
            parent_bsuid: text(update, "/parent_user_id/current"),
            username: contact.and_then(|c| text(c, "/profile/username")),
        })
        .filter(|change| change.previous_bsuid.is_some() && change.current_bsuid.is_some())
        .collect()
}

/// The identity change a system message announces: `user_changed_user_id` (a new
/// BSUID, no phone) or `user_changed_number` (sent from the old number, naming the new
/// one and the new BSUID when given).
fn system_change(raw: &Value) -> Option<crate::customer::IdentityChange> {
    if text(raw, "/type").as_deref() != Some("system") {
        return None;
    }
    let change = match text(raw, "/system/type").as_deref() {
        Some("user_changed_user_id") => crate::customer::IdentityChange {
            previous_bsuid: text(raw, "/from_user_id"),
            current_bsuid: Some(text(raw, "/system/user_id")?),
            previous_phone: text(raw, "/from"),
            ..Default::default()
        },
        Some("user_changed_number") => crate::customer::IdentityChange {
            previous_bsuid: text(raw, "/from_user_id"),
            current_bsuid: text(raw, "/system/user_id"),
            previous_phone: text(raw, "/from"),
            phone: Some(text(raw, "/system/wa_id")?),
            ..Default::default()
        },
        _ => return None,
    };
    Some(change)
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The API sends numbers as strings and as numbers, depending on the field and version.
fn number_i64(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str()?.trim().parse().ok())
}

/// As [`number_i64`]; a string Rust reads as a float but JSON cannot hold (`NaN`,
/// `inf`, `1e400`) is no number: it would turn into `null` in the stored order lines.
fn number_f64(value: &Value) -> Option<f64> {
    value
        .as_f64()
        .or_else(|| value.as_str()?.trim().parse().ok())
        .filter(|f: &f64| f.is_finite())
}

fn seconds(raw: &Value) -> i64 {
    raw.get("timestamp").and_then(number_i64).unwrap_or(0)
}

fn errors(raw: &Value) -> Vec<ApiError> {
    raw.get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| ApiError {
            code: e.get("code").and_then(number_i64).unwrap_or(0),
            title: text(e, "/title")
                .or_else(|| text(e, "/message"))
                .unwrap_or_default(),
            details: text(e, "/error_data/details"),
        })
        .collect()
}

#[cfg(test)]
mod tests;
