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
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::plan::{self, ItemState, Known, OpMethod, PlannedOp, Skipped};
use super::{Problem, Product, Rules, retailer_id};
use crate::clock;
use crate::cloud::{CloudClient, CloudError};
use crate::log::NewEntry;
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
    /// The job is no longer being planned: it failed, or its planner stopped for so
    /// long that the job was ended without it.
    #[error("sync job {0} is no longer being planned")]
    PlanGivenUp(i64),
    /// A thread to send while planning could not be started.
    #[error("cannot start the sending thread: {0}")]
    Thread(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
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

/// Why a job stopped, or why it is waiting: a code and its parameters, stored that way
/// (e.g. `{"code":"token_invalid","detail":"…"}`) and worded by the plugin. `detail` is
/// the API's or the transport's own text, shown as it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SyncIssue {
    /// The access token was refused: an administrator must enter a new one.
    TokenInvalid {
        /// The API's message.
        detail: String,
    },
    /// The API is rate limiting the account; the job resumes by itself.
    RateLimited {
        /// The Graph error code.
        api_code: i64,
    },
    /// The API failed temporarily.
    ApiUnavailable {
        /// The API's message.
        detail: String,
    },
    /// The API could not be reached.
    ApiUnreachable {
        /// What the transport said.
        detail: String,
    },
    /// The API refused the request.
    ApiRefused {
        /// The Graph error code.
        api_code: i64,
        /// The API's message.
        detail: String,
    },
    /// The connection's configuration cannot work.
    BadConfiguration {
        /// What is wrong with it.
        detail: String,
    },
    /// A sentence stored by a version before codes (0.7.0), shown as stored.
    Stored {
        /// The stored sentence.
        message: String,
    },
}

impl SyncIssue {
    /// The issue a failed API call means for the job.
    pub fn of(error: &CloudError) -> Self {
        match error {
            CloudError::TokenInvalid { message } => SyncIssue::TokenInvalid {
                detail: message.clone(),
            },
            CloudError::RateLimited { code, .. } => SyncIssue::RateLimited { api_code: *code },
            CloudError::Transient { message } => SyncIssue::ApiUnavailable {
                detail: message.clone(),
            },
            CloudError::Unreachable { reason, .. } => SyncIssue::ApiUnreachable {
                detail: reason.clone(),
            },
            CloudError::Refused { code, message } => SyncIssue::ApiRefused {
                api_code: *code,
                detail: message.clone(),
            },
            CloudError::Config(detail) => SyncIssue::BadConfiguration {
                detail: detail.clone(),
            },
        }
    }

    /// Reads the stored issue; a sentence stored before codes stays as it is.
    pub fn from_stored(text: String) -> Self {
        serde_json::from_str(&text).unwrap_or(SyncIssue::Stored { message: text })
    }

    /// How the issue is stored.
    fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The issue in English, for traces and the command line only; the plugin words
    /// what a person reads from the code.
    pub fn message(&self) -> String {
        match self {
            SyncIssue::TokenInvalid { detail } => format!(
                "the WhatsApp API access token was refused ({detail}); an administrator must enter a new token"
            ),
            SyncIssue::RateLimited { api_code } => format!(
                "the WhatsApp API is rate limiting this account (code {api_code}); retrying after a pause"
            ),
            SyncIssue::ApiUnavailable { detail } => {
                format!("the WhatsApp API failed temporarily: {detail}")
            }
            SyncIssue::ApiUnreachable { detail } => {
                format!("the WhatsApp API cannot be reached ({detail})")
            }
            SyncIssue::ApiRefused { api_code, detail } => {
                format!("the WhatsApp API refused the request (code {api_code}): {detail}")
            }
            SyncIssue::BadConfiguration { detail } => {
                format!("invalid WhatsApp API configuration: {detail}")
            }
            SyncIssue::Stored { message } => message.clone(),
        }
    }
}

/// Where one change of a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    /// Not answered yet.
    Queued,
    /// The API applied it.
    Done,
    /// The API refused it.
    Rejected,
}

/// One change of a finished batch, with its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredOp {
    /// Retailer id.
    pub retailer_id: String,
    /// What was asked.
    pub method: OpMethod,
    /// Content hash of the item sent (not for deletes).
    pub hash: Option<String>,
    /// The answer.
    pub state: OpState,
    /// The API's reason when it refused.
    pub error: Option<String>,
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
    pub error: Option<SyncIssue>,
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
    pub state: ItemState,
    /// What is wrong, as codes and parameters the plugin words for the vendor.
    pub problems: Vec<Problem>,
}

/// How soon after sending a batch its status is first asked for (or the poll interval,
/// when shorter): a small batch is usually applied within it, and a sync of a few
/// changed products then ends in well under a second rather than a whole interval.
pub const FIRST_POLL: Duration = Duration::from_millis(500);

/// More changed products than this since the last sync: the next one reads every
/// product (one paged read is cheaper than this many single ones).
pub const MAX_CHANGED_PRODUCTS: usize = 500;

/// What a sync must read, as [`changes`] decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The last noted change the read covers: the plan forgets the notes up to it.
    pub upto: i64,
    /// Every product, or only these (products and variations, by post id).
    pub scope: PlanScope,
    /// Of a read of every product: the products (and variations, by their own id) not
    /// read because [`unchanged`] said nothing about them changed.
    pub unchanged: Vec<u64>,
    /// Of a read of every product: the fingerprint of each product read (see
    /// [`unchanged`]), by product id.
    pub fingerprints: Vec<(u64, String)>,
}

/// A product a full read may leave unread, as the plugin fingerprints it from the
/// database rows that make its record (its post, its variations' posts, their meta
/// and terms), without building WooCommerce's product objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The product's post id.
    pub product_id: u64,
    /// Its fingerprint now.
    pub fingerprint: String,
    /// Its variations' post ids.
    pub variations: Vec<u64>,
}

/// Of `candidates`, the products a full read of the vendor's catalog need not read:
/// their fingerprint is the one they had when read for the catalog's items, under the
/// same rules, no scheduled sale of theirs started or ended since, and none of their
/// items waits to be sent again (pending, refused by the API, or being removed).
pub fn unchanged(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
    rules: &Rules,
    candidates: &[Candidate],
    now: i64,
) -> Result<Vec<u64>, SyncError> {
    check_target(vendor_id, catalog_id)?;
    let catalog = store.catalog();
    if catalog.full_plan_rules(vendor_id, catalog_id)?.as_deref()
        != Some(rules.fingerprint().as_str())
    {
        return Ok(Vec::new());
    }
    let ids: Vec<u64> = candidates.iter().map(|c| c.product_id).collect();
    let recorded = catalog.current_fingerprints(vendor_id, catalog_id, &ids, now)?;
    let same: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| recorded.get(&c.product_id) == Some(&c.fingerprint))
        .collect();
    let items: Vec<u64> = same
        .iter()
        .flat_map(|c| std::iter::once(c.product_id).chain(c.variations.iter().copied()))
        .collect();
    let waiting = catalog.waiting_products(vendor_id, catalog_id, &items)?;
    Ok(same
        .into_iter()
        .filter(|c| {
            !std::iter::once(&c.product_id)
                .chain(&c.variations)
                .any(|id| waiting.contains(id))
        })
        .map(|c| c.product_id)
        .collect())
}

