//! Webhook delivery as WAHA does it: a JSON envelope per event, signed with
//! HMAC-SHA512 when the session's webhook has an `hmac.key`, POSTed to each subscribed
//! URL, retried with exponential backoff on a non-2xx answer or a transport error.
//!
//! Each session has one delivery worker fed by a queue, so emitting never blocks an
//! API response and, unless reordering is asked for, a session's events arrive in the
//! order they happened. Duplication and reordering are opt-in (`webhook_duplicate`,
//! `webhook_reorder`) to exercise a receiver's idempotence.

use std::sync::{Arc, Weak};
use std::time::Duration;

use hyper::body::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use super::random;
use super::state::{ENGINE, Session, Shared};
use crate::signature::hmac_sha512_hex;

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

/// One event on its way out. The body is serialized once, so every attempt, retry and
/// duplicate carries the exact same bytes (and the same signature).
pub(crate) struct Event {
    id: String,
    epoch: u64,
    event: &'static str,
    session: String,
    body: Bytes,
    targets: Vec<WebhookTarget>,
}

/// Queues `session.status` for the session's current status and `me`.
pub(crate) fn emit_status(session: &Session, epoch: u64) {
    let event = "session.status";
    let targets: Vec<WebhookTarget> = session
        .webhooks
        .iter()
        .filter(|t| t.wants(event))
        .cloned()
        .collect();
    if targets.is_empty() {
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
        "payload": {"status": session.status.as_str()},
        "engine": ENGINE,
        "environment": {
            "version": crate::VERSION,
            "engine": ENGINE,
            "tier": "CORE",
            "browser": null,
        },
    });
    // A closed queue means the session is being dropped; its events go with it.
    let _ = session.queue.send(Event {
        id,
        epoch,
        event,
        session: session.name.clone(),
        body: Bytes::from(envelope.to_string()),
        targets,
    });
}

/// Starts a session's delivery worker and returns its queue. The worker holds the
/// shared state weakly and ends when the session (its queue's sender) is dropped.
pub(crate) fn spawn_worker(shared: &Arc<Shared>) -> UnboundedSender<Event> {
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(worker(Arc::downgrade(shared), receiver));
    sender
}

async fn worker(shared: Weak<Shared>, mut queue: UnboundedReceiver<Event>) {
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
                deliver(&shared, &event).await;
            }
            if queue.is_closed() && queue.is_empty() {
                return;
            }
            continue;
        };
        let reorder = shared
            .upgrade()
            .is_some_and(|s| s.lock().config.webhook_reorder);
        if held.is_none() && reorder {
            held = Some(event);
            continue;
        }
        deliver(&shared, &event).await;
        if let Some(event) = held.take() {
            deliver(&shared, &event).await;
        }
    }
}

async fn deliver(shared: &Weak<Shared>, event: &Event) {
    let Some(duplicate) = shared.upgrade().map(|s| s.lock().config.webhook_duplicate) else {
        return;
    };
    for _ in 0..if duplicate { 2 } else { 1 } {
        for target in &event.targets {
            deliver_to(shared, event, target).await;
        }
    }
}

/// At-least-once delivery to one URL: up to `1 + webhook_retries` attempts.
async fn deliver_to(shared: &Weak<Shared>, event: &Event, target: &WebhookTarget) {
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let Some(shared_now) = shared.upgrade() else {
            return;
        };
        let (config, epoch) = {
            let state = shared_now.lock();
            (state.config.clone(), state.epoch)
        };
        if epoch != event.epoch {
            return; // reset since: the event belongs to a world that no longer exists
        }
        if config.webhook_latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(config.webhook_latency_ms)).await;
        }
        let request_id = random::ulid();
        let sent_at = random::now_ms();
        let mut request = shared_now
            .http
            .post(&target.url)
            .header("Content-Type", "application/json")
            .header("X-Webhook-Request-Id", &request_id)
            .header("X-Webhook-Timestamp", sent_at.to_string())
            .body(event.body.clone());
        if let Some(key) = &target.hmac_key {
            request = request
                .header(
                    "X-Webhook-Hmac",
                    hmac_sha512_hex(key.as_bytes(), &event.body),
                )
                .header("X-Webhook-Hmac-Algorithm", "sha512");
        }
        let outcome = request.send().await;
        let (response_status, error) = match &outcome {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let ok = response_status.is_some_and(|s| (200..300).contains(&s));
        {
            let mut state = shared_now.lock();
            if state.epoch == event.epoch {
                let body: Value = serde_json::from_slice(&event.body).unwrap_or(Value::Null);
                state.record_delivery(json!({
                    "id": event.id,
                    "request_id": request_id,
                    "event": event.event,
                    "session": event.session,
                    "url": target.url,
                    "attempt": attempt,
                    "ok": ok,
                    "response_status": response_status,
                    "error": error,
                    "sent_at": sent_at,
                    "body": body,
                }));
            }
        }
        if ok || attempt > config.webhook_retries {
            return;
        }
        drop(shared_now);
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
