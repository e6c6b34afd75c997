//! `POST /sandbox/cloud/history`: the WhatsApp Business app shares its past chats once
//! a coexistence number joins the API, as `history` webhooks, field for field
//! (docs/whatsapp-contracts.md, "Webhook `history`"):
//!
//! - body `{"phone_number_id"?, "phase"?, "chunk_order"?, "progress"?, "threads":
//!   [{"id": "<customer phone>", "messages": [{"from"?, "text", "timestamp"?,
//!   "status"?}]}]}` or `{"declined": true}`;
//! - a message without `from` is the customer's (`from` the thread's id); `"from":
//!   "business"` is the business's own (`from` the sandbox's display number, `to` the
//!   customer), as is any other `from`;
//! - each message gets a `wamid`, `type: "text"` and `history_context.status`
//!   (default `READ`; `DELIVERED`, `ERROR`, `PENDING`, `PLAYED`, `SENT` also taken);
//! - `declined` sends the chunk WhatsApp sends when the business turned history
//!   sharing off: `history[].errors[]` with code 2593109.
//!
//! Signed and delivered like every Cloud API webhook; with no `cloud_webhook_url`
//! configured the answer is 409, a malformed body 422.

use std::sync::Arc;

use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use super::super::http::{Body, json, waha_error};
use super::super::random;
use super::super::state::Shared;
use super::messages::{Messages, WABA_ID, now_secs};
use super::validate;

/// The statuses `history_context.status` takes.
const STATUSES: [&str; 6] = ["DELIVERED", "ERROR", "PENDING", "PLAYED", "READ", "SENT"];
/// Most messages one sandbox chunk carries.
const MAX_MESSAGES: usize = 1_000;

/// Handles `POST /sandbox/cloud/history`.
pub(crate) fn control_history(
    messages: &Arc<Messages>,
    shared: &Arc<Shared>,
    body: Option<Value>,
) -> Response<Body> {
    let config = shared.lock().config.clone();
    let (value, count) = match webhook_value(
        body.unwrap_or(Value::Null),
        &config.phone_number_id,
        &config.display_phone_number,
    ) {
        Ok(parts) => parts,
        Err(message) => return waha_error(StatusCode::UNPROCESSABLE_ENTITY, &message),
    };
    if !messages.emit_account_change_of(shared, WABA_ID, now_secs(), "history", value) {
        return waha_error(
            StatusCode::CONFLICT,
            "No cloud_webhook_url is configured: set one with PUT /sandbox/config",
        );
    }
    json(
        StatusCode::OK,
        &json!({"webhooks": ["history"], "messages": count, "url": config.cloud_webhook_url}),
    )
}