/// Which products a plan covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanScope {
    /// Every product of the vendor: what the catalog holds and is not among the
    /// products read goes.
    Full,
    /// Only these products changed (with their variations); what the catalog holds for
    /// them and is not among the products read goes, the rest stays as it is.
    Products(Vec<u64>),
}

/// Decides what the vendor's next sync into `catalog_id` must read: only the products
/// noted as changed ([`note_changes`]) when a full plan under the same `rules` went
/// before and the changes are few, else every product (`full` asks for that anyway).
pub fn changes(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
    rules: &Rules,
    full: bool,
) -> Result<Changes, SyncError> {
    check_target(vendor_id, catalog_id)?;
    let catalog = store.catalog();
    let (upto, changed) = catalog.noted_changes(vendor_id, MAX_CHANGED_PRODUCTS)?;
    let based = !full
        && catalog.full_plan_rules(vendor_id, catalog_id)?.as_deref()
            == Some(rules.fingerprint().as_str());
    let scope = match changed {
        Some(ids) if based => PlanScope::Products(ids),
        _ => PlanScope::Full,
    };
    Ok(Changes {
        upto,
        scope,
        unchanged: Vec::new(),
        fingerprints: Vec::new(),
    })
}

/// Notes that the vendor's `product_ids` changed (a variation's own id and its
/// product's); `None`: too many to name, the next sync reads every product.
pub fn note_changes(
    store: &Store,
    vendor_id: u64,
    product_ids: Option<&[u64]>,
) -> Result<(), SyncError> {
    if i64::try_from(vendor_id).map_or(true, |v| v <= 0) {
        return Err(SyncError::Invalid("the vendor id must be positive".into()));
    }
    let ids: Vec<u64> = match product_ids {
        Some(ids) if ids.len() <= MAX_CHANGED_PRODUCTS => {
            let mut ids: Vec<u64> = ids.iter().copied().filter(|id| *id > 0).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        _ => vec![0],
    };
    store.transact(|tx| tx.catalog().note_changes(vendor_id, &ids))?;
    Ok(())
}

fn check_target(vendor_id: u64, catalog_id: &str) -> Result<(), SyncError> {
    if i64::try_from(vendor_id).map_or(true, |v| v <= 0) {
        return Err(SyncError::Invalid("the vendor id must be positive".into()));
    }
    if catalog_id.is_empty()
        || catalog_id.len() > 64
        || !catalog_id.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SyncError::Invalid(
            "the catalog id must be the catalog's numeric id".into(),
        ));
    }
    Ok(())
}

/// Plans a sync of `products` (the vendor's products, as read from WooCommerce, all of
/// them or the changed ones `changes` names) into `catalog_id`, in one go: [`open`],
/// one page, [`OpenPlan::close`]. If a job is already running for the vendor it is
/// returned instead: one vendor never has two jobs sending at once, and the changes
/// stay noted for the next sync.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
    products: &[Product],
    rules: &Rules,
    options: &SyncOptions,
    changes: &Changes,
    now: i64,
) -> Result<JobSummary, SyncError> {
    match open(store, vendor_id, catalog_id, rules, options, changes, now)? {
        Opened::Running(job) => Ok(job),
        Opened::Planning(mut open) => {
            open.page(store, products, &changes.unchanged, &changes.fingerprints)?;
            open.close(store, now)
        }
    }
}

/// When each of the vendor's `products` read must be synced again because a scheduled
/// sale of its starts or ends (Unix seconds), or `None`: what the plugin schedules
/// after a plan. Another vendor's products are not the plan's and get nothing.
pub fn price_changes(products: &[Product], vendor_id: u64, now: i64) -> Vec<(u64, Option<i64>)> {
    products
        .iter()
        .filter(|p| p.vendor_id == vendor_id)
        .map(|p| (p.id, super::next_price_change(p, now)))
        .collect()
}

/// How long a planner holds its job after its last page: a planner that stopped (its
/// PHP request killed mid-read) lets the job end this long after.
pub const PLANNING_HOLD: Duration = Duration::from_secs(120);

/// What [`open`] found or started.
#[derive(Debug)]
pub enum Opened {
    /// The vendor's job already running, as it is.
    Running(JobSummary),
    /// A new job, to plan page by page.
    Planning(Box<OpenPlan>),
}

/// Starts a sync of the vendor into `catalog_id` whose products come page by page
/// ([`OpenPlan::page`]), or returns the vendor's running job: one vendor never has two
/// jobs at once. `changes` is what [`changes`] answered before the read (its
/// `unchanged` and `fingerprints` come with each page).
pub fn open(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
    rules: &Rules,
    options: &SyncOptions,
    changes: &Changes,
    now: i64,
) -> Result<Opened, SyncError> {
    options.check()?;
    check_target(vendor_id, catalog_id)?;
    // Inside the write transaction: two nodes starting the vendor's sync at once must
    // find each other's job, not start two.
    let opened = store.transact(|tx| {
        let catalog = tx.catalog();
        if let Some(job) = catalog.running_job(vendor_id)? {
            return Ok::<_, SyncError>(Err(job));
        }
        let items = catalog.known_items(catalog_id, vendor_id)?;
        let job_id = catalog.open_job(vendor_id, catalog_id, planning_until(), now)?;
        Ok(Ok((job_id, items)))
    })?;
    let (job_id, items) = match opened {
        Ok(opened) => opened,
        Err(running) => return Ok(Opened::Running(summary_of(store, running)?)),
    };
    let (scope, full_rules, changed) = match &changes.scope {
        PlanScope::Full => (plan::Scope::All, Some(rules.fingerprint()), Vec::new()),
        PlanScope::Products(ids) => (
            plan::Scope::Only(ids.iter().copied().collect()),
            None,
            ids.clone(),
        ),
    };
    let known = Known {
        vendor_id,
        items,
        held_elsewhere: HashMap::new(),
    };
    Ok(Opened::Planning(Box::new(OpenPlan {
        job_id,
        vendor_id,
        catalog_id: catalog_id.to_owned(),
        batch_size: options.batch_size,
        upto: changes.upto,
        full_rules,
        changed,
        planner: plan::Planner::new(known, scope, rules.clone(), now),
        now,
        held: Vec::new(),
        queued_ops: 0,
        queued_batches: 0,
        parents: HashMap::new(),
        left_out: HashSet::new(),
        price_changes: HashMap::new(),
        fingerprints: Vec::new(),
    })))
}

fn planning_until() -> i64 {
    clock::now_ms() + i64::try_from(PLANNING_HOLD.as_millis()).unwrap_or(i64::MAX / 4)
}

