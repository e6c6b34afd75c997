//! The WhatsApp Business Cloud API side (Graph): the catalog's `items_batch` and
//! `check_batch_request_status`, with Bearer auth, latency, failure injection and the
//! per-catalog batch rate limit.
//!
//! Every path is `/{version}/…` with `version` like `v21.0`; any numeric id is a
//! catalog, created on first use. Errors are Graph-shaped
//! (`{"error":{"message","type","code",…,"fbtrace_id"}}`) and clients key on `code`.
//!
//! Where the real API leaves room, the sandbox chooses (clients may rely on these):
//! - The rate limit is a fixed window per catalog: the first admitted `items_batch`
//!   call opens a window of `catalog_window_ms`, which admits `catalog_batch_limit`
//!   calls; the call after that is refused until the window closes, and the next
//!   admitted call opens a new one. Calls refused with 80014 do not count; calls with
//!   a valid token that are then refused for bad parameters (code 100) do, as on
//!   Graph; calls refused for auth or by failure injection do not reach the limit.
//!   `catalog_batch_limit: 0` turns it off. Physical floor: the `n`th batch to one
//!   catalog is admitted at least `(ceil(n / limit) - 1) × catalog_window_ms` after
//!   the first (defaults: 20 per 1000 ms, so 100 batches take at least 4 s).
//! - A refusal (code 80014, HTTP 400) says when to come back three ways, all derived
//!   from the time left in the window: `Retry-After` (whole seconds, rounded up),
//!   `X-Business-Use-Case-Usage`'s `estimated_time_to_regain_access` (whole minutes,
//!   rounded up, as Graph does) and, a sandbox extension for millisecond windows,
//!   `error.error_data.retry_after_ms`.
//! - `X-Business-Use-Case-Usage` also goes out on every admitted `items_batch` call,
//!   with `call_count` the percent of the window used.
//! - Requests whose shape is wrong (not an object, unknown method, no `data` object,
//!   no string `id`) are reported at once in `validation_status` and again, with their
//!   line, in the batch's status. Unknown item fields are ignored with a warning, in
//!   both places too. Everything else is checked when the batch is processed.
//! - Each problem with an item is its own entry in `errors` (so one request can have
//!   several); `ids_of_invalid_requests` lists each retailer id once.
//! - CREATE replaces the whole item (with `allow_upsert`, the default, also an
//!   existing one); UPDATE merges the given fields, and creates the item, which must
//!   then be complete, when it is missing and `allow_upsert` is on. An empty string or
//!   null clears `sale_price` or `item_group_id`.
//! - Several tokens may be valid at once: `cloud_token` is a comma-separated list.
//!   `?access_token=` works as well as the `Authorization` header, as on Graph.

mod accounts;
mod catalog;
mod customers;
mod history;
mod item;
mod messages;
mod templates;
mod validate;

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Map, Value, json};

pub(crate) use accounts::control_update as update_account;
pub(crate) use catalog::Catalogs;
use catalog::{Limit, Submission, Usage};
pub(crate) use customers::control_update as update_user_id;
pub(crate) use history::control_history as share_history;
pub(crate) use messages::Messages;
pub(crate) use templates::control_update as update_template;

use super::config::CloudFailMode;
use super::http::{Body, graph_error as error, json, query_param};
use super::random;
use super::state::Shared;

/// Most requests in one `items_batch` call.
const MAX_REQUESTS: usize = 5_000;
/// Request bodies above this are refused (5,000 items with long descriptions fit).
const MAX_BODY: usize = 64 << 20;
/// Graph's subcode for an expired session.
const SUBCODE_EXPIRED: u32 = 463;
/// The subcode sent with 80014.
const SUBCODE_CATALOG_BATCH: u32 = 2_446_079;

/// The settings this side reads, copied out of the shared configuration.
struct Settings {
    tokens: Vec<String>,
    latency: Duration,
    fail_mode: CloudFailMode,
    processing: Duration,
    limit: Limit,
}

