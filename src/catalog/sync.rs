//! Catalog sync jobs: plan what the catalog must change for one vendor, then send it in
//! resumable slices.
//!
//! A plan compares the vendor's products with what the catalog was last sent (by
//! content hash) and queues only the differences: UPSERTs for new or changed items,
//! DELETEs for products removed, unpublished, made invalid or moved to another vendor.
//! Slices send queued batches with bounded concurrency, back off on rate limits, and
//! poll batch status until every item is synced or rejected with the API's reason.
//! Everything a slice learns is committed before the next network call, so a worker
//! killed at any point loses nothing: a batch whose handle was not recorded is sent
//! again, which upserts and deletes make harmless.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Listing, Problem, Product, Rules, content_hash, prepare, retailer_id};
use crate::clock;
use crate::cloud::{BatchRequest, CloudClient, CloudError};
use crate::store::{Store, StoreError};

/// Why a sync could not be planned or run.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The request itself is wrong.
    #[error("{0}")]
    Invalid(String),
    /// No such job for this vendor.
    #[error("no sync job {0} for this vendor")]
    NoSuchJob(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> Self {
        SyncError::Store(e.into())
    }
}

/// How a sync runs; the admin may tune these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Items per `items_batch` call (the product brief's limit is 100).
    pub batch_size: usize,
    /// Batch calls in flight at once.
    pub concurrency: usize,
    /// How often a sent batch's status is asked for.
    pub poll_interval: Duration,
    /// Failed attempts (transient errors) before the job gives up.
    pub max_attempts: u32,
    /// How long past its budget a slice's lease lasts: a worker killed mid-slice holds
    /// the job this long before the next slice may take over.
    pub lease_grace: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            batch_size: 100,
            concurrency: 4,
            poll_interval: Duration::from_secs(2),
            max_attempts: 8,
            lease_grace: Duration::from_secs(5),
        }
    }
}

impl SyncOptions {
    fn check(&self) -> Result<(), SyncError> {
        let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        crate::rules::BATCH_SIZE
            .check("batch_size", as_i64(self.batch_size))
            .and_then(|_| crate::rules::CONCURRENCY.check("concurrency", as_i64(self.concurrency)))
            .map(|_| ())
            .map_err(|problem| SyncError::Invalid(problem.to_string()))
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Work remains.
    Running,
    /// Every change was sent and answered.
    Done,
    /// Stopped for a reason an admin must fix (e.g. an invalid token).
    Failed,
}

/// A job's progress, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobSummary {
    /// Job id.
    pub job_id: i64,
    /// The vendor synced.
    pub vendor_id: u64,
    /// Where the job is.
    pub state: JobState,
    /// Changes planned.
    pub total: u64,
    /// Changes answered (synced, removed or rejected).
    pub processed: u64,
    /// Items now in the catalog as planned.
    pub synced: u64,
    /// Items removed from the catalog.
    pub deleted: u64,
    /// Items the API rejected.
    pub rejected: u64,
    /// Why the job failed, or why it is waiting.
    pub error: Option<String>,
    /// When the job may send again after a rate limit (Unix ms; 0 if not waiting).
    pub wait_until_ms: i64,
    /// When planned (Unix seconds).
    pub created_at: i64,
    /// When finished (Unix seconds).
    pub finished_at: Option<i64>,
}

/// A vendor's catalog at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogSummary {
    /// Items waiting to be sent or answered.
    pub pending: u64,
    /// Items in the catalog.
    pub synced: u64,
    /// Items the API refused.
    pub rejected: u64,
    /// Products that need the vendor's attention before they can be listed.
    pub needs_attention: u64,
    /// The products needing attention or rejected, with reasons.
    pub attention: Vec<AttentionItem>,
}

/// A product that cannot be (or was not) listed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttentionItem {
    /// WordPress post id.
    pub product_id: u64,
    /// Retailer id.
    pub retailer_id: String,
    /// `invalid` (our checks) or `rejected` (the API's).
    pub state: String,
    /// Messages for the vendor.
    pub problems: Vec<String>,
}

