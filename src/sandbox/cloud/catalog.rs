//! Catalogs in memory: their items, their batches and the per-catalog batch rate limit.
//!
//! Batches are processed lazily: a batch records when it is due, and every read or
//! write of its catalog first finishes, oldest first, each batch whose time has come.
//! Nothing observes a catalog without going through that sweep, so this is the same as
//! a background worker without timers or tasks to cancel on reset. A batch never
//! finishes before the one submitted before it, so requests apply in submission order.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::item::{self, Item, ItemRequest, Method};

/// Batch records kept per catalog (for `check_batch_request_status`); the oldest
/// finished ones are forgotten beyond this.
const MAX_BATCH_RECORDS: usize = 10_000;

/// All catalogs, behind their own lock (never held together with the gateway's).
#[derive(Default)]
pub(crate) struct Catalogs {
    inner: Mutex<BTreeMap<String, Catalog>>,
}

/// A problem with one request of a batch, as `check_batch_request_status` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub line: usize,
    pub id: String,
    pub message: String,
}

impl Problem {
    fn to_json(&self) -> Value {
        json!({"line": self.line, "id": self.id, "message": self.message})
    }
}

/// One request as it waits in a batch.
enum Entry {
    Valid(ItemRequest),
    /// Its shape was wrong: reported in `validation_status`, skipped when processed.
    Invalid(Problem),
}

struct Pending {
    handle: String,
    due: Instant,
    allow_upsert: bool,
    entries: Vec<Entry>,
}

struct Record {
    finished: bool,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

#[derive(Default)]
struct Stats {
    batches: u64,
    create: u64,
    update: u64,
    delete: u64,
    rate_limited: u64,
}

/// The fixed window of the batch rate limit: it opens with the first admitted call
/// after the previous window closed, and admits `limit` calls until it closes.
struct Window {
    opened: Instant,
    calls: u32,
}

#[derive(Default)]
struct Catalog {
    items: BTreeMap<String, Item>,
    pending: VecDeque<Pending>,
    records: HashMap<String, Record>,
    /// Handles in submission order, to forget the oldest records first.
    order: VecDeque<String>,
    window: Option<Window>,
    stats: Stats,
}

impl Catalog {
    /// Finishes every batch whose processing time is over, oldest first.
    fn sweep(&mut self, now: Instant) {
        while self.pending.front().is_some_and(|batch| batch.due <= now) {
            let Some(batch) = self.pending.pop_front() else {
                break;
            };
            let mut errors = Vec::new();
            for (line, entry) in batch.entries.iter().enumerate() {
                match entry {
                    Entry::Invalid(problem) => errors.push(problem.clone()),
                    Entry::Valid(request) => {
                        if let Err(messages) =
                            item::apply(&mut self.items, request, batch.allow_upsert)
                        {
                            errors.extend(messages.into_iter().map(|message| Problem {
                                line,
                                id: request.id.clone(),
                                message,
                            }));
                        }
                    }
                }
            }
            if let Some(record) = self.records.get_mut(&batch.handle) {
                record.finished = true;
                record.errors = errors;
            }
        }
    }

    fn forget_old_records(&mut self) {
        while self.order.len() > MAX_BATCH_RECORDS {
            let Some(handle) = self.order.front() else {
                break;
            };
            if !self.records.get(handle).is_some_and(|r| r.finished) {
                break;
            }
            let handle = self.order.pop_front().unwrap_or_default();
            self.records.remove(&handle);
        }
    }
}

/// The batch rate limit in force, from the configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    /// Calls per window; 0 turns the limit off.
    pub calls: u32,
    pub window: Duration,
}

/// How much of the window a catalog has used, for `X-Business-Use-Case-Usage`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    /// Percent of the window's calls used (100 when limited).
    pub call_count: u32,
    /// Time until calls are admitted again (zero unless limited).
    pub regain: Duration,
}