/// Handles every request that is not `/health`, `/api/*` or `/sandbox/*`.
pub(crate) async fn handle(
    shared: &Arc<Shared>,
    catalogs: &Catalogs,
    messages: &Arc<Messages>,
    request: Request<Incoming>,
) -> Response<Body> {
    let settings = {
        let state = shared.lock();
        let config = &state.config;
        Settings {
            tokens: config
                .cloud_token
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            latency: Duration::from_millis(config.cloud_latency_ms),
            fail_mode: config.cloud_fail_mode,
            processing: Duration::from_millis(config.batch_processing_ms),
            limit: Limit {
                calls: config.catalog_batch_limit,
                window: Duration::from_millis(config.catalog_window_ms),
            },
        }
    };
    if !settings.latency.is_zero() {
        tokio::time::sleep(settings.latency).await;
    }

    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (catalog_id, endpoint) = match segments.as_slice() {
        [version, id, endpoint] if is_version(version) && is_numeric_id(id) => {
            (id.to_string(), *endpoint)
        }
        // A node read (`GET /{version}/{id}?fields=…`): a phone number, an account or
        // a catalog, as a connection test asks for them.
        [version, id] if is_version(version) && is_numeric_id(id) && method == Method::GET => {
            (id.to_string(), "")
        }
        _ => return unknown_path(),
    };
    // `Some(true)`: items_batch; `Some(false)`: batch status; `None`: a send, where the
    // id is a phone number id, or a node read.
    let batch = match (&method, endpoint) {
        (&Method::POST, "items_batch") => Some(true),
        (&Method::GET, "check_batch_request_status") => Some(false),
        (&Method::POST, "messages" | "marketing_messages")
        | (&Method::GET, "message_templates" | "") => None,
        _ => return unknown_path(),
    };

    match settings.fail_mode {
        CloudFailMode::ServerError => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({
                    "message": "An unexpected error has occurred. Please retry your request later.",
                    "type": "OAuthException",
                    "code": 2,
                    "is_transient": true,
                }),
            );
        }
        CloudFailMode::TokenExpired => {
            return error(
                StatusCode::UNAUTHORIZED,
                json!({
                    "message": "Error validating access token: Session has expired",
                    "type": "OAuthException",
                    "code": 190,
                    "error_subcode": SUBCODE_EXPIRED,
                }),
            );
        }
        _ => {}
    }
    if !authorized(&request, query.as_deref(), &settings.tokens) {
        return error(
            StatusCode::UNAUTHORIZED,
            json!({
                "message": "Invalid OAuth access token - Cannot parse access token",
                "type": "OAuthException",
                "code": 190,
            }),
        );
    }
    if settings.fail_mode == CloudFailMode::AppRateLimited {
        let mut response = error(
            StatusCode::BAD_REQUEST,
            json!({
                "message": "(#4) Application request limit reached",
                "type": "OAuthException",
                "code": 4,
                "is_transient": true,
            }),
        );
        set_header(
            &mut response,
            "x-app-usage",
            &json!({"call_count": 100, "total_cputime": 0, "total_time": 0}).to_string(),
        );
        return response;
    }

    let Some(batch) = batch else {
        return match endpoint {
            "" => node(catalogs, &catalog_id, query.as_deref()),
            // The id is a WhatsApp Business account's.
            "message_templates" => {
                let base = format!(
                    "http://{}{path}",
                    request
                        .headers()
                        .get(hyper::header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("127.0.0.1")
                );
                match templates::list(&messages.templates.lock(), &base, query.as_deref()) {
                    Ok(answer) => json(StatusCode::OK, &answer),
                    Err(message) => invalid_parameter(&message),
                }
            }
            _ => {
                let marketing = endpoint == "marketing_messages";
                messages::send(shared, messages, &catalog_id, request, marketing).await
            }
        };
    };
    if batch {
        items_batch(catalogs, &catalog_id, &settings, request).await
    } else {
        let handle = query_param(query.as_deref(), "handle").unwrap_or_default();
        let load_ids = query_param(query.as_deref(), "load_ids_of_invalid_requests")
            .is_some_and(|v| matches!(v, "true" | "1"));
        check_status(catalogs, &catalog_id, handle, load_ids)
    }
}

async fn items_batch(
    catalogs: &Catalogs,
    catalog_id: &str,
    settings: &Settings,
    request: Request<Incoming>,
) -> Response<Body> {
    let usage = if settings.fail_mode == CloudFailMode::RateLimited {
        catalogs.count_rate_limited(catalog_id);
        Err(Usage {
            call_count: 100,
            regain: settings.limit.window,
        })
    } else {
        catalogs.admit(catalog_id, settings.limit)
    };
    let usage = match usage {
        Ok(usage) => usage,
        Err(usage) => return rate_limited(catalog_id, usage),
    };
    let body = match read_body(request).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let submission = match parse_batch(&body, settings.processing) {
        Ok(submission) => submission,
        Err(message) => return invalid_parameter(&message),
    };
    let accepted = catalogs.submit(catalog_id, new_handle(), submission, usage);
    let mut response = json(
        StatusCode::OK,
        &json!({
            "handles": [accepted.handle],
            "validation_status": accepted.validation_status,
        }),
    );
    set_usage_header(&mut response, catalog_id, accepted.usage);
    response
}

