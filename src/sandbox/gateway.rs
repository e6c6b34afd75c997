//! The WAHA-compatible session API under `/api/*`: auth by `X-Api-Key`, session CRUD,
//! start/stop/logout/restart, the raw QR value and pairing codes. Latency and failure
//! injection apply here and only here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::config::FailMode;
use super::http::{Body, json, query_param, read_json, waha_error};
use super::random;
use super::state::{ENGINE, Pairing, Session, Shared, State, Status};
use super::webhooks::parse_targets;

/// `fail_mode: down`: the connection is closed without an answer. Returning an error
/// from the service makes hyper drop the connection without writing anything.
#[derive(Debug, thiserror::Error)]
#[error("the sandbox gateway is down on purpose (fail_mode: down)")]
pub struct GatewayDown;

/// Handles one `/api/*` request.
pub(crate) async fn handle(
    shared: &Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, GatewayDown> {
    let config = shared.lock().config.clone();
    if config.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(config.latency_ms)).await;
    }
    match config.fail_mode {
        FailMode::None => {}
        FailMode::Down => return Err(GatewayDown),
        FailMode::ServerError => {
            return Ok(waha_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ));
        }
        FailMode::Unauthorized => return Ok(unauthorized()),
    }
    let key_ok = request
        .headers()
        .get("x-api-key")
        .is_some_and(|k| k.as_bytes() == config.api_key.as_bytes());
    if !key_ok {
        return Ok(unauthorized());
    }
    Ok(route(shared, request).await)
}

fn unauthorized() -> Response<Body> {
    waha_error(StatusCode::UNAUTHORIZED, "Unauthorized")
}

async fn route(shared: &Arc<Shared>, request: Request<Incoming>) -> Response<Body> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let segments: Vec<&str> = path
        .trim_start_matches("/api")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match (&method, segments.as_slice()) {
        (&Method::GET, ["sessions"]) => list(shared, query.as_deref()),
        (&Method::POST, ["sessions"]) => match read_json(request).await {
            Ok(body) => create(shared, body),
            Err(response) => response,
        },
        (&Method::GET, ["sessions", name]) => {
            with_session(shared, name, |s, _| json(StatusCode::OK, &s.to_json()))
        }
        (&Method::GET, ["sessions", name, "me"]) => {
            with_session(shared, name, |s, _| json(StatusCode::OK, &json!(s.me)))
        }
        (&Method::PUT, ["sessions", name]) => match read_json(request).await {
            Ok(body) => update(shared, name, body),
            Err(response) => response,
        },
        (&Method::DELETE, ["sessions", name]) => delete(shared, name),
        (&Method::POST, ["sessions", name, action]) => {
            // Action bodies are optional and unused, but must still be valid JSON.
            if let Err(response) = read_json(request).await {
                return response;
            }
            session_action(shared, name, action)
        }
        (&Method::GET, [name, "auth", "qr"]) => qr(shared, name, query.as_deref()),
        (&Method::POST, [name, "auth", "request-code"]) => match read_json(request).await {
            Ok(body) => request_code(shared, name, body.unwrap_or(Value::Null)),
            Err(response) => response,
        },
        (&Method::GET, ["version"] | ["server", "version"]) => json(
            StatusCode::OK,
            &json!({"version": crate::VERSION, "engine": ENGINE, "tier": "CORE", "browser": null}),
        ),
        _ => waha_error(StatusCode::NOT_FOUND, &format!("Cannot {method} {path}")),
    }
}

fn session_not_found() -> Response<Body> {
    waha_error(StatusCode::NOT_FOUND, "Session not found")
}

