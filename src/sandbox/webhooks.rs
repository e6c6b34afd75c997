//! Webhook delivery as WAHA does it: a JSON envelope per event, signed with
//! HMAC-SHA512 when the session's webhook has an `hmac.key`, POSTed to each subscribed
//! URL, retried with exponential backoff on a non-2xx answer or a transport error.
//!
//! Each session has one delivery worker fed by a queue, so emitting never blocks an
//! API response and, unless reordering is asked for, a session's events arrive in the
//! order they happened. Duplication and reordering are opt-in (`webhook_duplicate`,
//! `webhook_reorder`) to exercise a receiver's idempotence.
//!
//! The Cloud API's message and status webhooks go through the same workers, signed
//! the Cloud API's way and logged in its own delivery log (see [`Signing`], [`Ledger`]).

use std::sync::{Arc, Weak};
use std::time::Duration;

use hyper::body::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use super::random;
use super::state::{ENGINE, Session, Shared};
use crate::signature::{hmac_sha256_hex, hmac_sha512_hex};

/// One configured webhook of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookTarget {
    pub url: String,
    pub events: Vec<String>,
    pub hmac_key: Option<String>,
}

impl WebhookTarget {
    fn wants(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == event || e == "*")
    }
}

/// Reads `config.webhooks` from a create/update body. Each URL must point at this
/// machine: the sandbox never sends traffic anywhere else.
pub(crate) fn parse_targets(config: &Value) -> Result<Vec<WebhookTarget>, String> {
    let Some(list) = config.get("webhooks").filter(|w| !w.is_null()) else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("config.webhooks must be an array")?;
    list.iter()
        .enumerate()
        .map(|(i, hook)| {
            let url = hook
                .get("url")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("config.webhooks[{i}].url must be a string"))?;
            check_loopback_url(url)?;
            let events = hook
                .get("events")
                .and_then(Value::as_array)
                .and_then(|events| {
                    events
                        .iter()
                        .map(|e| e.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    format!("config.webhooks[{i}].events must be an array of strings")
                })?;
            let hmac_key = match hook.get("hmac").filter(|h| !h.is_null()) {
                None => None,
                Some(hmac) => match hmac.get("key") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(key)) if key.is_empty() => None,
                    Some(Value::String(key)) => Some(key.clone()),
                    Some(_) => {
                        return Err(format!("config.webhooks[{i}].hmac.key must be a string"));
                    }
                },
            };
            Ok(WebhookTarget {
                url: url.to_owned(),
                events,
                hmac_key,
            })
        })
        .collect()
}

/// Accepts http(s) URLs whose host is `localhost` or a loopback IP.
pub(crate) fn check_loopback_url(url: &str) -> Result<(), String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("webhook URL {url:?} is not a URL: {e}"))?;
    let host = parsed.host_str().unwrap_or_default();
    // IPv6 hosts come bracketed; the URL parser has already normalized IPv4 forms.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = matches!(parsed.scheme(), "http" | "https")
        && (host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()));
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "Webhook URL {url:?} is not a loopback http(s) URL: the sandbox only delivers webhooks to this machine"
        ))
    }
}

/// Where a source of webhooks keeps its delivery log, and the reset generation its
/// events are checked against: the gateway's state, or the Cloud API's messaging.
pub(crate) trait Ledger: Send + Sync {
    /// The current reset generation.
    fn epoch(&self) -> u64;
    /// Records one delivery attempt, unless a reset has happened since `epoch`.
    fn record(&self, epoch: u64, entry: Value);
}

impl Ledger for Shared {
    fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    fn record(&self, epoch: u64, entry: Value) {
        let mut state = self.lock();
        if state.epoch == epoch {
            state.record_delivery(entry);
        }
    }
}

/// How requests to a destination are signed.
pub(crate) enum Signing {
    /// WAHA's: `X-Webhook-Request-Id` and `X-Webhook-Timestamp` on every attempt, and
    /// with a key, `X-Webhook-Hmac` (hex HMAC-SHA512 of the body) and its algorithm.
    Waha { hmac_key: Option<String> },
    /// The Cloud API's: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
    /// keyed with the app secret, from Meta's user agent.
    Cloud { app_secret: String },
}

/// One URL an event goes to.
pub(crate) struct Destination {
    pub url: String,
    pub signing: Signing,
}