/// Checks the batch's top level and the shape of each request.
fn parse_batch(body: &Map<String, Value>, processing: Duration) -> Result<Submission, String> {
    match body.get("item_type") {
        Some(Value::String(t)) if t == "PRODUCT_ITEM" => {}
        None | Some(Value::Null) => {
            return Err("(#100) The parameter item_type is required".into());
        }
        Some(other) => {
            return Err(format!(
                "(#100) Param item_type must be one of {{PRODUCT_ITEM}} - got {other}"
            ));
        }
    }
    let allow_upsert = match body.get("allow_upsert") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        // Graph takes form-style booleans too.
        Some(Value::String(s)) if s == "true" || s == "1" => true,
        Some(Value::String(s)) if s == "false" || s == "0" => false,
        Some(_) => return Err("(#100) Param allow_upsert must be a boolean".into()),
    };
    // Form-style clients send `requests` as a JSON string.
    let parsed_string;
    let requests = match body.get("requests") {
        None | Some(Value::Null) => {
            return Err("(#100) The parameter requests is required".into());
        }
        Some(Value::String(text)) => {
            parsed_string = serde_json::from_str::<Value>(text)
                .map_err(|_| "(#100) Param requests must be a JSON array".to_owned())?;
            &parsed_string
        }
        Some(value) => value,
    };
    let Some(requests) = requests.as_array() else {
        return Err("(#100) Param requests must be an array".into());
    };
    if requests.is_empty() {
        return Err("(#100) Param requests must not be empty".into());
    }
    if requests.len() > MAX_REQUESTS {
        return Err(format!(
            "(#100) Param requests must have at most {MAX_REQUESTS} elements, got {}",
            requests.len()
        ));
    }
    Ok(Submission {
        allow_upsert,
        requests: requests.iter().map(item::parse).collect(),
        processing,
    })
}

fn check_status(
    catalogs: &Catalogs,
    catalog_id: &str,
    handle: &str,
    load_ids: bool,
) -> Response<Body> {
    if handle.is_empty() {
        return invalid_parameter("(#100) The parameter handle is required");
    }
    match catalogs.status(catalog_id, handle, load_ids) {
        Some(status) => json(StatusCode::OK, &json!({"data": [status]})),
        None => invalid_parameter(&format!(
            "(#100) Param handle is not a batch request handle of catalog {catalog_id}"
        )),
    }
}

/// Any numeric id reads as a node that is at once a phone number, a WhatsApp
/// Business account and a catalog (its current size), limited to the requested
/// `fields` as on Graph; `id` always comes back.
fn node(catalogs: &Catalogs, id: &str, query: Option<&str>) -> Response<Body> {
    let product_count = catalogs
        .items(id)
        .get("items")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let suffix = &id[id.len().saturating_sub(4)..];
    let all = json!({
        "id": id,
        "name": format!("wpwa sandbox {id}"),
        "display_phone_number": format!("+1 555-01{suffix:0>4}"),
        "verified_name": "wpwa sandbox",
        "quality_rating": "GREEN",
        "product_count": product_count,
    });
    let fields = query_param(query, "fields").unwrap_or_default();
    if fields.is_empty() {
        return json(StatusCode::OK, &all);
    }
    let mut answer = Map::new();
    answer.insert("id".into(), Value::String(id.to_owned()));
    for field in fields.split(',').map(str::trim) {
        if let Some(value) = all.get(field) {
            answer.insert(field.to_owned(), value.clone());
        } else if field != "id" {
            return invalid_parameter(&format!(
                "(#100) Tried accessing nonexisting field ({field}) on node type (WhatsAppBusinessPhoneNumber)"
            ));
        }
    }
    json(StatusCode::OK, &Value::Object(answer))
}

/// `v21.0` and the like.
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(major, minor)| {
            [major, minor]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
}

fn is_numeric_id(segment: &str) -> bool {
    (1..=32).contains(&segment.len()) && segment.bytes().all(|b| b.is_ascii_digit())
}