fn unprocessable(message: &str) -> Response<Body> {
    waha_error(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// Runs `f` on the named session under the lock, or answers 404.
fn with_session(
    shared: &Arc<Shared>,
    name: &str,
    f: impl FnOnce(&mut Session, u64) -> Response<Body>,
) -> Response<Body> {
    let mut state = shared.lock();
    let epoch = state.epoch;
    match state.sessions.get_mut(name) {
        Some(session) => f(session, epoch),
        None => session_not_found(),
    }
}

/// WAHA lists running sessions only, unless `?all=true`.
fn list(shared: &Arc<Shared>, query: Option<&str>) -> Response<Body> {
    let all = query_param(query, "all") == Some("true");
    let state = shared.lock();
    let sessions: Vec<Value> = state
        .sessions
        .values()
        .filter(|s| all || s.status != Status::Stopped)
        .map(Session::to_json)
        .collect();
    json(StatusCode::OK, &Value::Array(sessions))
}

/// WAHA's session-name rule.
fn valid_name(name: &str) -> bool {
    (1..=54).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Validates a `config` object: `metadata` and `webhooks` are read, the whole object is
/// kept to echo back.
fn parse_config(
    body: &Value,
) -> Result<(Value, Value, Vec<super::webhooks::WebhookTarget>), String> {
    let config = body.get("config").cloned().unwrap_or(Value::Null);
    if !(config.is_null() || config.is_object()) {
        return Err("config must be an object".into());
    }
    let metadata = config.get("metadata").cloned().unwrap_or(Value::Null);
    if !(metadata.is_null() || metadata.is_object()) {
        return Err("config.metadata must be an object".into());
    }
    let targets = parse_targets(&config)?;
    Ok((config, metadata, targets))
}

fn create(shared: &Arc<Shared>, body: Option<Value>) -> Response<Body> {
    let body = body.unwrap_or_else(|| json!({}));
    if !body.is_object() {
        return unprocessable("The request body must be a JSON object");
    }
    let name = match body.get("name") {
        None | Some(Value::Null) => "default",
        Some(Value::String(name)) => name.as_str(),
        Some(_) => return unprocessable("name must be a string"),
    };
    if !valid_name(name) {
        return unprocessable(&format!(
            "Invalid session name '{name}': use 1 to 54 characters from a-z, A-Z, 0-9, _ and -"
        ));
    }
    let start = match body.get("start") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(start)) => *start,
        Some(_) => return unprocessable("start must be a boolean"),
    };
    let (config, metadata, targets) = match parse_config(&body) {
        Ok(parsed) => parsed,
        Err(message) => return unprocessable(&message),
    };
    let mut state = shared.lock();
    if state.sessions.contains_key(name) {
        return unprocessable(&format!(
            "Session '{name}' already exists. Use PUT to update it."
        ));
    }
    let epoch = state.epoch;
    let mut session = Session::new(shared, name.to_owned(), config, metadata, targets);
    if start {
        session.start(shared, epoch);
    }
    let response = json(StatusCode::CREATED, &session.to_json());
    state.sessions.insert(name.to_owned(), session);
    response
}

/// Replaces the session's config. Unlike WAHA, a running session is not restarted:
/// the sandbox reads the config at each use, so there is nothing to reload.
fn update(shared: &Arc<Shared>, name: &str, body: Option<Value>) -> Response<Body> {
    let body = body.unwrap_or_else(|| json!({}));
    if !body.is_object() {
        return unprocessable("The request body must be a JSON object");
    }
    if let Some(other) = body
        .get("name")
        .and_then(Value::as_str)
        .filter(|other| *other != name)
    {
        return unprocessable(&format!(
            "Session name in the body ('{other}') does not match the URL ('{name}')"
        ));
    }
    let (config, metadata, targets) = match parse_config(&body) {
        Ok(parsed) => parsed,
        Err(message) => return unprocessable(&message),
    };
    with_session(shared, name, |session, _| {
        session.config = config;
        session.metadata = metadata;
        session.webhooks = targets;
        json(StatusCode::OK, &session.to_json())
    })
}

/// Stops (emitting STOPPED if it was running) and forgets the session. Its queued
/// webhooks still go out: the worker drains its queue before it ends.
fn delete(shared: &Arc<Shared>, name: &str) -> Response<Body> {
    let mut state = shared.lock();
    let epoch = state.epoch;
    let Some(mut session) = state.sessions.remove(name) else {
        return session_not_found();
    };
    session.move_to(Status::Stopped, epoch);
    json(StatusCode::OK, &json!({}))
}

/// start | stop | logout | restart. NestJS answers a POST with 201 unless told
/// otherwise, and WAHA does not tell it otherwise.
fn session_action(shared: &Arc<Shared>, name: &str, action: &str) -> Response<Body> {
    let mut state: std::sync::MutexGuard<'_, State> = shared.lock();
    let epoch = state.epoch;
    let Some(session) = state.sessions.get_mut(name) else {
        return session_not_found();
    };
    match action {
        "start" => {
            if session.status.is_running() {
                return unprocessable(&format!("Session '{name}' is already started."));
            }
            session.start(shared, epoch);
        }
        "stop" => session.move_to(Status::Stopped, epoch),
        "logout" => {
            session.me = None;
            session.move_to(Status::Stopped, epoch);
        }
        // Straight back to STARTING, without a STOPPED in between: a client must not
        // mistake a restart for the session ending.
        "restart" => session.start(shared, epoch),
        _ => {
            return waha_error(
                StatusCode::NOT_FOUND,
                &format!("Cannot POST /api/sessions/{name}/{action}"),
            );
        }
    }
    json(StatusCode::CREATED, &session.to_json())
}

fn qr(shared: &Arc<Shared>, name: &str, query: Option<&str>) -> Response<Body> {
    let format = query_param(query, "format").unwrap_or("image");
    with_session(shared, name, |session, _| {
        if session.status != Status::ScanQrCode {
            return unprocessable(&format!(
                "Can not get QR code: session status is {}, expected SCAN_QR_CODE",
                session.status.as_str()
            ));
        }
        if format != "raw" {
            return waha_error(
                StatusCode::BAD_REQUEST,
                "The sandbox serves the QR code as format=raw only",
            );
        }
        json(StatusCode::OK, &json!({"value": session.qr}))
    })
}

/// `POST /api/{session}/auth/request-code` `{"phoneNumber": "<digits>"}`: while the
/// session shows QR codes, a code the phone with that number can type instead of
/// scanning; a new request replaces the code before it.
fn request_code(shared: &Arc<Shared>, name: &str, body: Value) -> Response<Body> {
    let Some(phone) = body.get("phoneNumber").and_then(Value::as_str) else {
        return unprocessable("phoneNumber must be a string");
    };
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != phone.trim_start_matches('+').len() || !(6..=15).contains(&digits.len()) {
        return unprocessable(
            "phoneNumber must be the number's digits with the country code, like 12132132130",
        );
    }
    let mut state = shared.lock();
    let Some(session) = state.sessions.get_mut(name) else {
        return session_not_found();
    };
    if session.status != Status::ScanQrCode {
        return unprocessable(&format!(
            "Can not request code: session status is {}, expected SCAN_QR_CODE",
            session.status.as_str()
        ));
    }
    let code = random::pairing_code();
    session.pairing = Some(Pairing {
        code: code.clone(),
        digits,
        issued: Instant::now(),
    });
    json(StatusCode::OK, &json!({ "code": code }))
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn session_names_follow_waha() {
        assert!(valid_name("vendor_42-a"));
        assert!(valid_name(&"a".repeat(54)));
        assert!(!valid_name(&"a".repeat(55)));
        assert!(!valid_name(""));
        assert!(!valid_name("has space"));
        assert!(!valid_name("dot.name"));
    }
}