/// A batch as it arrives: requests already parsed.
pub(crate) struct Submission {
    pub allow_upsert: bool,
    pub requests: Vec<item::Parsed>,
    pub processing: Duration,
}

/// What `items_batch` answers.
pub(crate) struct Accepted {
    pub handle: String,
    /// `validation_status` entries: requests with a wrong shape or ignored fields.
    pub validation_status: Vec<Value>,
    pub usage: Usage,
}

impl Catalogs {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Catalog>> {
        // Every mutation is complete before anything can panic; poison is harmless.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts an items_batch call against the catalog's window: `Ok` with the usage
    /// after it when admitted, `Err` with the usage (and when to come back) when not.
    pub(crate) fn admit(&self, catalog_id: &str, limit: Limit) -> Result<Usage, Usage> {
        let now = Instant::now();
        let mut catalogs = self.lock();
        let catalog = catalogs.entry(catalog_id.to_owned()).or_default();
        if limit.calls == 0 {
            return Ok(Usage {
                call_count: 0,
                regain: Duration::ZERO,
            });
        }
        let window = match &mut catalog.window {
            Some(window) if now.duration_since(window.opened) < limit.window => window,
            slot => slot.insert(Window {
                opened: now,
                calls: 0,
            }),
        };
        if window.calls >= limit.calls {
            catalog.stats.rate_limited += 1;
            return Err(Usage {
                call_count: 100,
                regain: (window.opened + limit.window).saturating_duration_since(now),
            });
        }
        window.calls += 1;
        Ok(Usage {
            call_count: percent(window.calls, limit.calls),
            regain: Duration::ZERO,
        })
    }

    /// Counts a call refused by the `rate_limited` fail mode.
    pub(crate) fn count_rate_limited(&self, catalog_id: &str) {
        let mut catalogs = self.lock();
        catalogs
            .entry(catalog_id.to_owned())
            .or_default()
            .stats
            .rate_limited += 1;
    }

    /// Queues a batch; its requests apply once `processing` is over.
    pub(crate) fn submit(
        &self,
        catalog_id: &str,
        handle: String,
        submission: Submission,
        usage: Usage,
    ) -> Accepted {
        let now = Instant::now();
        let mut catalogs = self.lock();
        let catalog = catalogs.entry(catalog_id.to_owned()).or_default();
        catalog.sweep(now);
        catalog.stats.batches += 1;
        let mut validation_status = Vec::new();
        let mut warnings = Vec::new();
        let mut entries = Vec::with_capacity(submission.requests.len());
        for (line, parsed) in submission.requests.into_iter().enumerate() {
            match parsed.method {
                Some(Method::Create) => catalog.stats.create += 1,
                Some(Method::Update) => catalog.stats.update += 1,
                Some(Method::Delete) => catalog.stats.delete += 1,
                None => {}
            }
            let errors: Vec<&str> = parsed
                .request
                .as_ref()
                .err()
                .map(String::as_str)
                .into_iter()
                .collect();
            if !errors.is_empty() || !parsed.warnings.is_empty() {
                validation_status.push(json!({
                    "retailer_id": parsed.id,
                    "errors": errors.iter().map(|m| json!({"message": m})).collect::<Vec<_>>(),
                    "warnings": parsed.warnings.iter().map(|m| json!({"message": m})).collect::<Vec<_>>(),
                }));
            }
            warnings.extend(parsed.warnings.iter().map(|message| Problem {
                line,
                id: parsed.id.clone(),
                message: message.clone(),
            }));
            entries.push(match parsed.request {
                Ok(request) => Entry::Valid(request),
                Err(message) => Entry::Invalid(Problem {
                    line,
                    id: parsed.id,
                    message,
                }),
            });
        }
        catalog.records.insert(
            handle.clone(),
            Record {
                finished: false,
                errors: Vec::new(),
                warnings,
            },
        );
        catalog.order.push_back(handle.clone());
        catalog.pending.push_back(Pending {
            handle: handle.clone(),
            due: now + submission.processing,
            allow_upsert: submission.allow_upsert,
            entries,
        });
        // A zero processing time finishes the batch before anyone can ask.
        catalog.sweep(now);
        catalog.forget_old_records();
        Accepted {
            handle,
            validation_status,
            usage,
        }
    }