/// The change's `value` and how many messages it carries, or why the body is refused.
fn webhook_value(
    body: Value,
    default_number: &str,
    display_phone_number: &str,
) -> Result<(Value, usize), String> {
    let Value::Object(body) = body else {
        return Err("The body must be a JSON object with \"threads\" or \"declined\"".into());
    };
    let phone_number_id = match body.get("phone_number_id") {
        None | Some(Value::Null) => default_number.to_owned(),
        Some(Value::String(id))
            if !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()) =>
        {
            id.clone()
        }
        Some(_) => return Err("phone_number_id must be 1 to 32 digits".into()),
    };
    let metadata =
        json!({"display_phone_number": display_phone_number, "phone_number_id": phone_number_id});
    if body.get("declined") == Some(&Value::Bool(true)) {
        let value = json!({"messaging_product": "whatsapp", "metadata": metadata,
            "history": [{"errors": [{"code": 2_593_109, "title": "History sharing is turned off by the business",
                "message": "History sharing is turned off by the business",
                "error_data": {"details": "The business declined to share its message history"}}]}]});
        return Ok((value, 0));
    }
    let number = |key: &str, default: i64, max: i64| match body.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(n) => n
            .as_i64()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(|| format!("{key} must be a whole number from 0 to {max}")),
    };
    let phase = number("phase", 0, 2)?;
    let chunk_order = number("chunk_order", 1, 1_000_000)?;
    let progress = number("progress", 100, 100)?;
    let threads = body
        .get("threads")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())
        .ok_or("threads must be a non-empty list")?;
    let mut count = 0;
    let mut out = Vec::new();
    for thread in threads {
        let customer = thread
            .get("id")
            .and_then(Value::as_str)
            .and_then(validate::wa_id)
            .ok_or("each thread's id must be the customer's phone number (6 to 15 digits)")?;
        let mut messages = Vec::new();
        for message in thread
            .get("messages")
            .and_then(Value::as_array)
            .ok_or("each thread needs a list of messages")?
        {
            count += 1;
            if count > MAX_MESSAGES {
                return Err(format!("at most {MAX_MESSAGES} messages per chunk"));
            }
            let text = message
                .get("text")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .ok_or("each message needs a text")?;
            let timestamp = match message.get("timestamp") {
                None | Some(Value::Null) => now_secs(),
                Some(t) => t
                    .as_i64()
                    .filter(|t| *t > 0)
                    .ok_or("timestamp must be Unix seconds")?,
            };
            let status = match message.get("status").and_then(Value::as_str) {
                None => "READ",
                Some(s) if STATUSES.contains(&s) => s,
                Some(_) => return Err(format!("status must be one of {}", STATUSES.join(", "))),
            };
            let mut past = json!({"id": format!("wamid.{}", random::ulid()), "timestamp": timestamp.to_string(),
                "type": "text", "text": {"body": text}, "history_context": {"status": status}});
            match message.get("from") {
                None | Some(Value::Null) => past["from"] = json!(customer),
                Some(_) => {
                    past["from"] = json!(display_phone_number);
                    past["to"] = json!(customer);
                }
            }
            messages.push(past);
        }
        out.push(json!({"id": customer, "messages": messages}));
    }
    let value = json!({"messaging_product": "whatsapp", "metadata": metadata,
        "history": [{"metadata": {"phase": phase, "chunk_order": chunk_order, "progress": progress},
                     "threads": out}]});
    Ok((value, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_the_history_webhook_and_the_core_reads_them() {
        let (value, count) = webhook_value(
            json!({"phone_number_id": "900", "chunk_order": 3, "threads": [{"id": "+1 555 000 1", "messages": [
                {"text": "Is it in stock?", "timestamp": 1_000},
                {"from": "business", "text": "Yes!", "timestamp": 1_100, "status": "DELIVERED"}]}]}),
            "100",
            "15550009999",
        )
        .unwrap();
        assert_eq!(count, 2);
        assert_eq!(value["metadata"]["phone_number_id"], "900");
        let chunk = &value["history"][0];
        assert_eq!(chunk["metadata"]["chunk_order"], 3);
        let thread = &chunk["threads"][0];
        assert_eq!(thread["id"], "15550001");
        assert_eq!(thread["messages"][0]["from"], "15550001");
        assert_eq!(thread["messages"][1]["from"], "15550009999");
        assert_eq!(thread["messages"][1]["to"], "15550001");
        assert_eq!(
            thread["messages"][1]["history_context"]["status"],
            "DELIVERED"
        );

        let body = json!({"object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"field": "history", "value": value}]}]});
        let parsed = crate::inbound::parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(parsed.messages.len(), 2);
        assert!(
            parsed
                .messages
                .iter()
                .all(|m| m.imported && m.customer == "15550001")
        );
        assert_eq!(
            parsed.messages[1].direction,
            crate::inbound::Direction::Echo
        );
    }

    #[test]
    fn a_declined_share_and_bad_bodies() {
        let (value, count) = webhook_value(json!({"declined": true}), "100", "1555").unwrap();
        assert_eq!(count, 0);
        assert_eq!(value["history"][0]["errors"][0]["code"], 2_593_109);
        for bad in [
            json!({}),
            json!({"threads": []}),
            json!({"threads": [{"id": "nobody", "messages": []}]}),
            json!({"threads": [{"id": "15550001", "messages": [{"text": ""}]}]}),
            json!({"threads": [{"id": "15550001", "messages": [{"text": "x", "status": "LOST"}]}]}),
            json!({"phase": 3, "threads": [{"id": "15550001", "messages": [{"text": "x"}]}]}),
            json!({"phone_number_id": "x", "threads": [{"id": "15550001", "messages": [{"text": "x"}]}]}),
        ] {
            assert!(webhook_value(bad.clone(), "100", "1555").is_err(), "{bad}");
        }
    }
}
