//! The sandbox-only control API under `/sandbox/*`: what a test or the demo uses to
//! play the phone (scan, unlink, drop the connection, send a message), to tune the gateway and the
//! Cloud API, to read what a catalog holds and received, and to play a customer
//! writing to the business number (`/sandbox/messages/inject`) or getting a new
//! business-scoped user id (`/sandbox/customers/user-id-update`). No API key or token
//! (it is part of neither contract), but loopback-only like the rest.

use std::sync::Arc;
use std::time::Duration;

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
            Ok(body) => match cart_body(catalogs, body) {
                Ok(body) => messages.inject(shared, body),
                Err(message) => waha_error(StatusCode::UNPROCESSABLE_ENTITY, &message),
            },
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
        // Coexistence: the account's number offboarded, disconnected or reconnected.
        (&Method::POST, ["cloud", "account-update"]) => match read_json(request).await {
            Ok(body) => super::cloud::update_account(messages, shared, body),
            Err(response) => response,
        },
        // Coexistence: the WhatsApp Business app's past chats, as `history` webhooks.
        (&Method::POST, ["cloud", "history"]) => match read_json(request).await {
            Ok(body) => super::cloud::share_history(messages, shared, body),
            Err(response) => response,
        },
        // A customer's business-scoped user id changed: the `user_id_update` webhook.
        (&Method::POST, ["customers", "user-id-update"]) => match read_json(request).await {
            Ok(body) => super::cloud::update_user_id(messages, shared, body),
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
        (&Method::POST, ["sessions", name, "enter-code"]) => match read_json(request).await {
            Ok(body) => enter_code(shared, name, body.unwrap_or(Value::Null)),
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

/// The phone types the pairing code (`{"code": "ABCD-EFGH", "pushName"?}`): the code on
/// offer, typed on the phone it was issued for, before it expires, links the session
/// (SCAN_QR_CODE → WORKING as that number). A wrong code is refused (422), an expired
/// one too (410), as the phone would refuse them.
fn enter_code(shared: &Arc<Shared>, name: &str, body: Value) -> Response<Body> {
    let typed: String = body
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let push_name = body
        .get("pushName")
        .and_then(Value::as_str)
        .unwrap_or("Sandbox Phone")
        .to_owned();
    let mut state = shared.lock();
    let (epoch, lifetime_ms) = (state.epoch, state.config.pairing_code_ms);
    let Some(session) = state.sessions.get_mut(name) else {
        return waha_error(StatusCode::NOT_FOUND, "Session not found");
    };
    let Some(pairing) = session
        .pairing
        .as_ref()
        .filter(|_| session.status == Status::ScanQrCode)
    else {
        return conflict(&format!(
            "Session '{name}' has no pairing code on offer (status is {})",
            session.status.as_str()
        ));
    };
    if pairing.issued.elapsed() > Duration::from_millis(lifetime_ms) {
        return waha_error(
            StatusCode::GONE,
            "The pairing code expired; request a new one",
        );
    }
    if pairing.code.replace('-', "") != typed {
        return waha_error(StatusCode::UNPROCESSABLE_ENTITY, "Wrong pairing code");
    }
    let id = format!("{}@c.us", pairing.digits);
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

/// Most lines a sandbox cart may carry (WhatsApp's cart limit).
const MAX_CART_ITEMS: usize = 100;

/// An injection with a `cart` (`{"catalog_id", "items": [{"retailer_id", "quantity",
/// "item_price"?, "currency"?}]}`) becomes one with the `order` message WhatsApp sends:
/// each line's `item_price` and `currency` are what the catalog shows for the item
/// (its sale price while it has one), as a real cart carries them; an item the catalog
/// does not hold keeps the price the request gives (0 USD without one). Other bodies
/// pass unchanged.
fn cart_body(catalogs: &Catalogs, body: Option<Value>) -> Result<Option<Value>, String> {
    let Some(Value::Object(mut body)) = body else {
        return Ok(body);
    };
    let Some(cart) = body.remove("cart") else {
        return Ok(Some(Value::Object(body)));
    };
    if body.contains_key("message") || body.contains_key("text") {
        return Err("Give either a cart or a message, not both".into());
    }
    let catalog_id = cart
        .get("catalog_id")
        .and_then(|c| {
            c.as_str()
                .map(str::to_owned)
                .or_else(|| c.as_u64().map(|n| n.to_string()))
        })
        .filter(|c| !c.is_empty())
        .ok_or("cart.catalog_id is required")?;
    let items = cart
        .get("items")
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty() && items.len() <= MAX_CART_ITEMS)
        .ok_or(format!("cart.items must list 1 to {MAX_CART_ITEMS} items"))?;
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        let retailer_id = item
            .get("retailer_id")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
            .ok_or("each cart item needs a retailer_id")?;
        let quantity = item
            .get("quantity")
            .map_or(Some(1), Value::as_i64)
            .filter(|q| *q >= 1)
            .ok_or("cart item quantity must be a positive integer")?;
        let (price, currency) = match catalogs.cart_price(&catalog_id, retailer_id) {
            Some(found) => found,
            None => (
                item.get("item_price")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0),
                item.get("currency")
                    .and_then(Value::as_str)
                    .unwrap_or("USD")
                    .to_owned(),
            ),
        };
        lines.push(
            json!({"product_retailer_id": retailer_id, "quantity": quantity,
            "item_price": price, "currency": currency}),
        );
    }
    let mut order = json!({"catalog_id": catalog_id, "product_items": lines});
    if let Some(text) = cart.get("text").and_then(Value::as_str) {
        order["text"] = json!(text);
    }
    let mut message = json!({"type": "order", "order": order});
    if let Some(id) = cart
        .get("id")
        .or_else(|| body.get("id"))
        .filter(|v| v.is_string())
    {
        message["id"] = id.clone();
    }
    body.insert("message".into(), message);
    Ok(Some(Value::Object(body)))
}