    /// `check_batch_request_status`'s entry for `handle`, or `None` if the catalog
    /// never issued it.
    pub(crate) fn status(&self, catalog_id: &str, handle: &str, load_ids: bool) -> Option<Value> {
        let mut catalogs = self.lock();
        let catalog = catalogs.get_mut(catalog_id)?;
        catalog.sweep(Instant::now());
        let record = catalog.records.get(handle)?;
        let mut status = json!({
            "handle": handle,
            "status": if record.finished { "finished" } else { "started" },
            "errors_total_count": if record.finished { record.errors.len() } else { 0 },
            "errors": if record.finished {
                record.errors.iter().map(Problem::to_json).collect::<Vec<_>>()
            } else {
                Vec::new()
            },
            "warnings_total_count": record.warnings.len(),
            "warnings": record.warnings.iter().map(Problem::to_json).collect::<Vec<_>>(),
        });
        if load_ids {
            let mut ids: Vec<&str> = Vec::new();
            if record.finished {
                for problem in &record.errors {
                    if !ids.contains(&problem.id.as_str()) {
                        ids.push(&problem.id);
                    }
                }
            }
            status["ids_of_invalid_requests"] = json!(ids);
        }
        Some(status)
    }

    /// What a cart line of `retailer_id` costs in the catalog, as WhatsApp fills a cart's
    /// `item_price` and `currency`: the sale price while the item has one, else its price.
    /// `None` for an item the catalog does not hold.
    pub(crate) fn cart_price(&self, catalog_id: &str, retailer_id: &str) -> Option<(f64, String)> {
        let mut catalogs = self.lock();
        let catalog = catalogs.get_mut(catalog_id)?;
        catalog.sweep(Instant::now());
        let item = catalog.items.get(retailer_id)?;
        let text = item
            .get("sale_price")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .or_else(|| item.get("price").and_then(Value::as_str))?;
        let (minor, currency) = item::parse_price(text)?;
        Some((minor as f64 / 100.0, currency.to_owned()))
    }

    /// The catalog's items, sorted by retailer id (empty for an unknown catalog).
    pub(crate) fn items(&self, catalog_id: &str) -> Value {
        let mut catalogs = self.lock();
        let items: Vec<&Item> = match catalogs.get_mut(catalog_id) {
            Some(catalog) => {
                catalog.sweep(Instant::now());
                catalog.items.values().collect()
            }
            None => Vec::new(),
        };
        json!({ "items": items })
    }

    /// Counts of everything the catalog received, and its current size.
    pub(crate) fn stats(&self, catalog_id: &str) -> Value {
        let mut catalogs = self.lock();
        let empty = Catalog::default();
        let catalog = match catalogs.get_mut(catalog_id) {
            Some(catalog) => {
                catalog.sweep(Instant::now());
                &*catalog
            }
            None => &empty,
        };
        json!({
            "batches": catalog.stats.batches,
            "requests": {
                "CREATE": catalog.stats.create,
                "UPDATE": catalog.stats.update,
                "DELETE": catalog.stats.delete,
            },
            "rate_limited": catalog.stats.rate_limited,
            "items": catalog.items.len(),
            "pending": catalog.pending.len(),
        })
    }

    /// Forgets one catalog: items, batches, counts and its rate-limit window.
    pub(crate) fn clear(&self, catalog_id: &str) {
        self.lock().remove(catalog_id);
    }

    /// Forgets every catalog.
    pub(crate) fn reset(&self) {
        self.lock().clear();
    }
}

fn percent(used: u32, of: u32) -> u32 {
    (u64::from(used) * 100 / u64::from(of.max(1))).min(100) as u32
}