/// A sync being planned page by page ([`open`]). Each page's changes are queued as soon
/// as they make full batches, so that a [`Sender`] can send them while the next page
/// is read; the close queues the rest (what only the whole catalog decides: the items
/// no product lists any more) and lets the job end.
#[derive(Debug)]
pub struct OpenPlan {
    job_id: i64,
    vendor_id: u64,
    catalog_id: String,
    batch_size: usize,
    upto: i64,
    /// The rules fingerprint of a plan of every product; `None` for one of changes.
    full_rules: Option<String>,
    /// The products of a plan of changes.
    changed: Vec<u64>,
    planner: plan::Planner,
    now: i64,
    /// Changes planned and not queued yet: fewer than a batch.
    held: Vec<PlannedOp>,
    queued_ops: i64,
    queued_batches: i64,
    /// The product of each variation read.
    parents: HashMap<u64, u64>,
    /// Products left out (their SKU held or taken), by product id: read again next
    /// time.
    left_out: HashSet<u64>,
    /// The next price change of each product read and of its variations.
    price_changes: HashMap<u64, i64>,
    /// The fingerprint of each product read, for the next full read.
    fingerprints: Vec<(u64, String)>,
}

impl OpenPlan {
    /// The job being planned.
    pub fn job_id(&self) -> i64 {
        self.job_id
    }

    /// The vendor synced.
    pub fn vendor_id(&self) -> u64 {
        self.vendor_id
    }

    /// Plans one page of `products`: `unchanged`, the products (and variations) of the
    /// page's range a read of every product left unread; `fingerprints`, those of the
    /// products it read. Its changes are queued in full batches, the rest held for the
    /// next page or the close.
    pub fn page(
        &mut self,
        store: &Store,
        products: &[Product],
        unchanged: &[u64],
        fingerprints: &[(u64, String)],
    ) -> Result<(), SyncError> {
        for p in products {
            if let Some(parent) = p.parent_id {
                self.parents.insert(p.id, parent);
            }
            if p.vendor_id != self.vendor_id {
                continue;
            }
            // The next price change of a product and of a variable product's
            // variations, the soonest.
            if let Some(at) = super::next_price_change(p, self.now) {
                for id in std::iter::once(p.id).chain(p.parent_id) {
                    let soonest = self.price_changes.entry(id).or_insert(at);
                    *soonest = (*soonest).min(at);
                }
            }
        }
        self.fingerprints.extend_from_slice(fingerprints);
        self.write(store, Some((products, unchanged)), None)
    }

    /// Plans the rest once every page was planned, queues every change left and lets
    /// the job end when they are answered; forgets the noted changes the read covered
    /// and records what the next full read compares with.
    pub fn close(mut self, store: &Store, now: i64) -> Result<JobSummary, SyncError> {
        self.write(store, None, Some(now))?;
        let changes = self.queued_ops;
        // Debug only: the plugin writes the vendor's activity-log line for the start, in
        // the vendor's language; an info event here would log every start twice.
        tracing::debug!(
            vendor_id = self.vendor_id,
            kind = "sync",
            job_id = self.job_id,
            changes,
            "Catalog sync planned: {changes} change(s) to send"
        );
        summary_of(store, self.job_id)
    }

    /// Gives the plan up (the read failed): what was planned is queued and sent, the job
    /// ends once it is answered; the noted changes stay for the next sync, which reads
    /// every product again.
    pub fn abandon(mut self, store: &Store, now: i64) -> Result<JobSummary, SyncError> {
        let held = std::mem::take(&mut self.held);
        let (job_id, first_seq, first_batch) = (self.job_id, self.queued_ops, self.queued_batches);
        store.transact(|tx| {
            let catalog = tx.catalog();
            if !catalog.queue_ops(job_id, &held, first_seq, first_batch, self.batch_size, 1)? {
                return Err(SyncError::PlanGivenUp(job_id));
            }
            catalog.close_plan(job_id, None, now)?;
            Ok(())
        })?;
        summary_of(store, self.job_id)
    }

    /// Plans a page (`products` and the unchanged ids of its range) or, without one,
    /// the close (at `close`), writes its items and queues its changes in full batches
    /// (all of them at the close); the rest is held.
    fn write(
        &mut self,
        store: &Store,
        page: Option<(&[Product], &[u64])>,
        close: Option<i64>,
    ) -> Result<(), SyncError> {
        let candidates: Vec<String> = page
            .map(|(products, _)| products)
            .unwrap_or_default()
            .iter()
            .filter(|p| p.vendor_id == self.vendor_id)
            .map(retailer_id)
            .collect();
        let batch_size = self.batch_size.max(1);
        let mut planned: Option<(Vec<plan::ItemWrite>, Vec<Skipped>)> = None;
        let queued = store.transact(|tx| {
            let catalog = tx.catalog();
            // Planned in the write transaction, once (a retried transaction writes the
            // same plan): no other vendor's plan takes one of these SKUs in between.
            if planned.is_none() {
                let plan = match page {
                    Some((products, unchanged)) => {
                        let held_elsewhere = catalog.held_by_other_vendors(
                            &self.catalog_id,
                            self.vendor_id,
                            candidates.iter().map(String::as_str),
                        )?;
                        self.planner.page(products, unchanged, &held_elsewhere)
                    }
                    None => self.planner.close(),
                };
                for skipped in &plan.skipped {
                    let (Skipped::OtherVendor { product_id, .. }
                    | Skipped::SkuTaken { product_id, .. }
                    | Skipped::SkuHeld { product_id, .. }) = skipped;
                    let product = self.parents.get(product_id).unwrap_or(product_id);
                    self.left_out.insert(*product);
                }
                self.held.extend(plan.ops);
                planned = Some((plan.writes, plan.skipped));
            }
            let writes = planned.as_ref().map_or(&[][..], |(writes, _)| writes);
            catalog.write_items(&self.catalog_id, self.vendor_id, writes, self.now)?;
            let queue = match close {
                Some(_) => self.held.len(),
                None => self.held.len() - self.held.len() % batch_size,
            };
            if !catalog.queue_ops(
                self.job_id,
                &self.held[..queue],
                self.queued_ops,
                self.queued_batches,
                batch_size,
                planning_until(),
            )? {
                return Err(SyncError::PlanGivenUp(self.job_id));
            }
            let Some(now) = close else {
                return Ok(queue);
            };
            catalog.close_plan(self.job_id, self.full_rules.as_deref(), now)?;
            catalog.consume_changes(self.vendor_id, self.upto)?;
            // What the next full read compares with: the fingerprints of the products
            // read now, with when a sale of theirs starts or ends. A product read for
            // its changes only has none until a full read fingerprints it again.
            if self.full_rules.is_some() {
                let sources: Vec<(u64, &str, Option<i64>)> = self
                    .fingerprints
                    .iter()
                    .filter(|(id, _)| !self.left_out.contains(id))
                    .map(|(id, fingerprint)| {
                        (
                            *id,
                            fingerprint.as_str(),
                            self.price_changes.get(id).copied(),
                        )
                    })
                    .collect();
                catalog.record_sources(self.vendor_id, &self.catalog_id, &sources)?;
            } else {
                catalog.forget_sources(&self.catalog_id, &self.changed)?;
            }
            Ok(queue)
        })?;
        self.held.drain(..queued);
        self.queued_ops += queued as i64;
        self.queued_batches += queued.div_ceil(batch_size) as i64;
        if let Some((_, skipped)) = &planned {
            self.log_skipped(skipped);
        }
        Ok(())
    }

