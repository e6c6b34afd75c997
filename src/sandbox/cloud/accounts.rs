//! `POST /sandbox/cloud/account-update`: WhatsApp tells the business that a
//! coexistence number was offboarded, disconnected (partner removed) or reconnected,
//! as an `account_update` webhook, field for field (docs/whatsapp-contracts.md):
//!
//! - body `{"event": "ACCOUNT_OFFBOARDED" | "ACCOUNT_RECONNECTED" | "PARTNER_REMOVED",
//!   "waba_id"?, "reason"?, "initiated_by"?, "phone_number"?, "time"?}`;
//! - `entry[].id` is `waba_id` (default: the sandbox account, `100000000000009`),
//!   `entry[].time` is `time` (default: now);
//! - `PARTNER_REMOVED`'s value is `{"phone_number", "event", "disconnection_info"?:
//!   {"reason", "initiated_by"}}` (`phone_number` defaults to the sandbox number;
//!   `disconnection_info` only when a reason or an initiator is given); the other two
//!   carry `{"event"}` only, so a reason or number with them is refused (422).
//!
//! The webhook is signed and delivered like every Cloud API webhook; with no
//! `cloud_webhook_url` configured the answer is 409.

use std::sync::Arc;

use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::super::http::{Body, json, waha_error};
use super::super::state::Shared;
use super::messages::{Messages, WABA_ID, now_secs};

const EVENTS: [&str; 3] = [
    "ACCOUNT_OFFBOARDED",
    "ACCOUNT_RECONNECTED",
    "PARTNER_REMOVED",
];

/// Handles `POST /sandbox/cloud/account-update`.
pub(crate) fn control_update(
    messages: &Arc<Messages>,
    shared: &Arc<Shared>,
    body: Option<Value>,
) -> Response<Body> {
    let config = shared.lock().config.clone();
    let (waba_id, time, value) = match webhook_value(body, &config.display_phone_number) {
        Ok(parts) => parts,
        Err(message) => return waha_error(StatusCode::UNPROCESSABLE_ENTITY, &message),
    };
    let event = value["event"].clone();
    if !messages.emit_account_change_of(shared, &waba_id, time, "account_update", value) {
        return waha_error(
            StatusCode::CONFLICT,
            "No cloud_webhook_url is configured: set one with PUT /sandbox/config",
        );
    }
    json(
        StatusCode::OK,
        &json!({"webhooks": ["account_update"], "waba_id": waba_id, "time": time,
            "event": event, "url": config.cloud_webhook_url}),
    )
}

/// The account, the time and the change's `value`, or why the body is refused.
fn webhook_value(
    body: Option<Value>,
    display_phone_number: &str,
) -> Result<(String, i64, Value), String> {
    let Some(Value::Object(body)) = body else {
        return Err("The body must be a JSON object with an \"event\"".into());
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 128 => {
                Ok(Some(s.trim().to_owned()))
            }
            Some(_) => Err(format!("{key} must be a non-empty string")),
        }
    };
    let event = text("event")?
        .filter(|e| EVENTS.contains(&e.as_str()))
        .ok_or_else(|| format!("event must be one of {}", EVENTS.join(", ")))?;
    let waba_id = match text("waba_id")? {
        None => WABA_ID.to_owned(),
        Some(id) if id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()) => id,
        Some(_) => return Err("waba_id must be a string of 1 to 32 digits".into()),
    };
    let time = match body.get("time") {
        None | Some(Value::Null) => now_secs(),
        Some(t) => t
            .as_i64()
            .filter(|t| *t > 0)
            .ok_or("time must be Unix seconds")?,
    };
    let (reason, initiated_by, phone_number) = (
        text("reason")?,
        text("initiated_by")?,
        text("phone_number")?,
    );
    let mut value = Map::new();
    if event == "PARTNER_REMOVED" {
        value.insert(
            "phone_number".into(),
            json!(phone_number.unwrap_or_else(|| display_phone_number.to_owned())),
        );
        value.insert("event".into(), json!(event));
        let mut info = Map::new();
        if let Some(reason) = reason {
            info.insert("reason".into(), json!(reason));
        }
        if let Some(initiated_by) = initiated_by {
            info.insert("initiated_by".into(), json!(initiated_by));
        }
        if !info.is_empty() {
            value.insert("disconnection_info".into(), Value::Object(info));
        }
    } else {
        if reason.is_some() || initiated_by.is_some() || phone_number.is_some() {
            return Err(format!(
                "{event} carries the event only: reason, initiated_by and phone_number go with PARTNER_REMOVED"
            ));
        }
        value.insert("event".into(), json!(event));
    }
    Ok((waba_id, time, Value::Object(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_follow_the_contract_field_for_field() {
        let (waba, _, value) =
            webhook_value(Some(json!({"event": "ACCOUNT_OFFBOARDED"})), "1555").unwrap();
        assert_eq!(
            (waba.as_str(), value),
            (WABA_ID, json!({"event": "ACCOUNT_OFFBOARDED"}))
        );
        let (waba, time, value) = webhook_value(
            Some(
                json!({"event": "PARTNER_REMOVED", "waba_id": "123", "time": 77,
                "reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"}),
            ),
            "1555",
        )
        .unwrap();
        assert_eq!((waba.as_str(), time), ("123", 77));
        assert_eq!(
            value,
            json!({"phone_number": "1555", "event": "PARTNER_REMOVED",
                "disconnection_info": {"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"}})
        );
        let (_, _, bare) =
            webhook_value(Some(json!({"event": "PARTNER_REMOVED"})), "1555").unwrap();
        assert_eq!(
            bare,
            json!({"phone_number": "1555", "event": "PARTNER_REMOVED"})
        );
    }

    #[test]
    fn refuses_what_the_contract_does_not_have() {
        for body in [
            json!(null),
            json!([]),
            json!({}),
            json!({"event": "SOMETHING"}),
            json!({"event": "ACCOUNT_RECONNECTED", "reason": "X"}),
            json!({"event": "ACCOUNT_OFFBOARDED", "waba_id": "12a"}),
            json!({"event": "ACCOUNT_OFFBOARDED", "time": "soon"}),
        ] {
            assert!(webhook_value(Some(body.clone()), "1").is_err(), "{body}");
        }
    }
}