/// One event on its way out. The body is serialized once, so every attempt, retry and
/// duplicate carries the exact same bytes (and the same signature).
pub(crate) struct Event {
    id: String,
    epoch: u64,
    /// What the log entries say about the event besides its id (in this order).
    label: Vec<(&'static str, Value)>,
    body: Bytes,
    destinations: Vec<Destination>,
    /// Decided when the event was made; `None`: as `webhook_duplicate` says when it
    /// goes out.
    duplicate: Option<bool>,
    /// Decided when the event was made; `None`: as `webhook_reorder` says when it is
    /// taken from the queue.
    reorder: Option<bool>,
}

impl Event {
    pub(crate) fn new(
        id: String,
        epoch: u64,
        label: Vec<(&'static str, Value)>,
        body: Bytes,
        destinations: Vec<Destination>,
    ) -> Self {
        Self {
            id,
            epoch,
            label,
            body,
            destinations,
            duplicate: None,
            reorder: None,
        }
    }

    /// Duplication and reordering decided now rather than by the configuration.
    pub(crate) fn fixed(self, duplicate: bool, reorder: bool) -> Self {
        Self {
            duplicate: Some(duplicate),
            reorder: Some(reorder),
            ..self
        }
    }
}

/// Queues `session.status` for the session's current status and `me`.
pub(crate) fn emit_status(session: &Session, epoch: u64) {
    emit(
        session,
        epoch,
        "session.status",
        json!({"status": session.status.as_str()}),
    );
}

/// Queues `message.any` for a message the linked phone sent (`fromMe`), as WAHA does
/// for every message in or out of the session.
pub(crate) fn emit_message_any(session: &Session, epoch: u64, payload: Value) {
    emit(session, epoch, "message.any", payload);
}

/// Queues one event of the session to the webhooks that asked for it.
fn emit(session: &Session, epoch: u64, event: &'static str, payload: Value) {
    let destinations: Vec<Destination> = session
        .webhooks
        .iter()
        .filter(|t| t.wants(event))
        .map(|t| Destination {
            url: t.url.clone(),
            signing: Signing::Waha {
                hmac_key: t.hmac_key.clone(),
            },
        })
        .collect();
    if destinations.is_empty() {
        return;
    }
    let id = format!("evt_{}", random::ulid());
    let envelope = json!({
        "id": id,
        "timestamp": random::now_ms(),
        "event": event,
        "session": session.name,
        "metadata": session.metadata,
        "me": session.me,
        "payload": payload,
        "engine": ENGINE,
        "environment": {
            "version": crate::VERSION,
            "engine": ENGINE,
            "tier": "CORE",
            "browser": null,
        },
    });
    let label = vec![("event", json!(event)), ("session", json!(session.name))];
    // A closed queue means the session is being dropped; its events go with it.
    let _ = session.queue.send(Event::new(
        id,
        epoch,
        label,
        Bytes::from(envelope.to_string()),
        destinations,
    ));
}

/// Starts a delivery worker and returns its queue: events go out one at a time, in
/// order unless reordering is asked for. The worker holds the shared state and the
/// ledger weakly and ends when its queue's sender is dropped.
pub(crate) fn spawn_worker(
    shared: &Arc<Shared>,
    ledger: Weak<dyn Ledger>,
) -> UnboundedSender<Event> {
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(worker(Arc::downgrade(shared), ledger, receiver));
    sender
}

/// A reordered event waits for its successor (at most `webhook_reorder_hold_ms`) and
/// goes out right after it.
async fn worker(
    shared: Weak<Shared>,
    ledger: Weak<dyn Ledger>,
    mut queue: UnboundedReceiver<Event>,
) {
    let mut held: Option<Event> = None;
    loop {
        let next = match &held {
            None => queue.recv().await,
            Some(_) => {
                let Some(hold_ms) = shared
                    .upgrade()
                    .map(|s| s.lock().config.webhook_reorder_hold_ms)
                else {
                    return;
                };
                // Out of successors in time: the held event goes out alone rather than never.
                tokio::time::timeout(Duration::from_millis(hold_ms), queue.recv())
                    .await
                    .unwrap_or(None)
            }
        };
        let Some(event) = next else {
            if let Some(event) = held.take() {
                deliver(&shared, &ledger, &event).await;
            }
            if queue.is_closed() && queue.is_empty() {
                return;
            }
            continue;
        };
        let reorder = event.reorder.unwrap_or_else(|| {
            shared
                .upgrade()
                .is_some_and(|s| s.lock().config.webhook_reorder)
        });
        if held.is_none() && reorder {
            held = Some(event);
            continue;
        }
        deliver(&shared, &ledger, &event).await;
        if let Some(event) = held.take() {
            deliver(&shared, &ledger, &event).await;
        }
    }
}

async fn deliver(shared: &Weak<Shared>, ledger: &Weak<dyn Ledger>, event: &Event) {
    let duplicate = match event.duplicate {
        Some(duplicate) => duplicate,
        None => match shared.upgrade() {
            Some(shared) => shared.lock().config.webhook_duplicate,
            None => return,
        },
    };
    for _ in 0..if duplicate { 2 } else { 1 } {
        for destination in &event.destinations {
            deliver_to(shared, ledger, event, destination).await;
        }
    }
}

/// At-least-once delivery to one URL: up to `1 + webhook_retries` attempts, the delay
/// doubling from `webhook_retry_ms`.
async fn deliver_to(
    shared: &Weak<Shared>,
    ledger: &Weak<dyn Ledger>,
    event: &Event,
    destination: &Destination,
) {
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let (Some(shared_now), Some(ledger_now)) = (shared.upgrade(), ledger.upgrade()) else {
            return;
        };
        let config = shared_now.lock().config.clone();
        if ledger_now.epoch() != event.epoch {
            return; // reset since: the event belongs to a world that no longer exists
        }
        if config.webhook_latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(config.webhook_latency_ms)).await;
        }
        let mut entry = serde_json::Map::new();
        entry.insert("id".into(), json!(event.id));
        let mut request = shared_now
            .http
            .post(&destination.url)
            .header("Content-Type", "application/json");
        let sent_at = match &destination.signing {
            Signing::Waha { hmac_key } => {
                let request_id = random::ulid();
                let sent_at = random::now_ms();
                request = request
                    .header("X-Webhook-Request-Id", &request_id)
                    .header("X-Webhook-Timestamp", sent_at.to_string());
                if let Some(key) = hmac_key {
                    request = request
                        .header(
                            "X-Webhook-Hmac",
                            hmac_sha512_hex(key.as_bytes(), &event.body),
                        )
                        .header("X-Webhook-Hmac-Algorithm", "sha512");
                }
                entry.insert("request_id".into(), json!(request_id));
                sent_at
            }
            Signing::Cloud { app_secret } => {
                let signature = hmac_sha256_hex(app_secret.as_bytes(), &event.body);
                request = request
                    .header("User-Agent", "facebookexternalua")
                    .header("X-Hub-Signature-256", format!("sha256={signature}"));
                random::now_ms()
            }
        };
        let outcome = request.body(event.body.clone()).send().await;
        let (response_status, error) = match &outcome {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let ok = response_status.is_some_and(|s| (200..300).contains(&s));
        for (key, value) in &event.label {
            entry.insert((*key).into(), value.clone());
        }
        let body: Value = serde_json::from_slice(&event.body).unwrap_or(Value::Null);
        entry.extend([
            ("url".into(), json!(destination.url)),
            ("attempt".into(), json!(attempt)),
            ("ok".into(), json!(ok)),
            ("response_status".into(), json!(response_status)),
            ("error".into(), json!(error)),
            ("sent_at".into(), json!(sent_at)),
            ("body".into(), body),
        ]);
        ledger_now.record(event.epoch, Value::Object(entry));
        if ok || attempt > config.webhook_retries {
            return;
        }
        drop((shared_now, ledger_now));
        let backoff = config
            .webhook_retry_ms
            .saturating_mul(1u64 << (attempt - 1).min(16));
        tokio::time::sleep(Duration::from_millis(backoff)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_are_accepted() {
        for ok in [
            "http://127.0.0.1:8080/hook",
            "http://localhost/wp-json/wpwa/v1/gateway",
            "https://[::1]:8443/x",
            "http://127.8.9.10/",
        ] {
            assert!(check_loopback_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/hook",
            "http://10.0.0.1/hook",
            "http://192.168.1.2/",
            "ftp://127.0.0.1/",
            "http://localhost.example.com/",
            "not a url",
        ] {
            assert!(check_loopback_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_parse_with_optional_hmac() {
        let config = json!({"webhooks": [
            {"url": "http://127.0.0.1:1/a", "events": ["session.status"], "hmac": {"key": "k"}},
            {"url": "http://127.0.0.1:1/b", "events": ["message"], "hmac": null},
        ]});
        let targets = parse_targets(&config).unwrap();
        assert_eq!(targets[0].hmac_key.as_deref(), Some("k"));
        assert!(targets[0].wants("session.status"));
        assert!(targets[1].hmac_key.is_none());
        assert!(!targets[1].wants("session.status"));
        assert!(parse_targets(&json!({"webhooks": [{"url": "http://127.0.0.1/"}]})).is_err());
        assert!(parse_targets(&json!({})).unwrap().is_empty());
    }
}