fn authorized(request: &Request<Incoming>, query: Option<&str>, tokens: &[String]) -> bool {
    let header = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .or_else(|| v.strip_prefix("OAuth "))
        })
        .map(str::trim);
    let token = header.or_else(|| query_param(query, "access_token"));
    token.is_some_and(|token| tokens.iter().any(|t| t == token))
}

async fn read_body(request: Request<Incoming>) -> Result<Map<String, Value>, Response<Body>> {
    let bytes = Limited::new(request.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|_| invalid_parameter("(#100) The request body is too large"))?
        .to_bytes();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(body)) => Ok(body),
        _ => Err(invalid_parameter(
            "(#100) The request body must be a JSON object",
        )),
    }
}

/// An opaque batch handle, shaped like Graph's.
fn new_handle() -> String {
    format!("Ac{}", random::ulid())
}

fn invalid_parameter(message: &str) -> Response<Body> {
    error(
        StatusCode::BAD_REQUEST,
        json!({"message": message, "type": "OAuthException", "code": 100}),
    )
}

fn unknown_path() -> Response<Body> {
    error(
        StatusCode::NOT_FOUND,
        json!({"message": "Unknown path components", "type": "OAuthException", "code": 100}),
    )
}

/// Code 80014 with every way of saying when to come back.
fn rate_limited(catalog_id: &str, usage: Usage) -> Response<Body> {
    let retry_after_ms = usage.regain.as_millis().max(1) as u64;
    let mut response = error(
        StatusCode::BAD_REQUEST,
        json!({
            "message": "(#80014) There have been too many calls for this Catalog. Wait a bit and try again.",
            "type": "OAuthException",
            "code": 80014,
            "error_subcode": SUBCODE_CATALOG_BATCH,
            "is_transient": true,
            "error_data": {"retry_after_ms": retry_after_ms},
        }),
    );
    set_usage_header(&mut response, catalog_id, usage);
    set_header(
        &mut response,
        "retry-after",
        &retry_after_ms.div_ceil(1_000).to_string(),
    );
    response
}

/// Graph's `X-Business-Use-Case-Usage`, keyed by the catalog.
fn set_usage_header(response: &mut Response<Body>, catalog_id: &str, usage: Usage) {
    let minutes = if usage.regain.is_zero() {
        0
    } else {
        (usage.regain.as_millis() as u64).div_ceil(60_000)
    };
    let header = json!({
        catalog_id: [{
            "type": "catalog_batch",
            "call_count": usage.call_count,
            "total_cputime": 0,
            "total_time": 0,
            "estimated_time_to_regain_access": minutes,
        }]
    });
    set_header(response, "x-business-use-case-usage", &header.to_string());
}

fn set_header(response: &mut Response<Body>, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_ids() {
        assert!(is_version("v21.0"));
        assert!(is_version("v3.10"));
        assert!(!is_version("v21"));
        assert!(!is_version("21.0"));
        assert!(!is_version("v21.x"));
        assert!(!is_version("v.1"));
        assert!(is_numeric_id("1234567890"));
        assert!(!is_numeric_id("12a"));
        assert!(!is_numeric_id(""));
    }

    #[test]
    fn batches_need_their_parameters() {
        let ok = json!({"item_type": "PRODUCT_ITEM", "requests": [{"method": "DELETE", "data": {"id": "a"}}]});
        let submission = parse_batch(ok.as_object().unwrap(), Duration::ZERO).unwrap();
        assert!(submission.allow_upsert);
        let as_string = json!({"item_type": "PRODUCT_ITEM", "allow_upsert": "false",
            "requests": "[{\"method\":\"DELETE\",\"data\":{\"id\":\"a\"}}]"});
        let submission = parse_batch(as_string.as_object().unwrap(), Duration::ZERO).unwrap();
        assert!(!submission.allow_upsert);
        assert_eq!(submission.requests.len(), 1);
        for bad in [
            json!({"item_type": "PRODUCT_ITEM"}),
            json!({"item_type": "HOTEL", "requests": [{}]}),
            json!({"requests": [{}]}),
            json!({"item_type": "PRODUCT_ITEM", "requests": []}),
            json!({"item_type": "PRODUCT_ITEM", "requests": {"method": "CREATE"}}),
            json!({"item_type": "PRODUCT_ITEM", "requests": vec![json!({}); 5_001]}),
        ] {
            assert!(
                parse_batch(bad.as_object().unwrap(), Duration::ZERO).is_err(),
                "{bad}"
            );
        }
    }
}
