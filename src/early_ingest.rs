//! The early ingest path of Cloud API webhooks: a delivery is verified, checked and
//! queued in the store by a small entry point that does not load WordPress, so Meta
//! gets its 200 at the speed of one insert; WordPress drains the queue in the
//! background ([`drain`]) through the same [`conversation::ingest`] the full route
//! uses, and runs the follow-ups (notifications, automatic replies, carts) itself.
//!
//! [`accept`] refuses exactly what the full route refuses, in the same order: an
//! oversized body, then a missing or forged signature (before anything is read),
//! then a body that is not a Cloud API notification.

use crate::conversation::{self, ConversationError, IngestReport};
use crate::inbound::{self, InboundError};
use crate::routing::RoutingConfig;
use crate::signature::{self, SignatureError};
use crate::store::{QueueStats, QueuedDelivery, Store, StoreError};

/// How long a drain holds the deliveries it took (seconds): one that dies leaves them
/// to the next drain after this.
pub const LEASE_SECONDS: i64 = crate::rules::WEBHOOK_QUEUE_LEASE_SECONDS.max;

/// How long a delivery waits after the store failed while processing it (seconds).
pub const RETRY_AFTER_SECONDS: i64 = crate::rules::WEBHOOK_QUEUE_RETRY_SECONDS.max;

/// Takes of one delivery after which a store failure makes it a dead letter.
pub const MAX_ATTEMPTS: i64 = 5;

/// Deliveries one drain call takes at most.
pub const DRAIN_BATCH: usize = 100;