    fn log_skipped(&self, skipped: &[Skipped]) {
        let vendor_id = self.vendor_id;
        for skipped in skipped {
            match skipped {
                Skipped::OtherVendor { product_id, owner } => tracing::warn!(
                    vendor_id,
                    kind = "sync",
                    code = "sync_product_not_vendors",
                    product_id,
                    owner_id = owner,
                    "Skipped product {product_id}: it belongs to vendor {owner}"
                ),
                Skipped::SkuTaken {
                    product_id,
                    retailer_id: rid,
                } => tracing::warn!(
                    vendor_id,
                    kind = "sync",
                    code = "sync_sku_taken",
                    product_id,
                    sku = rid.as_str(),
                    "SKU {rid} is already listed by another vendor"
                ),
                Skipped::SkuHeld {
                    product_id,
                    retailer_id: rid,
                    holder,
                } => tracing::warn!(
                    vendor_id,
                    kind = "sync",
                    code = "sync_sku_duplicate",
                    product_id,
                    sku = rid.as_str(),
                    holder_id = holder,
                    "SKU {rid} is already listed for product {holder}"
                ),
            }
        }
    }
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
    Ok(store.catalog().claim_report(vendor_id, job_id, now)?)
}

/// The vendor's most recent job.
pub fn latest_job(store: &Store, vendor_id: u64) -> Result<Option<JobSummary>, SyncError> {
    let id = store.catalog().latest_job(vendor_id)?;
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
    store
        .catalog()
        .job_summary(job_id)?
        .ok_or(SyncError::NoSuchJob(job_id))
}

