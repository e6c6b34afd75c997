//! The early ingest path of Cloud API webhooks: queueing a verified delivery without
//! WordPress, and WordPress draining the queue.

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::to_array;
use super::{routing_config, with_store};
use crate::{clock, early_ingest};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(webhook_accept))
        .function(wrap_function!(webhook_queue_drain))
        .function(wrap_function!(webhook_queue_stats))
}

/// Verifies a Cloud API webhook (`$signature`: the `X-Hub-Signature-256` header) with
/// the app secret and queues it for WordPress: true when queued, false when the same
/// delivery was already waiting. `Wpwa\ValidationException` with code 413 for an
/// oversized body, `Wpwa\AuthException` for a missing or forged signature (nothing
/// read), `Wpwa\ValidationException` for a body that is not a Cloud API notification,
/// `Wpwa\StorageException` when the store fails.
#[php_function]
#[php(name = "Wpwa\\webhook_accept")]
pub fn webhook_accept(
    body: BinarySlice<u8>,
    signature: Option<String>,
    app_secret: String,
) -> PhpResult<bool> {
    let body: &[u8] = &body;
    with_store(|store| {
        let accepted = early_ingest::accept(
            store,
            body,
            signature.as_deref(),
            app_secret.as_bytes(),
            clock::now(),
        )?;
        Ok(accepted.queued)
    })
}

/// Processes up to `$limit` queued webhooks (at most one batch) with the routing options
/// of `Wpwa\cloud_webhook()`: `reports` (one per delivery, as `cloud_webhook()` returns
/// it), `retried`, `dead`, `interrupted` (why the store stopped the call halfway, or
/// null), and `queue` (as `Wpwa\webhook_queue_stats()`).
#[php_function]
#[php(name = "Wpwa\\webhook_queue_drain")]
pub fn webhook_queue_drain(
    routing: Option<&ZendHashTable>,
    limit: Option<i64>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let config = routing_config(routing)?;
    let limit = usize::try_from(limit.unwrap_or(early_ingest::DRAIN_BATCH as i64))
        .unwrap_or(0)
        .clamp(1, early_ingest::DRAIN_BATCH);
    let drained =
        with_store(|store| Ok(early_ingest::drain(store, &config, limit, clock::now())?))?;
    to_array(&drained)
}

/// The webhook queue: `pending`, `oldest_received_at` (Unix seconds or null), `dead`,
/// `next_due_at` (from when a waiting delivery can be taken, Unix seconds, or null).
#[php_function]
#[php(name = "Wpwa\\webhook_queue_stats")]
pub fn webhook_queue_stats() -> PhpResult<ZBox<ZendHashTable>> {
    let stats = with_store(|store| Ok(early_ingest::stats(store)?))?;
    to_array(&stats)
}
