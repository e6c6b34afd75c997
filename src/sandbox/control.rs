//! The sandbox-only control API under `/sandbox/*`: what a test or the demo uses to
//! play the phone (scan, unlink, drop the connection, send a message), to tune the gateway and the
//! Cloud API, to read what a catalog holds and received, and to play a customer
//! writing to the business number (`/sandbox/messages/inject`). No API key or token (it
//! is part of neither contract), but loopback-only like the rest.

use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::cloud::{Catalogs, Messages};
use super::http::{Body, json, read_json, waha_error};
use super::state::{Me, Shared, Status};

/// WhatsApp's limit of linked devices per phone.
const MAX_LINKED_DEVICES: usize = 4;

/// Handles one `/sandbox/*` request.
pub(crate) async fn handle(
    shared: &Arc<Shared>,
    catalogs: &Catalogs,
    messages: &Arc<Messages>,
    request: Request<Incoming>,
) -> Response<Body> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let segments: Vec<&str> = path
        .trim_start_matches("/sandbox")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match (&method, segments.as_slice()) {
        (&Method::GET, ["config"]) => json(StatusCode::OK, &shared.lock().config.to_json()),
        (&Method::PUT, ["config"]) => match read_json(request).await {
            Ok(body) => put_config(shared, body),
            Err(response) => response,
        },
        (&Method::POST, ["reset"]) => {
            catalogs.reset();
            messages.reset();
            let mut state = shared.lock();
            state.reset(&shared.defaults);
            json(StatusCode::OK, &state.config.to_json())
        }
        // A catalog's items (sorted by retailer id), what it received, and clearing it.
        (&Method::GET, ["catalogs", id, "items"]) => json(StatusCode::OK, &catalogs.items(id)),
        (&Method::GET, ["catalogs", id, "stats"]) => json(StatusCode::OK, &catalogs.stats(id)),
        (&Method::DELETE, ["catalogs", id]) => {
            catalogs.clear(id);
            json(StatusCode::OK, &json!({}))
        }
        (&Method::GET, ["webhooks"]) => {
            let state = shared.lock();
            json(
                StatusCode::OK,
                &json!({"deliveries": state.log.iter().collect::<Vec<_>>()}),
            )
        }
        (&Method::DELETE, ["webhooks"]) => {
            shared.lock().log.clear();
            json(StatusCode::OK, &json!({"deliveries": []}))
        }
        // Cloud API messaging: play a customer, read what was sent and delivered.
        (&Method::POST, ["messages", "inject"]) => match read_json(request).await {
            Ok(body) => messages.inject(shared, body),
            Err(response) => response,
        },
        (&Method::GET, ["messages", "sent"]) => json(StatusCode::OK, &messages.sent_json()),
        (&Method::DELETE, ["messages", "sent"]) => {
            messages.clear_sent();
            json(StatusCode::OK, &json!({"messages": []}))
        }
        // The account's message templates, and WhatsApp's review changing one.
        (&Method::GET, ["templates"]) => json(StatusCode::OK, &messages.templates.to_json()),
        (&Method::POST, ["templates", "update"]) => match read_json(request).await {
            Ok(body) => super::cloud::update_template(messages, shared, body),
            Err(response) => response,
        },
        (&Method::GET, ["cloud", "webhooks"]) => json(StatusCode::OK, &messages.deliveries_json()),
        (&Method::DELETE, ["cloud", "webhooks"]) => {
            messages.clear_deliveries();
            json(StatusCode::OK, &json!({"deliveries": []}))
        }
        (&Method::POST, ["sessions", name, "scan"]) => match read_json(request).await {
            Ok(body) => scan(shared, name, body.unwrap_or(Value::Null)),
            Err(response) => response,
        },
        (&Method::POST, ["sessions", name, "phone-logout"]) => phone_logout(shared, name),
        (&Method::POST, ["sessions", name, "disconnect"]) => disconnect(shared, name),
        (&Method::POST, ["sessions", name, "send"]) => match read_json(request).await {
            Ok(body) => phone_sends(shared, name, body.unwrap_or(Value::Null)),
            Err(response) => response,
        },
        _ => waha_error(StatusCode::NOT_FOUND, &format!("Cannot {method} {path}")),
    }
}

fn put_config(shared: &Arc<Shared>, body: Option<Value>) -> Response<Body> {
    let Some(Value::Object(update)) = body else {
        return waha_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The body must be a JSON object of settings",
        );
    };
    let mut state = shared.lock();
    match state.config.apply_json(&update) {
        Ok(()) => json(StatusCode::OK, &state.config.to_json()),
        Err(message) => waha_error(StatusCode::UNPROCESSABLE_ENTITY, &message),
    }
}