/// The vendor's catalog at a glance, with the products needing attention.
pub fn summary(
    store: &Store,
    vendor_id: u64,
    catalog_id: &str,
) -> Result<CatalogSummary, SyncError> {
    Ok(store.catalog().summary(vendor_id, catalog_id)?)
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
    let catalog = store.catalog();
    if !catalog.take_lease(job_id, clock::now_ms() + lease_ms, clock::now_ms())? {
        return summary_of(store, job_id);
    }
    let catalog_id = catalog.job_catalog(job_id)?;
    let result = work(store, client, job_id, &catalog_id, options, started, budget).await;
    catalog.release_lease(job_id)?;
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
    let catalog = store.catalog();
    while started.elapsed() < budget {
        let remaining = budget.saturating_sub(started.elapsed());
        // A job still being planned gets more batches: it ends only once its plan is
        // closed.
        let Some(planning_until) = catalog.planning_until_ms(job_id)? else {
            return Ok(());
        };
        if catalog.outstanding_batches(job_id)? == 0 {
            if planning_until == 0 {
                finish(store, job_id)?;
                return Ok(());
            }
            if planning_until < clock::now_ms() {
                // Its planner stopped without closing the plan (its request was
                // killed): what was queued is sent, and as the plan is not recorded
                // complete, the next sync reads every product again.
                catalog.close_plan(job_id, None, clock::now())?;
                continue;
            }
        }
        // A rate limit pauses sending only: batches already sent are still polled.
        let wait_until = catalog.wait_until_ms(job_id)?;
        let paused_for =
            Duration::from_millis(wait_until.saturating_sub(clock::now_ms()).max(0) as u64);
        let queued: Vec<i64> = if paused_for.is_zero() {
            catalog.queued_batches(job_id, options.concurrency)?
        } else {
            Vec::new()
        };
        let poll_due =
            clock::now_ms() - i64::try_from(options.poll_interval.as_millis()).unwrap_or(0);
        let due = catalog.batches_due(job_id, poll_due, options.concurrency)?;

        if queued.is_empty() && due.is_empty() {
            let mut nap = if planning_until > 0 {
                PLANNING_NAP
            } else {
                options.poll_interval.min(Duration::from_millis(250))
            };
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

/// How often a job being planned looks for the batches its planner queued since.
const PLANNING_NAP: Duration = Duration::from_millis(25);

/// How long a [`Sender`] works between two looks at whether it must stop.
const SENDER_STEP: Duration = Duration::from_millis(200);

/// Sends a job's batches on a thread of its own while the job's plan is made page by
/// page ([`OpenPlan`]): the first pages' changes are on their way while the next pages
/// are read. It works as a slice does (under the job's lease, through its own store
/// connection and HTTP client, on its own runtime) until its plan is closed, the job
/// ends, or it is stopped; the slices do the rest.
#[derive(Debug)]
pub struct Sender {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Vec<NewEntry>>>,
}

impl Sender {
    /// Starts sending `job_id`'s batches through `store`, a connection of the sender's
    /// own ([`Store::reopen`]), and a client with connections of its own
    /// ([`CloudClient::detached`]).
    pub fn start(
        store: Store,
        client: CloudClient,
        job_id: i64,
        options: SyncOptions,
    ) -> Result<Self, SyncError> {
        options.check()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("wpwa-sync-sender".into())
            .spawn(move || {
                crate::log::capture(|| {
                    let sent = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| SyncError::Thread(e.to_string()))
                        .and_then(|runtime| {
                            runtime.block_on(send_while_planned(
                                &store, &client, job_id, &options, &stopped,
                            ))
                        });
                    // The slices after the plan's close send what this could not.
                    if let Err(error) = sent {
                        tracing::debug!(job_id, "The sync sender stopped: {error}");
                    }
                })
                .1
            })
            .map_err(|e| SyncError::Thread(e.to_string()))?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the sender after its current step and returns what it logged (at info
    /// level or above), for the log.
    pub fn stop(mut self) -> Vec<NewEntry> {
        self.stop_thread()
    }

    fn stop_thread(&mut self) -> Vec<NewEntry> {
        self.stop.store(true, Ordering::Release);
        // A panic on the sender's thread ends only the sender; what it committed stays.
        self.thread
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

async fn send_while_planned(
    store: &Store,
    client: &CloudClient,
    job_id: i64,
    options: &SyncOptions,
    stop: &AtomicBool,
) -> Result<(), SyncError> {
    let catalog = store.catalog();
    let catalog_id = catalog.job_catalog(job_id)?;
    let lease_ms =
        i64::try_from((SENDER_STEP + options.lease_grace).as_millis()).unwrap_or(i64::MAX / 2);
    while !stop.load(Ordering::Acquire) {
        if catalog.planning_until_ms(job_id)?.unwrap_or(0) == 0 {
            return Ok(());
        }
        if !catalog.take_lease(job_id, clock::now_ms() + lease_ms, clock::now_ms())? {
            // A slice of another worker has the job.
            tokio::time::sleep(SENDER_STEP).await;
            continue;
        }
        let worked = work(
            store,
            client,
            job_id,
            &catalog_id,
            options,
            std::time::Instant::now(),
            SENDER_STEP,
        )
        .await;
        catalog.release_lease(job_id)?;
        worked?;
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
    let catalog = store.catalog();
    let mut calls = tokio::task::JoinSet::new();
    for &batch_no in batches {
        let requests = catalog.batch_requests(job_id, batch_no)?;
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
                // Counted as polled earlier than it was sent, so that its first
                // status check comes FIRST_POLL after sending, the later ones every
                // poll interval.
                let early = options.poll_interval.saturating_sub(FIRST_POLL);
                let polled_ms = clock::now_ms() - i64::try_from(early.as_millis()).unwrap_or(0);
                catalog.batch_sent(job_id, batch_no, &handle, polled_ms, clock::now())?;
            }
            Err(CloudError::TokenInvalid { message }) => {
                tracing::error!(
                    kind = "sync",
                    code = "sync_token_refused",
                    job_id,
                    detail = message.as_str(),
                    "Catalog sync stopped: the WhatsApp API access token was refused ({message})"
                );
                let issue = SyncIssue::of(&CloudError::TokenInvalid { message });
                catalog.fail_job(job_id, &issue.to_stored(), clock::now())?;
                stop = true;
            }
            Err(e) if e.is_retryable() => {
                let attempts = catalog.count_attempt(job_id)?;
                if attempts > options.max_attempts && !matches!(e, CloudError::RateLimited { .. }) {
                    catalog.fail_job(job_id, &SyncIssue::of(&e).to_stored(), clock::now())?;
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
                catalog.set_job_error(job_id, &SyncIssue::of(&e).to_stored())?;
            }
            Err(e) => {
                // The API refused the whole batch: every item in it is rejected with
                // the API's own reason.
                let message = match e {
                    CloudError::Refused { message, .. } => message,
                    other => other.to_string(),
                };
                catalog.reject_batch(job_id, batch_no, &message)?;
                mark_items(store, job_id, batch_no)?;
            }
        }
    }
    if let Some(until) = resume_at {
        catalog.set_wait_until(job_id, until)?;
        tracing::warn!(
            kind = "sync",
            code = "sync_paused",
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
    let catalog = store.catalog();
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
        catalog.batch_polled(job_id, batch_no, clock::now_ms())?;
        let Ok(status) = result else { continue };
        if !status.finished {
            continue;
        }
        store.transact(|tx| {
            let answered = tx.catalog();
            let first_seq = answered.first_seq(job_id, batch_no)?;
            for error in &status.errors {
                let method_and_seq = match (error.line, &error.id) {
                    (Some(line), _) => answered.op_at(job_id, batch_no, first_seq + line)?,
                    (None, Some(id)) => answered.op_of(job_id, batch_no, id)?,
                    _ => None,
                };
                let Some((method, seq)) = method_and_seq else {
                    continue;
                };
                // Deleting what is already gone is what was wanted (a resent batch).
                if method == OpMethod::Delete
                    && error.message.to_ascii_lowercase().contains("not found")
                {
                    continue;
                }
                answered.reject_op(job_id, seq, &error.message)?;
            }
            answered.complete_batch(job_id, batch_no)?;
            Ok::<_, SyncError>(())
        })?;
        mark_items(store, job_id, batch_no)?;
    }
    Ok(())
}

/// Carries a finished batch's results into the catalog record.
fn mark_items(store: &Store, job_id: i64, batch_no: i64) -> Result<(), SyncError> {
    store.transact(|tx| {
        let catalog = tx.catalog();
        let catalog_id = catalog.job_catalog(job_id)?;
        let now = clock::now();
        let answered = catalog.answered_ops(job_id, batch_no)?;
        // Most of a batch: its creates and updates, confirmed, in few statements.
        let synced: Vec<(&str, Option<&str>)> = answered
            .iter()
            .filter(|op| op.method != OpMethod::Delete && op.state == OpState::Done)
            .map(|op| (op.retailer_id.as_str(), op.hash.as_deref()))
            .collect();
        catalog.items_synced(&catalog_id, &synced, now)?;
        for op in &answered {
            let rid = op.retailer_id.as_str();
            match (op.method, op.state) {
                (OpMethod::Delete, OpState::Done) => catalog.item_removed(&catalog_id, rid, now)?,
                (_, OpState::Done) | (OpMethod::Delete, _) => {}
                (_, _) => {
                    let problem = Problem::Rejected {
                        reason: op.error.clone(),
                    };
                    catalog.item_rejected(&catalog_id, rid, &[problem], now)?;
                }
            }
        }
        Ok::<_, SyncError>(())
    })?;
    Ok(())
}

fn finish(store: &Store, job_id: i64) -> Result<(), SyncError> {
    let now = clock::now();
    store.catalog().finish_job(job_id, now)?;
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
    /// A plan of every product, with no noted changes to forget.
    const FULL: Changes = Changes {
        upto: 0,
        scope: PlanScope::Full,
        unchanged: Vec::new(),
        fingerprints: Vec::new(),
    };

    use serde_json::{Value, json};

    use super::*;
    use crate::catalog::Image;
    use crate::store::testing;

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
        testing::sync_ops(store, job)
            .into_iter()
            .map(|(method, rid, batch_no)| (method.as_str().to_owned(), rid, batch_no))
            .collect()
    }

    /// Marks every op of a job answered, as a finished batch would.
    fn complete(store: &Store, job: i64) {
        for b in testing::answer_every_op(store, job) {
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
            &FULL,
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
        assert_eq!(
            summary.attention[0].problems,
            vec![Problem::MissingImage {
                max: Rules::default().max_image_bytes
            }],
            "stored as its code and the limit it names"
        );
    }

    #[test]
    fn a_plan_page_by_page_queues_full_batches_then_the_rest_at_its_close() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions {
            batch_size: 3,
            ..SyncOptions::default()
        };
        let before: Vec<Product> = (1..=4).map(|id| product(id, 5)).collect();
        let first = plan(&store, 5, CATALOG, &before, &rules, &options, &FULL, 100).unwrap();
        complete(&store, first.job_id);

        let Opened::Planning(mut planning) =
            open(&store, 5, CATALOG, &rules, &options, &FULL, 200).unwrap()
        else {
            panic!("no job is running: a new one is planned");
        };
        let job = planning.job_id();
        match super::open(&store, 5, CATALOG, &rules, &options, &FULL, 201).unwrap() {
            Opened::Running(running) => assert_eq!(running.job_id, job),
            Opened::Planning(_) => panic!("a job being planned is the vendor's running job"),
        }
        // Products 1 to 3 are unchanged and not read; 4 is gone; 5 to 10 are new.
        let page: Vec<Product> = (5..=9).map(|id| product(id, 5)).collect();
        planning.page(&store, &page, &[1, 2, 3], &[]).unwrap();
        assert_eq!(ops(&store, job).len(), 3, "one full batch queued, two held");
        planning.page(&store, &[product(10, 5)], &[], &[]).unwrap();
        assert_eq!(ops(&store, job).len(), 6);
        assert_eq!(job_state(&store, job), JobState::Running);

        let summary = planning.close(&store, 300).unwrap();
        assert_eq!(summary.total, 7);
        let planned = ops(&store, job);
        assert_eq!(
            planned.iter().map(|op| op.2).collect::<Vec<_>>(),
            vec![0, 0, 0, 1, 1, 1, 2]
        );
        assert_eq!(planned[6], ("DELETE".into(), "wc_4".into(), 2));
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Products(Vec::new()),
            "a closed plan of every product is the base of the next sync"
        );
    }

    fn job_state(store: &Store, job: i64) -> JobState {
        summary_of(store, job).unwrap().state
    }

    #[test]
    fn a_job_being_planned_ends_once_closed_or_once_its_planner_is_gone() {
        let store = Store::open_in_memory().unwrap();
        let client = CloudClient::new("http://127.0.0.1:9", "v21.0", "unit-test-token").unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let slice = |store: &Store| {
            crate::runtime::block_on(run_slice(
                store,
                &client,
                5,
                summary_of(store, latest_job(store, 5).unwrap().unwrap().job_id)
                    .unwrap()
                    .job_id,
                &options,
                Duration::from_millis(50),
            ))
            .unwrap()
            .state
        };

        let Opened::Planning(mut planning) =
            open(&store, 5, CATALOG, &rules, &options, &FULL, 100).unwrap()
        else {
            panic!("a new job");
        };
        planning.page(&store, &[], &[], &[]).unwrap();
        assert_eq!(slice(&store), JobState::Running, "more pages may come");
        assert_eq!(planning.close(&store, 101).unwrap().state, JobState::Done);

        let Opened::Planning(mut planning) =
            open(&store, 5, CATALOG, &rules, &options, &FULL, 200).unwrap()
        else {
            panic!("a new job");
        };
        let job = planning.job_id();
        testing::lapse_planning(&store, job);
        assert_eq!(slice(&store), JobState::Done);
        assert!(matches!(
            planning.page(&store, &[product(1, 5)], &[], &[]),
            Err(SyncError::PlanGivenUp(given_up)) if given_up == job
        ));
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Products(Vec::new()),
            "the first closed plan stays the base"
        );
    }

    #[test]
    fn problems_stored_as_sentences_before_codes_read_back_as_stored() {
        let store = Store::open_in_memory().unwrap();
        let mut products = vec![product(1, 5)];
        products[0].image = None;
        plan(
            &store,
            5,
            CATALOG,
            &products,
            &Rules::default(),
            &SyncOptions::default(),
            &FULL,
            100,
        )
        .unwrap();
        testing::set_item_problems(
            &store,
            "[\"Add a product image (JPG or PNG, under 5 MB).\"]",
        );
        let summary = summary(&store, 5, CATALOG).unwrap();
        assert_eq!(
            summary.attention[0].problems,
            vec![Problem::Stored {
                message: "Add a product image (JPG or PNG, under 5 MB).".into()
            }]
        );
        assert_eq!(
            serde_json::to_value(&summary.attention[0].problems[0]).unwrap(),
            json!({"code": "stored", "message": "Add a product image (JPG or PNG, under 5 MB)."})
        );
    }

    #[test]
    fn sync_issues_travel_as_codes_and_read_old_sentences_back() {
        let issue = SyncIssue::of(&CloudError::RateLimited {
            code: 80014,
            retry_after: None,
        });
        assert_eq!(
            serde_json::to_value(&issue).unwrap(),
            json!({"code": "rate_limited", "api_code": 80014})
        );
        assert_eq!(SyncIssue::from_stored(issue.to_stored()), issue);
        assert_eq!(
            SyncIssue::from_stored("the WhatsApp API failed".into()),
            SyncIssue::Stored {
                message: "the WhatsApp API failed".into()
            }
        );
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
            let data = testing::sync_ops_data(&store, job).remove(0);
            data["sale_price"].clone()
        };
        let plan_at = |now: i64| {
            plan(
                &store,
                5,
                CATALOG,
                &products,
                &Rules::default(),
                &SyncOptions::default(),
                &FULL,
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
                &FULL,
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
            &FULL,
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
            &FULL,
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
            &FULL,
            101,
        )
        .unwrap();
        assert_eq!(first.job_id, second.job_id);
    }

    #[test]
    fn nodes_starting_one_sync_at_once_share_one_job_and_one_slice_works_it() {
        let location = crate::store::testing::SharedLocation::fresh("sync");
        drop(location.open().unwrap());
        let products: Vec<Product> = (1..=40).map(|id| product(id, 5)).collect();
        let jobs: Vec<i64> = std::thread::scope(|scope| {
            let nodes: Vec<_> = (0..6)
                .map(|n| {
                    let products = &products;
                    let location = &location;
                    scope.spawn(move || {
                        let store = location.open().unwrap();
                        let options = SyncOptions::default();
                        plan(
                            &store,
                            5,
                            CATALOG,
                            products,
                            &Rules::default(),
                            &options,
                            &FULL,
                            100 + n,
                        )
                        .unwrap()
                        .job_id
                    })
                })
                .collect();
            nodes.into_iter().map(|node| node.join().unwrap()).collect()
        });
        assert!(jobs.iter().all(|job| *job == jobs[0]), "{jobs:?}");

        let leases: Vec<bool> = std::thread::scope(|scope| {
            let nodes: Vec<_> = (0..6)
                .map(|_| {
                    scope.spawn(|| {
                        let store = location.open().unwrap();
                        store.catalog().take_lease(jobs[0], 10_000, 1_000).unwrap()
                    })
                })
                .collect();
            nodes.into_iter().map(|node| node.join().unwrap()).collect()
        });
        assert_eq!(
            leases.iter().filter(|taken| **taken).count(),
            1,
            "{leases:?}"
        );
        let store = location.open().unwrap();
        assert_eq!(
            ops(&store, jobs[0]).len(),
            40,
            "each product planned once, not once per node"
        );
    }

    #[test]
    fn only_changes_are_planned_after_a_sync() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let mut products: Vec<Product> = (1..=4).map(|id| product(id, 5)).collect();
        let first = plan(&store, 5, CATALOG, &products, &rules, &options, &FULL, 100).unwrap();
        complete(&store, first.job_id);
        assert_eq!(summary(&store, 5, CATALOG).unwrap().synced, 4);

        let unchanged = plan(&store, 5, CATALOG, &products, &rules, &options, &FULL, 200).unwrap();
        assert_eq!(
            (unchanged.total, unchanged.state),
            (0, JobState::Done),
            "nothing changed, nothing sent"
        );

        products[0].regular_price = Some("12".into());
        products[1].status = "trash".into();
        products[2].image = None;
        products.remove(3);
        let changes = plan(&store, 5, CATALOG, &products, &rules, &options, &FULL, 300).unwrap();
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

    fn planned(store: &Store, job: i64) -> Vec<(String, String)> {
        let mut planned: Vec<(String, String)> = ops(store, job)
            .into_iter()
            .map(|(m, r, _)| (m, r))
            .collect();
        planned.sort();
        planned
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(m, r)| ((*m).to_owned(), (*r).to_owned()))
            .collect()
    }

    #[test]
    fn after_a_full_sync_only_the_noted_products_are_read_and_compared() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let mut products: Vec<Product> = (1..=6).map(|id| product(id, 5)).collect();
        let mut variation = product(7, 5);
        variation.product_type = "variation".into();
        variation.parent_id = Some(6);
        products[5].product_type = "variable".into();
        products.push(variation);

        // Nothing planned into this catalog yet: every product is read.
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Full
        );
        note_changes(&store, 5, Some(&[3])).unwrap();
        let full = changes(&store, 5, CATALOG, &rules, false).unwrap();
        assert_eq!(full.scope, PlanScope::Full);
        let first = plan(&store, 5, CATALOG, &products, &rules, &options, &full, 100).unwrap();
        complete(&store, first.job_id);
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap(),
            Changes {
                upto: 0,
                scope: PlanScope::Products(vec![]),
                unchanged: vec![],
                fingerprints: vec![],
            },
            "the full plan read the noted change: nothing is left to read"
        );

        // Product 1 gets a new price, product 2 is deleted, the variation goes from
        // its product; product 1 is noted twice.
        note_changes(&store, 5, Some(&[1, 2])).unwrap();
        note_changes(&store, 5, Some(&[7, 6, 1])).unwrap();
        let noted = changes(&store, 5, CATALOG, &rules, false).unwrap();
        assert_eq!(noted.scope, PlanScope::Products(vec![1, 2, 6, 7]));
        let mut changed = products[0].clone();
        changed.regular_price = Some("12".into());
        let read = vec![changed, products[5].clone()];
        let job = plan(&store, 5, CATALOG, &read, &rules, &options, &noted, 200).unwrap();
        assert_eq!(
            planned(&store, job.job_id),
            pairs(&[("DELETE", "wc_2"), ("DELETE", "wc_7"), ("UPDATE", "wc_1")]),
            "products 3, 4 and 5 were not read and stay as they are"
        );
        complete(&store, job.job_id);
        let after = summary(&store, 5, CATALOG).unwrap();
        assert_eq!((after.synced, after.pending), (4, 0), "1, 3, 4 and 5");
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Products(vec![])
        );

        // A plan of changes leaves the last full plan as the base.
        note_changes(&store, 5, Some(&[4])).unwrap();
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Products(vec![4])
        );
    }

    fn candidate(product_id: u64, fingerprint: &str, variations: &[u64]) -> Candidate {
        Candidate {
            product_id,
            fingerprint: fingerprint.into(),
            variations: variations.to_vec(),
        }
    }

    #[test]
    fn a_full_read_leaves_products_with_the_same_fingerprint_unread() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let mut products: Vec<Product> = (1..=4).map(|id| product(id, 5)).collect();
        products[3].product_type = "variable".into();
        let mut variation = product(5, 5);
        variation.product_type = "variation".into();
        variation.parent_id = Some(4);
        products.push(variation);
        let fingerprints: Vec<(u64, String)> = (1..=4).map(|id| (id, format!("fp{id}"))).collect();
        let read_all = Changes {
            fingerprints: fingerprints.clone(),
            ..FULL
        };
        let candidates = [
            candidate(1, "fp1", &[]),
            candidate(2, "fp2", &[]),
            candidate(3, "changed", &[]),
            candidate(4, "fp4", &[5]),
        ];
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 100).unwrap(),
            Vec::<u64>::new(),
            "never read for this catalog"
        );
        let first = plan(
            &store, 5, CATALOG, &products, &rules, &options, &read_all, 100,
        )
        .unwrap();
        complete(&store, first.job_id);

        let same = unchanged(&store, 5, CATALOG, &rules, &candidates, 200).unwrap();
        assert_eq!(same, vec![1, 2, 4], "3's rows changed");
        let other_rules = Rules {
            default_brand: "Other".into(),
            ..Rules::default()
        };
        assert!(
            unchanged(&store, 5, CATALOG, &other_rules, &candidates, 200)
                .unwrap()
                .is_empty()
        );
        assert!(
            unchanged(&store, 5, "2002", &rules, &candidates, 200)
                .unwrap()
                .is_empty()
        );
        assert!(
            unchanged(&store, 6, CATALOG, &rules, &candidates, 200)
                .unwrap()
                .is_empty()
        );

        // Product 3 is read (a new price); 1, 2 and the variable 4 with its variation
        // are not: they keep their items, nothing is deleted.
        let mut changed = products[2].clone();
        changed.regular_price = Some("15".into());
        let second = Changes {
            unchanged: vec![1, 2, 4, 5],
            fingerprints: vec![(3, "changed".into())],
            ..FULL
        };
        let job = plan(
            &store,
            5,
            CATALOG,
            &[changed],
            &rules,
            &options,
            &second,
            200,
        )
        .unwrap();
        assert_eq!(planned(&store, job.job_id), pairs(&[("UPDATE", "wc_3")]));
        complete(&store, job.job_id);
        assert_eq!(summary(&store, 5, CATALOG).unwrap().synced, 4);
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 300).unwrap(),
            vec![1, 2, 3, 4],
            "3 has its new fingerprint"
        );

        // A sale that starts makes the product due for reading then.
        let mut on_sale = products[0].clone();
        on_sale.sale_price = Some("8".into());
        on_sale.sale_from = Some(1_000);
        let sale = Changes {
            unchanged: vec![2, 3, 4, 5],
            fingerprints: vec![(1, "fp1".into())],
            ..FULL
        };
        let job = plan(&store, 5, CATALOG, &[on_sale], &rules, &options, &sale, 400).unwrap();
        complete(&store, job.job_id);
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 999).unwrap(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 1_000).unwrap(),
            vec![2, 3, 4]
        );

        // A variation's sale makes its variable product due for reading then.
        let mut variation_on_sale = products[4].clone();
        variation_on_sale.sale_price = Some("8".into());
        variation_on_sale.sale_from = Some(2_000);
        let sale = Changes {
            unchanged: vec![1, 2, 3],
            fingerprints: vec![(4, "fp4".into())],
            ..FULL
        };
        let job = plan(
            &store,
            5,
            CATALOG,
            &[products[3].clone(), variation_on_sale],
            &rules,
            &options,
            &sale,
            450,
        )
        .unwrap();
        complete(&store, job.job_id);
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 1_999).unwrap(),
            vec![2, 3, 4]
        );
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 2_000).unwrap(),
            vec![2, 3]
        );

        // An item the API refused is sent again, so its product is read.
        testing::set_item_state(&store, CATALOG, "wc_2", "rejected");
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 999).unwrap(),
            vec![1, 3, 4]
        );

        // A plan of changes forgets the fingerprints of what it read.
        note_changes(&store, 5, Some(&[4, 5])).unwrap();
        let noted = changes(&store, 5, CATALOG, &rules, false).unwrap();
        let job = plan(
            &store,
            5,
            CATALOG,
            &products[3..],
            &rules,
            &options,
            &noted,
            500,
        )
        .unwrap();
        complete(&store, job.job_id);
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 999).unwrap(),
            vec![1, 3]
        );
    }

    #[test]
    fn pages_larger_than_one_store_lookup_are_looked_up_whole() {
        // 250 products: more than two IN-list lookups (crate::store::sql::IN_CHUNK),
        // the last one padded.
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let count = 2 * crate::store::sql::IN_CHUNK as u64 + 50;
        let mut products: Vec<Product> = (1..=count).map(|id| product(id, 5)).collect();
        for p in &mut products {
            p.sku = Some(format!("SKU-{}", p.id));
        }
        let read_all = Changes {
            fingerprints: (1..=count).map(|id| (id, format!("fp{id}"))).collect(),
            ..FULL
        };
        let first = plan(
            &store, 5, CATALOG, &products, &rules, &options, &read_all, 100,
        )
        .unwrap();
        complete(&store, first.job_id);

        // Changed rows on both sides of each lookup's edge, and an item the API
        // refused in the padded last lookup.
        let changed = [1, 100, 101, 200, 201, count];
        testing::set_item_state(&store, CATALOG, "SKU-230", "rejected");
        let candidates: Vec<Candidate> = (1..=count)
            .map(|id| {
                let fingerprint = if changed.contains(&id) {
                    "new".to_owned()
                } else {
                    format!("fp{id}")
                };
                candidate(id, &fingerprint, &[])
            })
            .collect();
        let expected: Vec<u64> = (1..=count)
            .filter(|id| !changed.contains(id) && *id != 230)
            .collect();
        assert_eq!(
            unchanged(&store, 5, CATALOG, &rules, &candidates, 200).unwrap(),
            expected
        );

        // Items marked synced in one call, more than one statement's worth.
        let rids: Vec<String> = (1..=count).map(|id| format!("SKU-{id}")).collect();
        let hashes: Vec<String> = (1..=count).map(|id| format!("h{id}")).collect();
        let synced: Vec<(&str, Option<&str>)> = rids
            .iter()
            .zip(&hashes)
            .map(|(rid, hash)| (rid.as_str(), Some(hash.as_str())))
            .collect();
        store.catalog().items_synced(CATALOG, &synced, 250).unwrap();
        let known = store.catalog().known_items(CATALOG, 5).unwrap();
        assert_eq!(known.len(), count as usize);
        for (rid, hash) in &synced {
            let item = &known[*rid];
            assert_eq!(
                (item.sent_hash.as_deref(), item.state),
                (*hash, ItemState::Synced),
                "{rid}"
            );
        }

        // Another vendor's products with the same SKUs are left out, every one of
        // them, whichever lookup found its SKU.
        let theirs: Vec<Product> = products
            .iter()
            .map(|p| Product {
                id: p.id + 10_000,
                vendor_id: 6,
                ..p.clone()
            })
            .collect();
        let job = plan(&store, 6, CATALOG, &theirs, &rules, &options, &FULL, 300).unwrap();
        assert_eq!(job.total, 0, "every SKU is vendor 5's");
        assert_eq!(
            store
                .catalog()
                .held_by_other_vendors(CATALOG, 6, theirs.iter().filter_map(|p| p.sku.as_deref()))
                .unwrap()
                .len(),
            count as usize
        );
    }

    #[test]
    fn every_product_is_read_when_the_changes_cannot_be_trusted_to_be_all() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let products: Vec<Product> = (1..=3).map(|id| product(id, 5)).collect();
        let first = plan(&store, 5, CATALOG, &products, &rules, &options, &FULL, 100).unwrap();
        complete(&store, first.job_id);
        note_changes(&store, 5, Some(&[2])).unwrap();
        let scope = |full: bool, rules: &Rules, catalog: &str| {
            changes(&store, 5, catalog, rules, full).unwrap().scope
        };
        assert_eq!(scope(false, &rules, CATALOG), PlanScope::Products(vec![2]));
        assert_eq!(scope(true, &rules, CATALOG), PlanScope::Full, "asked for");
        assert_eq!(
            scope(false, &rules, "2002"),
            PlanScope::Full,
            "another catalog"
        );
        let other_rules = Rules {
            currency: "EUR".into(),
            ..Rules::default()
        };
        assert_eq!(
            scope(false, &other_rules, CATALOG),
            PlanScope::Full,
            "other rules"
        );

        let many: Vec<u64> = (1..=MAX_CHANGED_PRODUCTS as u64 + 1).collect();
        note_changes(&store, 5, Some(&many)).unwrap();
        assert_eq!(
            scope(false, &rules, CATALOG),
            PlanScope::Full,
            "too many to name"
        );

        let store = Store::open_in_memory().unwrap();
        let first = plan(&store, 5, CATALOG, &products, &rules, &options, &FULL, 100).unwrap();
        complete(&store, first.job_id);
        note_changes(&store, 5, Some(&[1])).unwrap();
        note_changes(&store, 5, None).unwrap();
        assert_eq!(
            changes(&store, 5, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Full,
            "a bulk change"
        );
        assert_eq!(
            changes(&store, 6, CATALOG, &rules, false).unwrap().scope,
            PlanScope::Full,
            "another vendor has no full plan of their own"
        );
    }

    #[test]
    fn a_changed_product_does_not_take_the_sku_of_one_not_read() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let options = SyncOptions::default();
        let mut products: Vec<Product> = (1..=2).map(|id| product(id, 5)).collect();
        products[0].sku = Some("MUG".into());
        let first = plan(&store, 5, CATALOG, &products, &rules, &options, &FULL, 100).unwrap();
        complete(&store, first.job_id);

        note_changes(&store, 5, Some(&[2])).unwrap();
        let noted = changes(&store, 5, CATALOG, &rules, false).unwrap();
        let mut copy = products[1].clone();
        copy.sku = Some("MUG".into());
        let job = plan(&store, 5, CATALOG, &[copy], &rules, &options, &noted, 200).unwrap();
        assert_eq!(
            planned(&store, job.job_id),
            pairs(&[("DELETE", "wc_2")]),
            "product 2 leaves under its old id and is not listed under product 1's SKU"
        );
        assert_eq!(
            store.catalog().product_of(5, "MUG").unwrap(),
            Some(1),
            "product 1 keeps its item"
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
            &FULL,
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
            &FULL,
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
            &FULL,
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
                &FULL,
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
                &FULL,
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
                &FULL,
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