/// Plans a sync of `products` (the vendor's products, as read from WooCommerce) into
/// `catalog_id`. If a job is already running for the vendor it is returned instead:
/// one vendor never has two jobs sending at once.
pub fn plan(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
    products: &[Product],
    rules: &Rules,
    options: &SyncOptions,
    now: i64,
) -> Result<JobSummary, SyncError> {
    options.check()?;
    let vendor = i64::try_from(vendor_id)
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| SyncError::Invalid("the vendor id must be positive".into()))?;
    if catalog_id.is_empty()
        || catalog_id.len() > 64
        || !catalog_id.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SyncError::Invalid(
            "the catalog id must be the catalog's numeric id".into(),
        ));
    }
    if let Some(job) = running_job(store, vendor_id)? {
        return summary_of(store, job);
    }

    let tx = store.write_transaction()?;
    // What the catalog holds for this vendor: retailer id → (product id, sent hash, state).
    let mut known: HashMap<String, (u64, Option<String>, String)> = HashMap::new();
    {
        let mut stmt = tx.prepare("SELECT retailer_id, product_id, sent_hash, state FROM catalog_item WHERE catalog_id = ?1 AND vendor_id = ?2")?;
        let rows = stmt.query_map(params![catalog_id, vendor], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (rid, product, sent, state) = row?;
            known.insert(rid, (product.max(0) as u64, sent, state));
        }
    }

    let mut ops: Vec<(String, &'static str, Value, Option<String>)> = Vec::new();
    let mut listed: HashSet<String> = HashSet::new();
    let upsert_row = |rid: &str,
                      product_id: u64,
                      state: &str,
                      problems: &[String],
                      want: Option<&str>|
     -> rusqlite::Result<usize> {
        tx.prepare_cached("INSERT INTO catalog_item (catalog_id, retailer_id, vendor_id, product_id, state, problems, want_hash, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (catalog_id, retailer_id) DO UPDATE SET vendor_id = excluded.vendor_id, product_id = excluded.product_id,
                 state = excluded.state, problems = excluded.problems, want_hash = excluded.want_hash, updated_at = excluded.updated_at")?.execute(
            params![catalog_id, rid, vendor, product_id as i64, state, json!(problems).to_string(), want, now],
        )
    };

    for product in products {
        // A reader bug must never put another vendor's product in this vendor's batch.
        if product.vendor_id != vendor_id {
            tracing::warn!(
                vendor_id,
                kind = "sync",
                product_id = product.id,
                "Skipped product {}: it belongs to vendor {}",
                product.id,
                product.vendor_id
            );
            continue;
        }
        let rid = retailer_id(product);
        let listing = prepare(product, rules, now);
        if matches!(listing, Listing::NotListed(_)) {
            continue;
        }
        if !listed.insert(rid.clone()) {
            upsert_row(
                &rid,
                product.id,
                "invalid",
                &[
                    "Another of your products has the same SKU; give each product its own SKU."
                        .to_owned(),
                ],
                None,
            )?;
            continue;
        }
        let taken: Option<(i64, i64)> = tx
            .query_row("SELECT vendor_id, product_id FROM catalog_item WHERE catalog_id = ?1 AND retailer_id = ?2 AND vendor_id != ?3", params![catalog_id, rid, vendor], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match taken {
            Some((_, other_product)) if other_product as u64 != product.id => {
                listed.remove(&rid);
                tracing::warn!(
                    vendor_id,
                    kind = "sync",
                    product_id = product.id,
                    "SKU {rid} is already listed by another vendor"
                );
                continue;
            }
            // The product moved to this vendor: take the row over.
            _ => {}
        }
        match listing {
            Listing::Item(item) => {
                let hash = content_hash(&item);
                let unchanged = matches!(known.get(&rid), Some((_, Some(sent), state)) if *sent == hash && state == "synced");
                if unchanged {
                    continue;
                }
                upsert_row(&rid, product.id, "pending", &[], Some(&hash))?;
                let method = if matches!(known.get(&rid), Some((_, Some(_), _))) {
                    "UPDATE"
                } else {
                    "CREATE"
                };
                ops.push((
                    rid,
                    method,
                    serde_json::to_value(&*item).unwrap_or_default(),
                    Some(hash),
                ));
            }
            Listing::Invalid(problems) => {
                let messages: Vec<String> = problems.iter().map(Problem::message).collect();
                let in_catalog = matches!(known.get(&rid), Some((_, Some(_), _)));
                upsert_row(&rid, product.id, "invalid", &messages, None)?;
                if in_catalog {
                    ops.push((rid, "DELETE", json!({"id": retailer_id(product)}), None));
                }
            }
            Listing::NotListed(_) => {}
        }
    }
    // Whatever the catalog holds for this vendor that is no longer listed goes.
    for (rid, (_, sent, _)) in &known {
        if listed.contains(rid) {
            continue;
        }
        if sent.is_some() {
            tx.prepare_cached("UPDATE catalog_item SET state = 'deleting', want_hash = NULL, updated_at = ?3 WHERE catalog_id = ?1 AND retailer_id = ?2")?.execute( params![catalog_id, rid, now])?;
            ops.push((rid.clone(), "DELETE", json!({"id": rid}), None));
        } else {
            tx.prepare_cached(
                "DELETE FROM catalog_item WHERE catalog_id = ?1 AND retailer_id = ?2",
            )?
            .execute(params![catalog_id, rid])?;
        }
    }
    // Deterministic order: deletes of old SKUs before creates that may reuse them.
    ops.sort_by(|a, b| (a.1 != "DELETE", &a.0).cmp(&(b.1 != "DELETE", &b.0)));

    let state = if ops.is_empty() { "done" } else { "running" };
    tx.prepare_cached("INSERT INTO sync_job (vendor_id, catalog_id, state, total, created_at, updated_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)")?.execute(
        params![vendor, catalog_id, state, ops.len() as i64, now, (state == "done").then_some(now)],
    )?;
    let job_id = tx.last_insert_rowid();
    for (seq, (rid, method, data, hash)) in ops.iter().enumerate() {
        let batch_no = (seq / options.batch_size) as i64;
        if seq % options.batch_size == 0 {
            tx.prepare_cached(
                "INSERT INTO sync_batch (job_id, batch_no, state) VALUES (?1, ?2, 'queued')",
            )?
            .execute(params![job_id, batch_no])?;
        }
        tx.prepare_cached("INSERT INTO sync_op (job_id, seq, batch_no, retailer_id, method, data, hash, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued')")?.execute(
            params![job_id, seq as i64, batch_no, rid, method, data.to_string(), hash],
        )?;
    }
    tx.commit()?;
    // Debug only: the plugin writes the vendor's activity-log line for the start, in
    // the vendor's language; an info event here would log every start twice.
    tracing::debug!(
        vendor_id,
        kind = "sync",
        job_id,
        changes = ops.len(),
        "Catalog sync planned: {} change(s) to send",
        ops.len()
    );
    summary_of(store, job_id)
}

/// Claims the report of a finished job's end: true for exactly one caller, whichever
/// worker asks first; false when it was claimed before, the job is still running, or it
/// is not the vendor's. The plugin writes the vendor's activity-log line only on true.
pub fn claim_report(
    store: &Store,
    vendor_id: u64,
    job_id: i64,
    now: i64,
) -> Result<bool, SyncError> {
    let claimed = store.conn().execute(
        "UPDATE sync_job SET reported_at = ?3 WHERE id = ?1 AND vendor_id = ?2 AND state IN ('done','failed') AND reported_at IS NULL",
        params![job_id, vendor_id as i64, now],
    )?;
    Ok(claimed == 1)
}

fn running_job(store: &Store, vendor_id: u64) -> Result<Option<i64>, SyncError> {
    Ok(store
        .conn()
        .query_row("SELECT id FROM sync_job WHERE vendor_id = ?1 AND state = 'running' ORDER BY id DESC LIMIT 1", [vendor_id as i64], |r| r.get(0))
        .optional()?)
}

/// The vendor's most recent job.
pub fn latest_job(store: &Store, vendor_id: u64) -> Result<Option<JobSummary>, SyncError> {
    let id: Option<i64> = store.conn().query_row(
        "SELECT MAX(id) FROM sync_job WHERE vendor_id = ?1",
        [vendor_id as i64],
        |r| r.get(0),
    )?;
    id.map(|id| summary_of(store, id)).transpose()
}

/// A job's progress, checking that it belongs to `vendor_id`.
pub fn job(store: &Store, vendor_id: u64, job_id: i64) -> Result<JobSummary, SyncError> {
    let summary = summary_of(store, job_id).map_err(|_| SyncError::NoSuchJob(job_id))?;
    if summary.vendor_id != vendor_id {
        return Err(SyncError::NoSuchJob(job_id));
    }
    Ok(summary)
}

fn summary_of(store: &Store, job_id: i64) -> Result<JobSummary, SyncError> {
    let conn = store.conn();
    let (vendor, state, total, error, wait_until_ms, created_at, finished_at): (i64, String, i64, Option<String>, i64, i64, Option<i64>) = conn
        .query_row("SELECT vendor_id, state, total, error, wait_until_ms, created_at, finished_at FROM sync_job WHERE id = ?1", [job_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })
        .optional()?
        .ok_or(SyncError::NoSuchJob(job_id))?;
    let count = |condition: &str| -> rusqlite::Result<u64> {
        conn.query_row(
            &format!("SELECT COUNT(*) FROM sync_op WHERE job_id = ?1 AND {condition}"),
            [job_id],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n.max(0) as u64)
    };
    Ok(JobSummary {
        job_id,
        vendor_id: vendor.max(0) as u64,
        state: match state.as_str() {
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => JobState::Running,
        },
        total: total.max(0) as u64,
        processed: count("state != 'queued'")?,
        synced: count("state = 'done' AND method != 'DELETE'")?,
        deleted: count("state = 'done' AND method = 'DELETE'")?,
        rejected: count("state = 'rejected'")?,
        error,
        wait_until_ms,
        created_at,
        finished_at,
    })
}

/// The vendor's catalog at a glance, with the products needing attention.
pub fn summary(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
) -> Result<CatalogSummary, SyncError> {
    let conn = store.conn();
    let count = |state: &str| -> rusqlite::Result<u64> {
        conn.prepare_cached("SELECT COUNT(*) FROM catalog_item WHERE vendor_id = ?1 AND catalog_id = ?2 AND state = ?3")?.query_row( params![vendor_id as i64, catalog_id, state], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
    };
    let mut stmt = conn.prepare(
        "SELECT product_id, retailer_id, state, problems FROM catalog_item
         WHERE vendor_id = ?1 AND catalog_id = ?2 AND state IN ('invalid', 'rejected') ORDER BY product_id LIMIT 500",
    )?;
    let attention = stmt
        .query_map(params![vendor_id as i64, catalog_id], |r| {
            let problems: String = r.get(3)?;
            Ok(AttentionItem {
                product_id: r.get::<_, i64>(0)?.max(0) as u64,
                retailer_id: r.get(1)?,
                state: r.get(2)?,
                problems: serde_json::from_str(&problems).unwrap_or_default(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CatalogSummary {
        pending: count("pending")? + count("deleting")?,
        synced: count("synced")?,
        rejected: count("rejected")?,
        needs_attention: count("invalid")?,
        attention,
    })
}

/// Runs a job for at most `budget`, then returns its progress. Safe to call from
/// several PHP workers at once: a lease lets one slice work while the others return.
pub async fn run_slice(
    store: &Store,
    client: &CloudClient,
    vendor_id: u64,
    job_id: i64,
    options: &SyncOptions,
    budget: Duration,
) -> Result<JobSummary, SyncError> {
    options.check()?;
    let summary = job(store, vendor_id, job_id)?;
    if summary.state != JobState::Running {
        return Ok(summary);
    }
    let started = std::time::Instant::now();
    let lease_ms =
        i64::try_from((budget + options.lease_grace).as_millis()).unwrap_or(i64::MAX / 2);
    let leased = store.conn().execute(
        "UPDATE sync_job SET lease_until_ms = ?2 WHERE id = ?1 AND lease_until_ms < ?3",
        params![job_id, clock::now_ms() + lease_ms, clock::now_ms()],
    )?;
    if leased == 0 {
        return summary_of(store, job_id);
    }
    let catalog_id: String = store.conn().query_row(
        "SELECT catalog_id FROM sync_job WHERE id = ?1",
        [job_id],
        |r| r.get(0),
    )?;
    let result = work(store, client, job_id, &catalog_id, options, started, budget).await;
    store.conn().execute(
        "UPDATE sync_job SET lease_until_ms = 0 WHERE id = ?1",
        [job_id],
    )?;
    result?;
    summary_of(store, job_id)
}

async fn work(
    store: &Store,
    client: &CloudClient,
    job_id: i64,
    catalog_id: &str,
    options: &SyncOptions,
    started: std::time::Instant,
    budget: Duration,
) -> Result<(), SyncError> {
    let conn = store.conn();
    while started.elapsed() < budget {
        let remaining = budget.saturating_sub(started.elapsed());
        let outstanding: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM sync_batch WHERE job_id = ?1 AND state != 'finished'",
            )?
            .query_row([job_id], |r| r.get(0))?;
        if outstanding == 0 {
            finish(store, job_id)?;
            return Ok(());
        }
        // A rate limit pauses sending only: batches already sent are still polled.
        let wait_until: i64 = conn
            .prepare_cached("SELECT wait_until_ms FROM sync_job WHERE id = ?1")?
            .query_row([job_id], |r| r.get(0))?;
        let paused_for =
            Duration::from_millis(wait_until.saturating_sub(clock::now_ms()).max(0) as u64);
        let queued: Vec<i64> = if paused_for.is_zero() {
            conn.prepare("SELECT batch_no FROM sync_batch WHERE job_id = ?1 AND state = 'queued' ORDER BY batch_no LIMIT ?2")?
                .query_map(params![job_id, options.concurrency as i64], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let poll_due =
            clock::now_ms() - i64::try_from(options.poll_interval.as_millis()).unwrap_or(0);
        let due: Vec<(i64, String)> = conn
            .prepare("SELECT batch_no, handle FROM sync_batch WHERE job_id = ?1 AND state = 'sent' AND polled_ms <= ?2 ORDER BY batch_no LIMIT ?3")?
            .query_map(params![job_id, poll_due, options.concurrency as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;

        if queued.is_empty() && due.is_empty() {
            let mut nap = options.poll_interval.min(Duration::from_millis(250));
            if !paused_for.is_zero() {
                nap = nap.min(paused_for);
            }
            tokio::time::sleep(nap.min(remaining).max(Duration::from_millis(2))).await;
            continue;
        }
        if !queued.is_empty() && send(store, client, job_id, catalog_id, &queued, options).await? {
            return Ok(());
        }
        if !due.is_empty() {
            poll(store, client, job_id, catalog_id, &due).await?;
        }
    }
    Ok(())
}

/// Sends queued batches concurrently. Returns true when the job stopped for good.
async fn send(
    store: &Store,
    client: &CloudClient,
    job_id: i64,
    catalog_id: &str,
    batches: &[i64],
    options: &SyncOptions,
) -> Result<bool, SyncError> {
    let conn = store.conn();
    let mut calls = tokio::task::JoinSet::new();
    for &batch_no in batches {
        let requests: Vec<BatchRequest> = conn
            .prepare(
                "SELECT method, data FROM sync_op WHERE job_id = ?1 AND batch_no = ?2 ORDER BY seq",
            )?
            .query_map(params![job_id, batch_no], |r| {
                let data: String = r.get(1)?;
                Ok(BatchRequest {
                    method: r.get(0)?,
                    data: serde_json::from_str(&data).unwrap_or(Value::Null),
                })
            })?
            .collect::<Result<_, _>>()?;
        let client = client.clone();
        let catalog = catalog_id.to_owned();
        calls.spawn(async move {
            let sent_ms = clock::now_ms();
            (
                batch_no,
                sent_ms,
                client.items_batch(&catalog, &requests).await,
            )
        });
    }
    let mut stop = false;
    // The time sending may resume (Unix ms), the latest any answer asked for.
    let mut resume_at: Option<i64> = None;
    while let Some(joined) = calls.join_next().await {
        let Ok((batch_no, sent_ms, result)) = joined else {
            continue;
        };
        match result {
            Ok(handle) => {
                conn.prepare_cached("UPDATE sync_batch SET state = 'sent', handle = ?3, polled_ms = ?4 WHERE job_id = ?1 AND batch_no = ?2")?.execute( params![job_id, batch_no, handle, clock::now_ms()])?;
                conn.prepare_cached(
                    "UPDATE sync_job SET attempts = 0, error = NULL, updated_at = ?2 WHERE id = ?1",
                )?
                .execute(params![job_id, clock::now()])?;
            }
            Err(CloudError::TokenInvalid { message }) => {
                let error = CloudError::TokenInvalid { message }.to_string();
                conn.prepare_cached("UPDATE sync_job SET state = 'failed', error = ?2, updated_at = ?3, finished_at = ?3 WHERE id = ?1")?.execute( params![job_id, error, clock::now()])?;
                tracing::error!(kind = "sync", job_id, "Catalog sync stopped: {error}");
                stop = true;
            }
            Err(e) if e.is_retryable() => {
                let attempts: u32 = conn.prepare_cached("UPDATE sync_job SET attempts = attempts + 1 WHERE id = ?1 RETURNING attempts")?.query_row(
                    [job_id],
                    |r| r.get(0),
                )?;
                if attempts > options.max_attempts && !matches!(e, CloudError::RateLimited { .. }) {
                    conn.prepare_cached("UPDATE sync_job SET state = 'failed', error = ?2, finished_at = ?3 WHERE id = ?1")?.execute( params![job_id, e.to_string(), clock::now()])?;
                    stop = true;
                    continue;
                }
                let hinted = match &e {
                    CloudError::RateLimited { retry_after, .. } => *retry_after,
                    _ => None,
                };
                // A hint counts from when the API computed it, which is when the call
                // was made, not when the answer arrived a round trip later. Without a
                // hint: 1 s, 2 s, 4 s … capped at 5 minutes, from now.
                let until = match hinted {
                    Some(wait) => sent_ms + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2),
                    None => {
                        let backoff = Duration::from_secs(1 << attempts.min(8).saturating_sub(1))
                            .min(Duration::from_secs(300));
                        clock::now_ms() + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX / 2)
                    }
                };
                resume_at = Some(resume_at.map_or(until, |r| r.max(until)));
                conn.prepare_cached("UPDATE sync_job SET error = ?2 WHERE id = ?1")?
                    .execute(params![job_id, e.to_string()])?;
            }
            Err(e) => {
                // The API refused the whole batch: every item in it is rejected with why.
                let message = e.to_string();
                conn.prepare_cached("UPDATE sync_op SET state = 'rejected', error = ?3 WHERE job_id = ?1 AND batch_no = ?2")?.execute( params![job_id, batch_no, message])?;
                conn.prepare_cached(
                    "UPDATE sync_batch SET state = 'finished' WHERE job_id = ?1 AND batch_no = ?2",
                )?
                .execute(params![job_id, batch_no])?;
                mark_items(store, job_id, batch_no)?;
            }
        }
    }
    if let Some(until) = resume_at {
        conn.prepare_cached("UPDATE sync_job SET wait_until_ms = ?2 WHERE id = ?1")?
            .execute(params![job_id, until])?;
        tracing::warn!(
            kind = "sync",
            job_id,
            wait_ms = (until - clock::now_ms()).max(0),
            "Catalog sync paused by a rate limit; resuming automatically"
        );
    }
    Ok(stop)
}

async fn poll(
    store: &Store,
    client: &CloudClient,
    job_id: i64,
    catalog_id: &str,
    due: &[(i64, String)],
) -> Result<(), SyncError> {
    let conn = store.conn();
    let mut calls = tokio::task::JoinSet::new();
    for (batch_no, handle) in due.iter().cloned() {
        let client = client.clone();
        let catalog = catalog_id.to_owned();
        calls.spawn(async move { (batch_no, client.batch_status(&catalog, &handle).await) });
    }
    while let Some(joined) = calls.join_next().await {
        let Ok((batch_no, result)) = joined else {
            continue;
        };
        conn.prepare_cached(
            "UPDATE sync_batch SET polled_ms = ?3 WHERE job_id = ?1 AND batch_no = ?2",
        )?
        .execute(params![job_id, batch_no, clock::now_ms()])?;
        let Ok(status) = result else { continue };
        if !status.finished {
            continue;
        }
        let tx = store.write_transaction()?;
        let first_seq: i64 = tx
            .prepare_cached("SELECT MIN(seq) FROM sync_op WHERE job_id = ?1 AND batch_no = ?2")?
            .query_row(params![job_id, batch_no], |r| r.get(0))?;
        for error in &status.errors {
            let method_and_seq: Option<(String, i64)> = match (error.line, &error.id) {
                (Some(line), _) => tx.prepare_cached("SELECT method, seq FROM sync_op WHERE job_id = ?1 AND seq = ?2 AND batch_no = ?3")?.query_row( params![job_id, first_seq + line, batch_no], |r| Ok((r.get(0)?, r.get(1)?))).optional()?,
                (None, Some(id)) => tx.prepare_cached("SELECT method, seq FROM sync_op WHERE job_id = ?1 AND batch_no = ?2 AND retailer_id = ?3")?.query_row( params![job_id, batch_no, id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?,
                _ => None,
            };
            let Some((method, seq)) = method_and_seq else {
                continue;
            };
            // Deleting what is already gone is what was wanted (a resent batch).
            if method == "DELETE" && error.message.to_ascii_lowercase().contains("not found") {
                continue;
            }
            tx.prepare_cached(
                "UPDATE sync_op SET state = 'rejected', error = ?3 WHERE job_id = ?1 AND seq = ?2",
            )?
            .execute(params![job_id, seq, error.message])?;
        }
        tx.prepare_cached("UPDATE sync_op SET state = 'done' WHERE job_id = ?1 AND batch_no = ?2 AND state = 'queued'")?.execute( params![job_id, batch_no])?;
        tx.prepare_cached(
            "UPDATE sync_batch SET state = 'finished' WHERE job_id = ?1 AND batch_no = ?2",
        )?
        .execute(params![job_id, batch_no])?;
        tx.commit()?;
        mark_items(store, job_id, batch_no)?;
    }
    Ok(())
}

/// Carries a finished batch's results into the catalog record.
fn mark_items(store: &Store, job_id: i64, batch_no: i64) -> Result<(), SyncError> {
    let tx = store.write_transaction()?;
    let catalog_id: String = tx
        .prepare_cached("SELECT catalog_id FROM sync_job WHERE id = ?1")?
        .query_row([job_id], |r| r.get(0))?;
    // (retailer id, method, hash, state, error)
    type AnsweredOp = (String, String, Option<String>, String, Option<String>);
    let ops: Vec<AnsweredOp> = tx
        .prepare("SELECT retailer_id, method, hash, state, error FROM sync_op WHERE job_id = ?1 AND batch_no = ?2")?
        .query_map(params![job_id, batch_no], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    let now = clock::now();
    for (rid, method, hash, state, error) in ops {
        match (method.as_str(), state.as_str()) {
            ("DELETE", "done") => {
                tx.prepare_cached("DELETE FROM catalog_item WHERE catalog_id = ?1 AND retailer_id = ?2 AND state = 'deleting'")?.execute( params![catalog_id, rid])?;
                tx.prepare_cached("UPDATE catalog_item SET sent_hash = NULL, updated_at = ?3 WHERE catalog_id = ?1 AND retailer_id = ?2")?.execute( params![catalog_id, rid, now])?;
            }
            (_, "done") => {
                tx.prepare_cached("UPDATE catalog_item SET state = 'synced', sent_hash = ?3, problems = '[]', synced_at = ?4, updated_at = ?4 WHERE catalog_id = ?1 AND retailer_id = ?2")?.execute(
                    params![catalog_id, rid, hash, now],
                )?;
            }
            ("DELETE", _) => {}
            (_, _) => {
                let problems =
                    json!([error.unwrap_or_else(|| "Rejected by WhatsApp".into())]).to_string();
                tx.prepare_cached("UPDATE catalog_item SET state = 'rejected', problems = ?3, updated_at = ?4 WHERE catalog_id = ?1 AND retailer_id = ?2")?.execute( params![catalog_id, rid, problems, now])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

fn finish(store: &Store, job_id: i64) -> Result<(), SyncError> {
    let now = clock::now();
    store.conn().execute("UPDATE sync_job SET state = 'done', error = NULL, wait_until_ms = 0, updated_at = ?2, finished_at = ?2 WHERE id = ?1 AND state = 'running'", params![job_id, now])?;
    let s = summary_of(store, job_id)?;
    // Debug only, as for the start: the plugin logs the end once, translated.
    tracing::debug!(
        vendor_id = s.vendor_id,
        kind = "sync",
        job_id,
        "Catalog sync finished: {} synced, {} removed, {} rejected",
        s.synced,
        s.deleted,
        s.rejected
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Image;

    fn product(id: u64, vendor_id: u64) -> Product {
        Product {
            id,
            vendor_id,
            product_type: "simple".into(),
            parent_id: None,
            status: "publish".into(),
            visibility: None,
            sku: None,
            title: format!("Product {id}"),
            description: "A fine product.".into(),
            short_description: String::new(),
            price: Some("10".into()),
            regular_price: Some("10".into()),
            sale_price: None,
            stock_status: Some("instock".into()),
            manage_stock: false,
            stock_quantity: None,
            image: Some(Image {
                url: format!("http://127.0.0.1/{id}.png"),
                mime: "image/png".into(),
                bytes: Some(1000),
            }),
            permalink: format!("http://127.0.0.1/p/{id}"),
            brand: None,
            sale_from: None,
            sale_to: None,
        }
    }

    fn ops(store: &Store, job: i64) -> Vec<(String, String, i64)> {
        store
            .conn()
            .prepare(
                "SELECT method, retailer_id, batch_no FROM sync_op WHERE job_id = ?1 ORDER BY seq",
            )
            .unwrap()
            .query_map([job], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Marks every op of a job answered, as a finished batch would.
    fn complete(store: &Store, job: i64) {
        let batches: Vec<i64> = store
            .conn()
            .prepare("SELECT batch_no FROM sync_batch WHERE job_id = ?1")
            .unwrap()
            .query_map([job], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        store
            .conn()
            .execute("UPDATE sync_op SET state = 'done' WHERE job_id = ?1", [job])
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE sync_batch SET state = 'finished' WHERE job_id = ?1",
                [job],
            )
            .unwrap();
        for b in batches {
            mark_items(store, job, b).unwrap();
        }
        finish(store, job).unwrap();
    }

    const CATALOG: &str = "1001";

    #[test]
    fn plans_creates_in_batches_and_lists_problems() {
        let store = Store::open_in_memory().unwrap();
        let mut products: Vec<Product> = (1..=7).map(|id| product(id, 5)).collect();
        products[2].image = None;
        products[3].status = "draft".into();
        let options = SyncOptions {
            batch_size: 2,
            ..SyncOptions::default()
        };
        let job = plan(
            &store,
            5,
            CATALOG,
            &products,
            &Rules::default(),
            &options,
            100,
        )
        .unwrap();
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.total, 5);
        let planned = ops(&store, job.job_id);
        assert!(planned.iter().all(|(m, _, _)| m == "CREATE"));
        assert_eq!(
            planned.iter().map(|o| o.2).collect::<Vec<_>>(),
            vec![0, 0, 1, 1, 2]
        );
        let summary = summary(&store, 5, CATALOG).unwrap();
        assert_eq!((summary.pending, summary.needs_attention), (5, 1));
        assert_eq!(summary.attention[0].product_id, 3);
        assert!(summary.attention[0].problems[0].contains("image"));
    }

    #[test]
    fn a_scheduled_sale_reaches_the_catalog_when_it_starts_and_leaves_when_it_ends() {
        let store = Store::open_in_memory().unwrap();
        let mut on_sale = product(1, 5);
        on_sale.sale_price = Some("7".into());
        on_sale.sale_from = Some(1_000);
        on_sale.sale_to = Some(1_999);
        let products = vec![on_sale];
        let sale_of = |job: i64| -> Value {
            let data: String = store
                .conn()
                .query_row("SELECT data FROM sync_op WHERE job_id = ?1", [job], |r| {
                    r.get(0)
                })
                .unwrap();
            serde_json::from_str::<Value>(&data).unwrap()["sale_price"].clone()
        };
        let plan_at = |now: i64| {
            plan(
                &store,
                5,
                CATALOG,
                &products,
                &Rules::default(),
                &SyncOptions::default(),
                now,
            )
            .unwrap()
        };

        let before = plan_at(500);
        assert_eq!(sale_of(before.job_id), json!(""), "not before its start");
        complete(&store, before.job_id);
        let started = plan_at(1_000);
        assert_eq!(started.total, 1, "the start is a change to send");
        assert_eq!(sale_of(started.job_id), json!("7.00 USD"));
        complete(&store, started.job_id);
        assert_eq!(plan_at(1_500).total, 0, "nothing changes during the sale");
        let ended = plan_at(2_000);
        assert_eq!(ended.total, 1, "the end is a change to send");
        assert_eq!(sale_of(ended.job_id), json!(""));
    }

    #[test]
    fn a_sync_start_and_end_leave_no_activity_log_line_of_their_own() {
        // The plugin writes one translated line for each; the core adds none.
        let store = Store::open_in_memory().unwrap();
        let (job, events) = crate::log::capture(|| {
            let job = plan(
                &store,
                5,
                CATALOG,
                &[product(1, 5)],
                &Rules::default(),
                &SyncOptions::default(),
                100,
            )
            .unwrap();
            complete(&store, job.job_id);
            job
        });
        assert_eq!(job.total, 1);
        let lines: Vec<&str> = events
            .iter()
            .filter(|e| e.kind == "sync")
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(lines, Vec::<&str>::new());

        assert!(
            !claim_report(&store, 6, job.job_id, 101).unwrap(),
            "not another vendor's"
        );
        let claims: Vec<bool> = (0..3)
            .map(|i| claim_report(&store, 5, job.job_id, 101 + i).unwrap())
            .collect();
        assert_eq!(claims, vec![true, false, false], "one report per end");
    }

    #[test]
    fn a_running_job_has_no_end_to_report() {
        let store = Store::open_in_memory().unwrap();
        let job = plan(
            &store,
            5,
            CATALOG,
            &[product(1, 5)],
            &Rules::default(),
            &SyncOptions::default(),
            100,
        )
        .unwrap();
        assert!(!claim_report(&store, 5, job.job_id, 101).unwrap());
        complete(&store, job.job_id);
        assert!(claim_report(&store, 5, job.job_id, 102).unwrap());
    }

    #[test]
    fn a_running_job_is_returned_not_duplicated() {
        let store = Store::open_in_memory().unwrap();
        let products = vec![product(1, 5)];
        let first = plan(
            &store,
            5,
            CATALOG,
            &products,
            &Rules::default(),
            &SyncOptions::default(),
            100,
        )
        .unwrap();
        let second = plan(
            &store,
            5,
            CATALOG,
            &products,
            &Rules::default(),
            &SyncOptions::default(),
            101,
        )
        .unwrap();
        assert_eq!(first.job_id, second.job_id);
    }

    #[test]
    fn only_changes_are_planned_after_a_sync() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let mut products: Vec<Product> = (1..=4).map(|id| product(id, 5)).collect();
        let first = plan(&store, 5, CATALOG, &products, &rules, &options, 100).unwrap();
        complete(&store, first.job_id);
        assert_eq!(summary(&store, 5, CATALOG).unwrap().synced, 4);

        let unchanged = plan(&store, 5, CATALOG, &products, &rules, &options, 200).unwrap();
        assert_eq!(
            (unchanged.total, unchanged.state),
            (0, JobState::Done),
            "nothing changed, nothing sent"
        );

        products[0].regular_price = Some("12".into());
        products[1].status = "trash".into();
        products[2].image = None;
        products.remove(3);
        let changes = plan(&store, 5, CATALOG, &products, &rules, &options, 300).unwrap();
        let mut planned = ops(&store, changes.job_id);
        planned.sort();
        assert_eq!(
            planned
                .iter()
                .map(|(m, r, _)| (m.as_str(), r.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("DELETE", "wc_2"),
                ("DELETE", "wc_3"),
                ("DELETE", "wc_4"),
                ("UPDATE", "wc_1")
            ]
        );
        complete(&store, changes.job_id);
        let after = summary(&store, 5, CATALOG).unwrap();
        assert_eq!(
            (after.synced, after.needs_attention, after.pending),
            (1, 1, 0)
        );
    }

    #[test]
    fn another_vendors_products_never_enter_the_batch() {
        let store = Store::open_in_memory().unwrap();
        let products = vec![product(1, 5), product(2, 6)];
        let job = plan(
            &store,
            5,
            CATALOG,
            &products,
            &Rules::default(),
            &SyncOptions::default(),
            100,
        )
        .unwrap();
        assert_eq!(
            ops(&store, job.job_id)
                .iter()
                .map(|o| o.1.as_str())
                .collect::<Vec<_>>(),
            vec!["wc_1"]
        );
    }

    #[test]
    fn a_sku_listed_by_another_vendor_is_not_taken() {
        let store = Store::open_in_memory().unwrap();
        let mut a = product(1, 5);
        a.sku = Some("SHARED".into());
        let mut b = product(2, 6);
        b.sku = Some("SHARED".into());
        let first = plan(
            &store,
            5,
            CATALOG,
            &[a],
            &Rules::default(),
            &SyncOptions::default(),
            100,
        )
        .unwrap();
        complete(&store, first.job_id);
        let second = plan(
            &store,
            6,
            CATALOG,
            &[b],
            &Rules::default(),
            &SyncOptions::default(),
            100,
        )
        .unwrap();
        assert_eq!(second.total, 0);
    }

    #[test]
    fn refuses_bad_requests() {
        let store = Store::open_in_memory().unwrap();
        assert!(
            plan(
                &store,
                0,
                CATALOG,
                &[],
                &Rules::default(),
                &SyncOptions::default(),
                1
            )
            .is_err()
        );
        assert!(
            plan(
                &store,
                1,
                "abc",
                &[],
                &Rules::default(),
                &SyncOptions::default(),
                1
            )
            .is_err()
        );
        assert!(
            plan(
                &store,
                1,
                CATALOG,
                &[],
                &Rules::default(),
                &SyncOptions {
                    batch_size: 101,
                    ..SyncOptions::default()
                },
                1
            )
            .is_err()
        );
        assert!(matches!(
            job(&store, 1, 999),
            Err(SyncError::NoSuchJob(999))
        ));
    }
}