/// Why a delivery was refused or the queue could not be used.
#[derive(Debug, thiserror::Error)]
pub enum EarlyIngestError {
    /// The body is larger than the Cloud API's webhooks can be.
    #[error("webhook body of {bytes} bytes is larger than the {max} bytes accepted")]
    TooLarge {
        /// The body's size.
        bytes: usize,
        /// The largest accepted.
        max: usize,
    },
    /// The signature is missing or wrong: nothing was read or stored.
    #[error("webhook refused: {0}")]
    Signature(#[from] SignatureError),
    /// The signed body is not a Cloud API notification.
    #[error(transparent)]
    Malformed(#[from] InboundError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What became of an accepted delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Accepted {
    /// False when the same delivery was already waiting (a redelivery).
    pub queued: bool,
}

/// Verifies `body` against `signature` (the `X-Hub-Signature-256` header) with the app
/// secret, checks that it is a Cloud API notification, and queues it. The verified
/// signature is the delivery's key: it is unique to the body.
pub fn accept(
    store: &Store,
    body: &[u8],
    signature_header: Option<&str>,
    app_secret: &[u8],
    now: i64,
) -> Result<Accepted, EarlyIngestError> {
    if body.len() > inbound::MAX_BODY_BYTES {
        return Err(EarlyIngestError::TooLarge {
            bytes: body.len(),
            max: inbound::MAX_BODY_BYTES,
        });
    }
    signature::verify_sha256_header(app_secret, body, signature_header)?;
    inbound::parse(body)?;
    let key = signature_header
        .map(|header| header.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let queued = store.webhook_queue().push(&key, body, now)?;
    Ok(Accepted { queued })
}

/// One drain call: what was processed, for the plugin's follow-ups.
#[derive(Debug, Default, serde::Serialize)]
pub struct Drained {
    /// One report per processed delivery, as the full route returns it.
    pub reports: Vec<IngestReport>,
    /// Deliveries left for a later drain after the store failed.
    pub retried: usize,
    /// Deliveries made dead letters.
    pub dead: usize,
    /// Why the call stopped before the end of what it took (the store failed): the
    /// reports above still need their follow-ups, and the caller should stop draining.
    pub interrupted: Option<String>,
    /// The queue after this call (all zero when it could not be read after an
    /// interruption).
    pub queue: QueueStats,
}

/// Takes up to `limit` waiting deliveries and processes each as the full route would
/// ([`conversation::ingest`]), with the vendor directory the store keeps. A processed
/// delivery leaves the queue; one the store failed on is retried later, up to
/// [`MAX_ATTEMPTS`] takes; one that cannot be processed at all becomes a dead letter.
/// Processing is idempotent by wamid, so a delivery taken twice (a drain that died after
/// processing it) stores nothing twice.
///
/// When the store fails in a way no single delivery explains (the queue itself cannot
/// be written), the deliveries not reached yet are given back at once, so the next
/// drain does not wait out the lease. With reports to follow up, the call still returns
/// them, marked `interrupted`; with none, it returns the error.
pub fn drain(
    store: &Store,
    config: &RoutingConfig,
    limit: usize,
    now: i64,
) -> Result<Drained, EarlyIngestError> {
    let queue = store.webhook_queue();
    let lease_until = now + LEASE_SECONDS;
    let taken = queue.claim(limit.min(DRAIN_BATCH), now, lease_until)?;
    let mut drained = Drained::default();
    let mut unreached = taken.into_iter();
    // Nothing taken: no vendor directory to read.
    let processed = match unreached.len() {
        0 => Ok(()),
        _ => process(store, config, &mut unreached, &mut drained, now),
    };
    if let Err(error) = processed {
        for delivery in unreached {
            // Best effort: when this fails too, the lease's end gives them back.
            let _ = queue.release(delivery.id, lease_until, now);
        }
        tracing::error!(
            kind = "cloud_webhook",
            code = "webhook_queue_failed",
            "Draining the webhook queue stopped: {error}"
        );
        if drained.reports.is_empty() {
            return Err(error);
        }
        drained.interrupted = Some(error.to_string());
        drained.queue = queue.stats().unwrap_or_default();
        return Ok(drained);
    }
    drained.queue = queue.stats()?;
    Ok(drained)
}

/// Processes `deliveries` one by one into `drained`; on an error, the iterator holds
/// the deliveries not reached.
fn process(
    store: &Store,
    config: &RoutingConfig,
    deliveries: &mut impl Iterator<Item = QueuedDelivery>,
    drained: &mut Drained,
    now: i64,
) -> Result<(), EarlyIngestError> {
    let queue = store.webhook_queue();
    let vendors = store.directory()?;
    for delivery in deliveries {
        match conversation::ingest(store, &delivery.body, &vendors, config, now) {
            Ok(report) => {
                queue.finish(delivery.id)?;
                drained.reports.push(report);
            }
            Err(ConversationError::Store(e)) if delivery.attempts < MAX_ATTEMPTS => {
                tracing::warn!(
                    kind = "cloud_webhook",
                    code = "webhook_queue_retry",
                    attempts = delivery.attempts,
                    "A queued webhook could not be processed and is tried again later: {e}"
                );
                queue.retry(delivery.id, &e.to_string(), now + RETRY_AFTER_SECONDS)?;
                drained.retried += 1;
            }
            Err(e) => {
                tracing::error!(
                    kind = "cloud_webhook",
                    code = "webhook_queue_dead",
                    attempts = delivery.attempts,
                    received_at = delivery.received_at,
                    "A queued webhook could not be processed and was set aside: {e}"
                );
                queue.bury(delivery.id, &e.to_string(), now)?;
                drained.dead += 1;
            }
        }
    }
    Ok(())
}

/// The queue at a glance.
pub fn stats(store: &Store) -> Result<QueueStats, EarlyIngestError> {
    Ok(store.webhook_queue().stats()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    const SECRET: &[u8] = b"app-secret";

    fn signed(body: &str) -> String {
        format!(
            "sha256={}",
            signature::hmac_sha256_hex(SECRET, body.as_bytes())
        )
    }

    fn text_message(wamid: &str, text: &str) -> String {
        serde_json::json!({
            "object": "whatsapp_business_account",
            "entry": [{"id": "100000000000009", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550001111", "phone_number_id": "100000000000001"},
                "contacts": [{"profile": {"name": "Ana"}, "wa_id": "4915112345678"}],
                "messages": [{"from": "4915112345678", "id": wamid, "timestamp": "1700000000",
                              "type": "text", "text": {"body": text}}]
            }}]}]
        })
        .to_string()
    }

    #[test]
    fn a_forged_or_unsigned_delivery_is_refused_and_nothing_is_queued() {
        let store = Store::open_in_memory().unwrap();
        let body = text_message("wamid.A", "hello");
        let forged = format!(
            "sha256={}",
            signature::hmac_sha256_hex(b"other", body.as_bytes())
        );
        for header in [None, Some(forged.as_str()), Some("sha256=zz")] {
            let refused = accept(&store, body.as_bytes(), header, SECRET, 100).unwrap_err();
            assert!(
                matches!(refused, EarlyIngestError::Signature(_)),
                "{refused:?}"
            );
        }
        assert_eq!(stats(&store).unwrap().pending, 0);
    }

    #[test]
    fn an_oversized_body_is_refused_before_its_signature_is_checked() {
        let store = Store::open_in_memory().unwrap();
        let body = vec![b' '; inbound::MAX_BODY_BYTES + 1];
        let refused = accept(&store, &body, None, SECRET, 100).unwrap_err();
        assert!(
            matches!(refused, EarlyIngestError::TooLarge { .. }),
            "{refused:?}"
        );
    }

    #[test]
    fn a_signed_body_that_is_not_a_notification_is_refused_as_malformed() {
        let store = Store::open_in_memory().unwrap();
        for body in ["{not json", "[1,2]", "{\"object\":\"page\"}"] {
            let refused = accept(&store, body.as_bytes(), Some(&signed(body)), SECRET, 100);
            assert!(
                matches!(refused, Err(EarlyIngestError::Malformed(_))),
                "{body}: {refused:?}"
            );
        }
        assert_eq!(stats(&store).unwrap().pending, 0);
    }

    #[test]
    fn a_redelivery_waiting_in_the_queue_is_not_queued_twice() {
        let store = Store::open_in_memory().unwrap();
        let body = text_message("wamid.A", "hello");
        let header = signed(&body);
        assert!(
            accept(&store, body.as_bytes(), Some(&header), SECRET, 100)
                .unwrap()
                .queued
        );
        let upper = header.to_ascii_uppercase().replace("SHA256=", "sha256=");
        assert!(
            !accept(&store, body.as_bytes(), Some(&upper), SECRET, 101)
                .unwrap()
                .queued
        );
        assert_eq!(stats(&store).unwrap().pending, 1);
    }

    #[test]
    fn a_drain_stores_each_queued_message_once_as_the_full_route_would() {
        let store = Store::open_in_memory().unwrap();
        let config = RoutingConfig::default();
        for (wamid, text) in [("wamid.A", "hello"), ("wamid.B", "anyone there?")] {
            let body = text_message(wamid, text);
            accept(&store, body.as_bytes(), Some(&signed(&body)), SECRET, 100).unwrap();
        }
        // The same message in another delivery (Meta's retry with other bytes).
        let again = text_message("wamid.A", "hello");
        let again = again.replace("\"Ana\"", "\"Ana \"");
        accept(&store, again.as_bytes(), Some(&signed(&again)), SECRET, 101).unwrap();

        let drained = drain(&store, &config, 10, 102).unwrap();
        assert_eq!(drained.reports.len(), 3);
        let stored: usize = drained.reports.iter().map(|r| r.stored.len()).sum();
        let duplicates: u32 = drained.reports.iter().map(|r| r.duplicates).sum();
        assert_eq!((stored, duplicates), (2, 1));
        assert_eq!(testing::distinct_wamids(&store), 2);
        assert_eq!(testing::rows(&store, "message"), 2);
        assert_eq!(drained.queue, QueueStats::default());
        assert!(drain(&store, &config, 10, 103).unwrap().reports.is_empty());
    }

    #[test]
    fn a_drain_takes_at_most_its_limit_and_leaves_the_rest_waiting() {
        let store = Store::open_in_memory().unwrap();
        for n in 0..5 {
            let body = text_message(&format!("wamid.{n}"), "hello");
            accept(
                &store,
                body.as_bytes(),
                Some(&signed(&body)),
                SECRET,
                100 + n,
            )
            .unwrap();
        }
        let drained = drain(&store, &RoutingConfig::default(), 2, 200).unwrap();
        assert_eq!(drained.reports.len(), 2);
        assert_eq!(drained.queue.pending, 3);
        assert_eq!(drained.queue.oldest_received_at, Some(102));
    }

    #[test]
    fn a_drain_the_store_stops_halfway_keeps_its_reports_and_gives_back_what_it_did_not_reach() {
        let store = Store::open_in_memory().unwrap();
        let mut keys = Vec::new();
        for n in 0..3 {
            let body = text_message(&format!("wamid.{n}"), "hello");
            let signature = signed(&body);
            accept(&store, body.as_bytes(), Some(&signature), SECRET, 100).unwrap();
            keys.push(signature.to_ascii_lowercase());
        }
        testing::fail_finishing_queued(&store, &keys[1]);

        let drained = drain(&store, &RoutingConfig::default(), 10, 200).unwrap();
        assert_eq!(drained.reports.len(), 1);
        assert!(drained.interrupted.is_some());
        // The second is held by the lease (it was processed: taking it again stores
        // nothing twice); the third was given back and is due at once.
        assert_eq!(drained.queue.pending, 2);
        assert_eq!(drained.queue.next_due_at, Some(200));
        let next = drain(&store, &RoutingConfig::default(), 1, 201);
        assert_eq!(next.unwrap().reports.len(), 1);
        assert_eq!(testing::distinct_wamids(&store), 3);
    }
}