fn conflict(message: &str) -> Response<Body> {
    waha_error(StatusCode::CONFLICT, message)
}

/// The phone scans the QR: SCAN_QR_CODE → WORKING as `<digits>@c.us`.
fn scan(shared: &Arc<Shared>, name: &str, body: Value) -> Response<Body> {
    let phone = body
        .get("phone")
        .and_then(Value::as_str)
        .unwrap_or_default();
    // Accept the usual ways of writing a number; WhatsApp ids are the bare digits.
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let well_formed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    if !well_formed || !(6..=15).contains(&digits.len()) {
        return waha_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "phone must be a phone number with 6 to 15 digits, like +15550001",
        );
    }
    let push_name = match body.get("pushName") {
        None | Some(Value::Null) => "Sandbox Phone".to_owned(),
        Some(Value::String(name)) => name.clone(),
        Some(_) => {
            return waha_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "pushName must be a string",
            );
        }
    };
    let id = format!("{digits}@c.us");
    let mut state = shared.lock();
    let epoch = state.epoch;
    let linked_elsewhere = state
        .sessions
        .values()
        .filter(|s| s.name != name && s.me.as_ref().is_some_and(|me| me.id == id))
        .count();
    let Some(session) = state.sessions.get_mut(name) else {
        return waha_error(StatusCode::NOT_FOUND, "Session not found");
    };
    if session.status != Status::ScanQrCode {
        return conflict(&format!(
            "Session '{name}' is not waiting for a QR scan (status is {})",
            session.status.as_str()
        ));
    }
    if linked_elsewhere >= MAX_LINKED_DEVICES {
        return conflict(&format!(
            "Phone +{digits} already has {MAX_LINKED_DEVICES} linked devices"
        ));
    }
    session.me = Some(Me { id, push_name });
    session.move_to(Status::Working, epoch);
    json(StatusCode::OK, &session.to_json())
}

/// The phone removes the linked device: the link is gone and a running session fails
/// (it cannot reconnect without a new scan).
fn phone_logout(shared: &Arc<Shared>, name: &str) -> Response<Body> {
    let mut state = shared.lock();
    let epoch = state.epoch;
    let Some(session) = state.sessions.get_mut(name) else {
        return waha_error(StatusCode::NOT_FOUND, "Session not found");
    };
    if session.me.is_none() {
        return conflict(&format!("Session '{name}' has no linked device"));
    }
    session.me = None;
    if session.status.is_running() {
        session.move_to(Status::Failed, epoch);
    }
    json(StatusCode::OK, &session.to_json())
}

/// The vendor types a message on the linked phone: a `message.any` webhook with
/// `fromMe: true`, shaped as WAHA's (`id` is `true_<chat>_<hex>`).
fn phone_sends(shared: &Arc<Shared>, name: &str, body: Value) -> Response<Body> {
    let to: String = body
        .get("to")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let text = body.get("text").and_then(Value::as_str).unwrap_or_default();
    if !(6..=15).contains(&to.len()) || text.is_empty() {
        return waha_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "send needs to (a phone number) and text",
        );
    }
    let state = shared.lock();
    let epoch = state.epoch;
    let Some(session) = state.sessions.get(name) else {
        return waha_error(StatusCode::NOT_FOUND, "Session not found");
    };
    let Some(me) = session
        .me
        .as_ref()
        .filter(|_| session.status == Status::Working)
    else {
        return conflict(&format!("Session '{name}' is not connected"));
    };
    let chat = format!("{to}@c.us");
    let payload = json!({
        "id": format!("true_{chat}_{}", super::random::ulid()),
        "timestamp": super::random::now_ms() / 1000,
        "from": me.id,
        "fromMe": true,
        "source": "app",
        "to": chat,
        "body": text,
        "hasMedia": false,
        "ack": 1,
        "ackName": "SERVER",
    });
    super::webhooks::emit_message_any(session, epoch, payload.clone());
    json(StatusCode::OK, &payload)
}

/// The connection drops: WORKING → FAILED. The link stays, so a start reconnects.
fn disconnect(shared: &Arc<Shared>, name: &str) -> Response<Body> {
    let mut state = shared.lock();
    let epoch = state.epoch;
    let Some(session) = state.sessions.get_mut(name) else {
        return waha_error(StatusCode::NOT_FOUND, "Session not found");
    };
    if session.status != Status::Working {
        return conflict(&format!(
            "Session '{name}' is not connected (status is {})",
            session.status.as_str()
        ));
    }
    session.move_to(Status::Failed, epoch);
    json(StatusCode::OK, &session.to_json())
}
