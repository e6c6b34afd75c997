//! The catalog's tables: per-product item records (`catalog_item`) and sync jobs with
//! their batches and changes (`sync_job`, `sync_batch`, `sync_op`).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::sql::{
    Db, IN_CHUNK, OptionalExtension, Param, ROWS_PER_INSERT, in_chunks, in_placeholders, params,
    values_rows,
};
use serde_json::{Value, json};

use super::{Store, StoreError, WriteTx, text_column};
use crate::catalog::Problem;
use crate::catalog::plan::{ItemState, ItemWrite, KnownItem, OpMethod, PlannedOp};
use crate::catalog::sync::{
    AnsweredOp, AttentionItem, CatalogSummary, JobState, JobSummary, OpState, SyncIssue,
};
use crate::cloud::BatchRequest;

text_column!(ItemState {
    ItemState::Pending => "pending",
    ItemState::Synced => "synced",
    ItemState::Invalid => "invalid",
    ItemState::Rejected => "rejected",
    ItemState::Deleting => "deleting",
});

text_column!(OpMethod {
    OpMethod::Create => "CREATE",
    OpMethod::Update => "UPDATE",
    OpMethod::Delete => "DELETE",
});

text_column!(JobState {
    JobState::Running => "running",
    JobState::Done => "done",
    JobState::Failed => "failed",
});

text_column!(OpState {
    OpState::Queued => "queued",
    OpState::Done => "done",
    OpState::Rejected => "rejected",
});

/// Where a batch of changes is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BatchState {
    /// Not sent yet.
    Queued,
    /// Sent; its status is polled.
    Sent,
    /// Answered, or refused as a whole.
    Finished,
}

text_column!(BatchState {
    BatchState::Queued => "queued",
    BatchState::Sent => "sent",
    BatchState::Finished => "finished",
});

/// The catalog's records, inside or outside a transaction.
pub struct CatalogRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// The catalog's records.
    pub fn catalog(&self) -> CatalogRepo<'_> {
        CatalogRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// The catalog's records, inside this transaction.
    pub fn catalog(&self) -> CatalogRepo<'_> {
        CatalogRepo { conn: self.conn() }
    }
}

fn vendor(vendor_id: u64) -> i64 {
    i64::try_from(vendor_id).unwrap_or(i64::MAX)
}

fn non_negative(n: i64) -> u64 {
    n.max(0) as u64
}

impl CatalogRepo<'_> {
    /// The vendor's items in `catalog_id`, by retailer id.
    pub fn known_items(
        &self,
        catalog_id: &str,
        vendor_id: u64,
    ) -> Result<BTreeMap<String, KnownItem>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT retailer_id, product_id, sent_hash, state FROM catalog_item WHERE catalog_id = ?1 AND vendor_id = ?2",
        )?;
        let rows = stmt.query_map(params![catalog_id, vendor(vendor_id)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                KnownItem {
                    product_id: non_negative(r.get(1)?),
                    sent_hash: r.get(2)?,
                    state: r.get(3)?,
                },
            ))
        })?;
        rows.collect::<Result<_, _>>()
    }

    /// Of `retailer_ids`, those another vendor's item holds in `catalog_id`, with the
    /// product id recorded there.
    pub fn held_by_other_vendors<'r>(
        &self,
        catalog_id: &str,
        vendor_id: u64,
        retailer_ids: impl IntoIterator<Item = &'r str>,
    ) -> Result<HashMap<String, u64>, StoreError> {
        let retailer_ids: Vec<&str> = retailer_ids.into_iter().collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT retailer_id, product_id FROM catalog_item WHERE catalog_id = ?1 AND vendor_id != ?2 AND retailer_id IN ({})",
            in_placeholders(3)
        ))?;
        let vendor_id = vendor(vendor_id);
        let mut held = HashMap::new();
        for chunk in in_chunks(&retailer_ids) {
            let mut values: Vec<&dyn Param> = vec![&catalog_id, &vendor_id];
            values.extend(chunk.iter().map(|rid| rid as &dyn Param));
            for row in stmt.query_map(values, |r| {
                Ok((r.get::<_, String>(0)?, non_negative(r.get(1)?)))
            })? {
                let (rid, product) = row?;
                held.insert(rid, product);
            }
        }
        Ok(held)
    }

    /// Applies a plan's item writes, in order: each run of upserts in multi-row
    /// statements (a later row for the same retailer id still wins, as it would one
    /// by one).
    pub fn write_items(
        &self,
        catalog_id: &str,
        vendor_id: u64,
        writes: &[ItemWrite],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut rest = writes;
        while let Some(write) = rest.first() {
            let upserts = rest
                .iter()
                .take_while(|w| matches!(w, ItemWrite::Upsert { .. }))
                .count();
            if upserts > 0 {
                for chunk in rest[..upserts].chunks(ROWS_PER_INSERT) {
                    self.upsert_items(catalog_id, vendor_id, chunk, now)?;
                }
                rest = &rest[upserts..];
                continue;
            }
            match write {
                ItemWrite::MarkDeleting { retailer_id } => {
                    self.conn
                        .prepare_cached(
                            "UPDATE catalog_item SET state = ?4, want_hash = NULL, updated_at = ?3 WHERE catalog_id = ?1 AND retailer_id = ?2",
                        )?
                        .execute(params![catalog_id, retailer_id, now, ItemState::Deleting])?;
                }
                ItemWrite::Forget { retailer_id } => {
                    self.conn
                        .prepare_cached(
                            "DELETE FROM catalog_item WHERE catalog_id = ?1 AND retailer_id = ?2",
                        )?
                        .execute(params![catalog_id, retailer_id])?;
                }
                ItemWrite::Upsert { .. } => {}
            }
            rest = &rest[1..];
        }
        Ok(())
    }

    /// Upserts of item records, in one statement.
    fn upsert_items(
        &self,
        catalog_id: &str,
        vendor_id: u64,
        upserts: &[ItemWrite],
        now: i64,
    ) -> Result<(), StoreError> {
        let vendor_id = vendor(vendor_id);
        let rows: Vec<_> = upserts
            .iter()
            .filter_map(|write| match write {
                ItemWrite::Upsert {
                    retailer_id,
                    product_id,
                    state,
                    problems,
                    want_hash,
                } => Some((
                    retailer_id,
                    vendor(*product_id),
                    state,
                    json!(problems).to_string(),
                    want_hash,
                )),
                _ => None,
            })
            .collect();
        let mut values: Vec<&dyn Param> = Vec::with_capacity(rows.len() * 8);
        for (retailer_id, product_id, state, problems, want_hash) in &rows {
            values.extend([
                &catalog_id as &dyn Param,
                *retailer_id,
                &vendor_id,
                product_id,
                *state,
                problems,
                *want_hash,
                &now,
            ]);
        }
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO catalog_item (catalog_id, retailer_id, vendor_id, product_id, state, problems, want_hash, updated_at)
                 VALUES {}
                 ON CONFLICT (catalog_id, retailer_id) DO UPDATE SET vendor_id = excluded.vendor_id, product_id = excluded.product_id,
                     state = excluded.state, problems = excluded.problems, want_hash = excluded.want_hash, updated_at = excluded.updated_at",
                values_rows(8, rows.len())
            ))?
            .execute(values)?;
        Ok(())
    }

    /// Starts a job whose plan is being made, page by page: running, no change queued
    /// yet, its planner holding it until `planning_until_ms` (Unix ms).
    pub fn open_job(
        &self,
        vendor_id: u64,
        catalog_id: &str,
        planning_until_ms: i64,
        now: i64,
    ) -> Result<i64, StoreError> {
        self.conn.prepare_cached(
            "INSERT INTO sync_job (vendor_id, catalog_id, state, total, created_at, updated_at, planning_until_ms) VALUES (?1, ?2, ?3, 0, ?4, ?4, ?5)",
        )?
        .execute(params![
            vendor(vendor_id),
            catalog_id,
            JobState::Running,
            now,
            planning_until_ms
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Queues `ops` for a job being planned: numbered from `first_seq`, `batch_size` to a
    /// batch from batch `first_batch`; the planner's hold is renewed to
    /// `planning_until_ms`. False, and the caller must roll back, when the job is no
    /// longer being planned (it failed, or its planner's hold lapsed and it was closed
    /// without it).
    pub fn queue_ops(
        &self,
        job_id: i64,
        ops: &[PlannedOp],
        first_seq: i64,
        first_batch: i64,
        batch_size: usize,
        planning_until_ms: i64,
    ) -> Result<bool, StoreError> {
        let batch_size = batch_size.max(1);
        let batches: Vec<i64> =
            (first_batch..first_batch + ops.len().div_ceil(batch_size) as i64).collect();
        for chunk in batches.chunks(ROWS_PER_INSERT) {
            let mut values: Vec<&dyn Param> = Vec::with_capacity(chunk.len() * 3);
            for batch_no in chunk {
                values.extend([&job_id as &dyn Param, batch_no, &BatchState::Queued]);
            }
            self.conn
                .prepare_cached(&format!(
                    "INSERT INTO sync_batch (job_id, batch_no, state) VALUES {}",
                    values_rows(3, chunk.len())
                ))?
                .execute(values)?;
        }
        let rows: Vec<_> = ops
            .iter()
            .enumerate()
            .map(|(n, op)| {
                (
                    first_seq + n as i64,
                    first_batch + (n / batch_size) as i64,
                    op,
                    op.data.to_string(),
                )
            })
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut values: Vec<&dyn Param> = Vec::with_capacity(chunk.len() * 8);
            for (seq, batch_no, op, data) in chunk {
                values.extend([
                    &job_id as &dyn Param,
                    seq,
                    batch_no,
                    &op.retailer_id,
                    &op.method,
                    data,
                    &op.hash,
                    &OpState::Queued,
                ]);
            }
            self.conn
                .prepare_cached(&format!(
                    "INSERT INTO sync_op (job_id, seq, batch_no, retailer_id, method, data, hash, state) VALUES {}",
                    values_rows(8, chunk.len())
                ))?
                .execute(values)?;
        }
        let planning = self
            .conn
            .prepare_cached(
                "UPDATE sync_job SET total = total + ?2, planning_until_ms = ?3 WHERE id = ?1 AND state = ?4 AND planning_until_ms > 0",
            )?
            .execute(params![
                job_id,
                ops.len() as i64,
                planning_until_ms,
                JobState::Running
            ])?;
        Ok(planning == 1)
    }

    /// Ends a job's planning. `full_rules`: the rules fingerprint of a complete plan of
    /// every product (a later sync under the same rules may read only what changed). A
    /// job that queued nothing is done.
    pub fn close_plan(
        &self,
        job_id: i64,
        full_rules: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_job SET planning_until_ms = 0, full_rules = ?2, updated_at = ?3 WHERE id = ?1",
            params![job_id, full_rules, now],
        )?;
        self.conn.execute(
            "UPDATE sync_job SET state = ?3, finished_at = ?2 WHERE id = ?1 AND state = ?4 AND total = 0",
            params![job_id, now, JobState::Done, JobState::Running],
        )?;
        Ok(())
    }

    /// Until when the job's planner holds it (Unix ms; 0 once planned); `None` when the
    /// job is not running.
    pub fn planning_until_ms(&self, job_id: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached("SELECT planning_until_ms FROM sync_job WHERE id = ?1 AND state = ?2")?
            .query_row(params![job_id, JobState::Running], |r| r.get(0))
            .optional()
    }

    /// The rules fingerprint of the vendor's latest full plan into `catalog_id`; `None`
    /// when every product was never planned into it.
    pub fn full_plan_rules(
        &self,
        vendor_id: u64,
        catalog_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT full_rules FROM sync_job WHERE vendor_id = ?1 AND catalog_id = ?2 AND full_rules IS NOT NULL ORDER BY id DESC LIMIT 1",
                params![vendor(vendor_id), catalog_id],
                |r| r.get(0),
            )
            .optional()
    }

    /// Of `product_ids`, the fingerprint each was read with for `catalog_id`, but for
    /// products whose scheduled price change has come by `now` (their record changed
    /// without a row of theirs changing).
    pub fn current_fingerprints(
        &self,
        vendor_id: u64,
        catalog_id: &str,
        product_ids: &[u64],
        now: i64,
    ) -> Result<HashMap<u64, String>, StoreError> {
        let ids: Vec<i64> = product_ids.iter().map(|id| vendor(*id)).collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT product_id, fingerprint FROM catalog_source WHERE catalog_id = ?1 AND vendor_id = ?2
                 AND (price_change_at IS NULL OR price_change_at > ?3) AND product_id IN ({})",
            in_placeholders(4)
        ))?;
        let vendor_id = vendor(vendor_id);
        let mut fingerprints = HashMap::new();
        for chunk in in_chunks(&ids) {
            let mut values: Vec<&dyn Param> = vec![&catalog_id, &vendor_id, &now];
            values.extend(chunk.iter().map(|id| id as &dyn Param));
            for row in stmt.query_map(values, |r| {
                Ok((non_negative(r.get(0)?), r.get::<_, String>(1)?))
            })? {
                let (product_id, fingerprint) = row?;
                fingerprints.insert(product_id, fingerprint);
            }
        }
        Ok(fingerprints)
    }

    /// Of `product_ids` (products and variations), those with an item that waits to
    /// be sent again: pending, refused by the API, or being removed.
    pub fn waiting_products(
        &self,
        vendor_id: u64,
        catalog_id: &str,
        product_ids: &[u64],
    ) -> Result<HashSet<u64>, StoreError> {
        let ids: Vec<i64> = product_ids.iter().map(|id| vendor(*id)).collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT product_id FROM catalog_item WHERE catalog_id = ?1 AND vendor_id = ?2
                 AND state IN (?3, ?4, ?5) AND product_id IN ({})",
            in_placeholders(6)
        ))?;
        let vendor_id = vendor(vendor_id);
        let mut waiting = HashSet::new();
        for chunk in in_chunks(&ids) {
            let mut values: Vec<&dyn Param> = vec![
                &catalog_id,
                &vendor_id,
                &ItemState::Pending,
                &ItemState::Rejected,
                &ItemState::Deleting,
            ];
            values.extend(chunk.iter().map(|id| id as &dyn Param));
            for row in stmt.query_map(values, |r| r.get::<_, i64>(0))? {
                waiting.insert(non_negative(row?));
            }
        }
        Ok(waiting)
    }

    /// Records what the products read for `catalog_id` were: fingerprint and the next
    /// scheduled price change.
    pub fn record_sources(
        &self,
        vendor_id: u64,
        catalog_id: &str,
        sources: &[(u64, &str, Option<i64>)],
    ) -> Result<(), StoreError> {
        let vendor_id = vendor(vendor_id);
        let rows: Vec<_> = sources
            .iter()
            .map(|(product_id, fingerprint, price_change_at)| {
                (vendor(*product_id), fingerprint, price_change_at)
            })
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut values: Vec<&dyn Param> = Vec::with_capacity(chunk.len() * 5);
            for (product_id, fingerprint, price_change_at) in chunk {
                values.extend([
                    &catalog_id as &dyn Param,
                    product_id,
                    &vendor_id,
                    fingerprint,
                    price_change_at,
                ]);
            }
            self.conn
                .prepare_cached(&format!(
                    "INSERT INTO catalog_source (catalog_id, product_id, vendor_id, fingerprint, price_change_at)
                     VALUES {}
                     ON CONFLICT (catalog_id, product_id) DO UPDATE SET vendor_id = excluded.vendor_id,
                         fingerprint = excluded.fingerprint, price_change_at = excluded.price_change_at",
                    values_rows(5, chunk.len())
                ))?
                .execute(values)?;
        }
        Ok(())
    }

    /// Forgets what these products were when last read for `catalog_id`: the next full
    /// read reads them.
    pub fn forget_sources(&self, catalog_id: &str, product_ids: &[u64]) -> Result<(), StoreError> {
        let mut delete = self.conn.prepare_cached(
            "DELETE FROM catalog_source WHERE catalog_id = ?1 AND product_id = ?2",
        )?;
        for id in product_ids {
            delete.execute(params![catalog_id, vendor(*id)])?;
        }
        Ok(())
    }

    /// Notes that `product_ids` of the vendor changed (0: every product).
    pub fn note_changes(&self, vendor_id: u64, product_ids: &[u64]) -> Result<(), StoreError> {
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO catalog_change (vendor_id, product_id) VALUES (?1, ?2)")?;
        for id in product_ids {
            insert.execute(params![vendor(vendor_id), i64::try_from(*id).unwrap_or(0)])?;
        }
        Ok(())
    }

    /// The vendor's noted changes: the last note's sequence number (0 for none) and
    /// the distinct products noted, at most `limit` of them (more, or a note of every
    /// product, give `None`).
    pub fn noted_changes(
        &self,
        vendor_id: u64,
        limit: usize,
    ) -> Result<(i64, Option<Vec<u64>>), StoreError> {
        let upto: Option<i64> = self.conn.query_row(
            "SELECT MAX(seq) FROM catalog_change WHERE vendor_id = ?1",
            [vendor(vendor_id)],
            |r| r.get(0),
        )?;
        let Some(upto) = upto else {
            return Ok((0, Some(Vec::new())));
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT product_id FROM catalog_change WHERE vendor_id = ?1 AND seq <= ?2 ORDER BY product_id LIMIT ?3",
        )?;
        let ids = stmt
            .query_map(params![vendor(vendor_id), upto, limit as i64 + 1], |r| {
                r.get::<_, i64>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if ids.len() > limit || ids.first() == Some(&0) {
            return Ok((upto, None));
        }
        Ok((upto, Some(ids.into_iter().map(non_negative).collect())))
    }

    /// Forgets the vendor's noted changes up to `upto`: a plan has read them.
    pub fn consume_changes(&self, vendor_id: u64, upto: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM catalog_change WHERE vendor_id = ?1 AND seq <= ?2",
            params![vendor(vendor_id), upto],
        )?;
        Ok(())
    }

    /// Marks a finished job's end reported: true for exactly one caller; false when it
    /// was before, the job is still running, or it is not the vendor's.
    pub fn claim_report(&self, vendor_id: u64, job_id: i64, now: i64) -> Result<bool, StoreError> {
        let claimed = self.conn.execute(
            "UPDATE sync_job SET reported_at = ?3 WHERE id = ?1 AND vendor_id = ?2 AND state IN (?4, ?5) AND reported_at IS NULL",
            params![job_id, vendor(vendor_id), now, JobState::Done, JobState::Failed],
        )?;
        Ok(claimed == 1)
    }

    /// The vendor's most recent running job.
    pub fn running_job(&self, vendor_id: u64) -> Result<Option<i64>, StoreError> {
        self
            .conn
            .query_row(
                "SELECT id FROM sync_job WHERE vendor_id = ?1 AND state = ?2 ORDER BY id DESC LIMIT 1",
                params![vendor(vendor_id), JobState::Running],
                |r| r.get(0),
            )
            .optional()
    }

    /// The vendor's most recent job.
    pub fn latest_job(&self, vendor_id: u64) -> Result<Option<i64>, StoreError> {
        self.conn.query_row(
            "SELECT MAX(id) FROM sync_job WHERE vendor_id = ?1",
            [vendor(vendor_id)],
            |r| r.get(0),
        )
    }

    /// A job's progress, `None` when there is no such job.
    pub fn job_summary(&self, job_id: i64) -> Result<Option<JobSummary>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT vendor_id, state, total, error, wait_until_ms, created_at, finished_at FROM sync_job WHERE id = ?1",
                [job_id],
                |r| {
                    Ok(JobSummary {
                        job_id,
                        vendor_id: non_negative(r.get(0)?),
                        state: r.get(1)?,
                        total: non_negative(r.get(2)?),
                        processed: 0,
                        synced: 0,
                        deleted: 0,
                        rejected: 0,
                        error: r.get::<_, Option<String>>(3)?.map(SyncIssue::from_stored),
                        wait_until_ms: r.get(4)?,
                        created_at: r.get(5)?,
                        finished_at: r.get(6)?,
                    })
                },
            )
            .optional()?;
        let Some(mut summary) = found else {
            return Ok(None);
        };
        let (processed, synced, deleted, rejected): (i64, i64, i64, i64) = self.conn.query_row(
            "SELECT COALESCE(SUM(state != ?2), 0),
                    COALESCE(SUM(state = ?3 AND method != ?5), 0),
                    COALESCE(SUM(state = ?3 AND method = ?5), 0),
                    COALESCE(SUM(state = ?4), 0)
             FROM sync_op WHERE job_id = ?1",
            params![
                job_id,
                OpState::Queued,
                OpState::Done,
                OpState::Rejected,
                OpMethod::Delete
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        summary.processed = non_negative(processed);
        summary.synced = non_negative(synced);
        summary.deleted = non_negative(deleted);
        summary.rejected = non_negative(rejected);
        Ok(Some(summary))
    }

    /// The vendor's items in `catalog_id` at a glance, with the first 500 needing
    /// attention (invalid or rejected).
    pub fn summary(&self, vendor_id: u64, catalog_id: &str) -> Result<CatalogSummary, StoreError> {
        let count = |state: ItemState| -> Result<u64, StoreError> {
            let n: i64 = self
                .conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM catalog_item WHERE vendor_id = ?1 AND catalog_id = ?2 AND state = ?3",
                )?
                .query_row(params![vendor(vendor_id), catalog_id, state], |r| r.get(0))?;
            Ok(non_negative(n))
        };
        let mut stmt = self.conn.prepare(
            "SELECT product_id, retailer_id, state, problems FROM catalog_item
             WHERE vendor_id = ?1 AND catalog_id = ?2 AND state IN (?3, ?4) ORDER BY product_id LIMIT 500",
        )?;
        let attention = stmt
            .query_map(
                params![
                    vendor(vendor_id),
                    catalog_id,
                    ItemState::Invalid,
                    ItemState::Rejected
                ],
                |r| {
                    let problems: String = r.get(3)?;
                    Ok(AttentionItem {
                        product_id: non_negative(r.get(0)?),
                        retailer_id: r.get(1)?,
                        state: r.get(2)?,
                        problems: serde_json::from_str::<Vec<Value>>(&problems)
                            .unwrap_or_default()
                            .into_iter()
                            .map(Problem::from_stored)
                            .collect(),
                    })
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CatalogSummary {
            pending: count(ItemState::Pending)? + count(ItemState::Deleting)?,
            synced: count(ItemState::Synced)?,
            rejected: count(ItemState::Rejected)?,
            needs_attention: count(ItemState::Invalid)?,
            attention,
        })
    }

    /// Takes the job's lease until `until_ms` if no other slice holds it at `now_ms`.
    pub fn take_lease(&self, job_id: i64, until_ms: i64, now_ms: i64) -> Result<bool, StoreError> {
        let leased = self.conn.execute(
            "UPDATE sync_job SET lease_until_ms = ?2 WHERE id = ?1 AND lease_until_ms < ?3",
            params![job_id, until_ms, now_ms],
        )?;
        Ok(leased == 1)
    }

    /// Gives the job's lease back.
    pub fn release_lease(&self, job_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_job SET lease_until_ms = 0 WHERE id = ?1",
            [job_id],
        )?;
        Ok(())
    }

    /// The catalog a job syncs into.
    pub fn job_catalog(&self, job_id: i64) -> Result<String, StoreError> {
        self.conn
            .prepare_cached("SELECT catalog_id FROM sync_job WHERE id = ?1")?
            .query_row([job_id], |r| r.get(0))
    }

    /// Batches of the job not yet finished.
    pub fn outstanding_batches(&self, job_id: i64) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM sync_batch WHERE job_id = ?1 AND state != ?2")?
            .query_row(params![job_id, BatchState::Finished], |r| r.get(0))?;
        Ok(non_negative(n))
    }

    /// Until when a rate limit pauses the job's sending (Unix ms, 0 when it does not).
    pub fn wait_until_ms(&self, job_id: i64) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT wait_until_ms FROM sync_job WHERE id = ?1")?
            .query_row([job_id], |r| r.get(0))
    }

    /// Up to `limit` batches waiting to be sent, in order.
    pub fn queued_batches(&self, job_id: i64, limit: usize) -> Result<Vec<i64>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT batch_no FROM sync_batch WHERE job_id = ?1 AND state = ?2 ORDER BY batch_no LIMIT ?3",
            )?
            .query_map(params![job_id, BatchState::Queued, limit as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()
    }

    /// Up to `limit` sent batches last polled at or before `polled_by_ms`, with their
    /// handles.
    pub fn batches_due(
        &self,
        job_id: i64,
        polled_by_ms: i64,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT batch_no, handle FROM sync_batch WHERE job_id = ?1 AND state = ?2 AND polled_ms <= ?3 ORDER BY batch_no LIMIT ?4",
            )?
            .query_map(
                params![job_id, BatchState::Sent, polled_by_ms, limit as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .collect::<Result<_, _>>()
    }

    /// The requests of one batch, in order.
    pub fn batch_requests(
        &self,
        job_id: i64,
        batch_no: i64,
    ) -> Result<Vec<BatchRequest>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT method, data FROM sync_op WHERE job_id = ?1 AND batch_no = ?2 ORDER BY seq",
            )?
            .query_map(params![job_id, batch_no], |r| {
                let method: OpMethod = r.get(0)?;
                let data: String = r.get(1)?;
                Ok(BatchRequest {
                    method: method.as_str().to_owned(),
                    data: serde_json::from_str(&data).unwrap_or(Value::Null),
                })
            })?
            .collect::<Result<_, _>>()
    }

    /// Records a batch the API accepted under `handle`; the job's failed attempts and
    /// error are cleared.
    pub fn batch_sent(
        &self,
        job_id: i64,
        batch_no: i64,
        handle: &str,
        now_ms: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE sync_batch SET state = ?5, handle = ?3, polled_ms = ?4 WHERE job_id = ?1 AND batch_no = ?2",
            )?
            .execute(params![job_id, batch_no, handle, now_ms, BatchState::Sent])?;
        self.conn
            .prepare_cached(
                "UPDATE sync_job SET attempts = 0, error = NULL, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![job_id, now])?;
        Ok(())
    }

    /// Stops the job for good with `error`.
    pub fn fail_job(&self, job_id: i64, error: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE sync_job SET state = ?4, error = ?2, updated_at = ?3, finished_at = ?3 WHERE id = ?1",
            )?
            .execute(params![job_id, error, now, JobState::Failed])?;
        Ok(())
    }

    /// Counts a failed attempt and returns the job's failed attempts in a row.
    pub fn count_attempt(&self, job_id: i64) -> Result<u32, StoreError> {
        // Two statements, not UPDATE … RETURNING: MariaDB has no RETURNING on UPDATE.
        self.conn
            .prepare_cached("UPDATE sync_job SET attempts = attempts + 1 WHERE id = ?1")?
            .execute([job_id])?;
        self.conn
            .prepare_cached("SELECT attempts FROM sync_job WHERE id = ?1")?
            .query_row([job_id], |r| r.get(0))
    }

    /// Records why the job is waiting.
    pub fn set_job_error(&self, job_id: i64, error: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE sync_job SET error = ?2 WHERE id = ?1")?
            .execute(params![job_id, error])?;
        Ok(())
    }

    /// Pauses the job's sending until `until_ms` (Unix ms).
    pub fn set_wait_until(&self, job_id: i64, until_ms: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE sync_job SET wait_until_ms = ?2 WHERE id = ?1")?
            .execute(params![job_id, until_ms])?;
        Ok(())
    }

    /// The API refused a whole batch: each of its changes is rejected with `message`
    /// and the batch is finished.
    pub fn reject_batch(
        &self,
        job_id: i64,
        batch_no: i64,
        message: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE sync_op SET state = ?4, error = ?3 WHERE job_id = ?1 AND batch_no = ?2",
            )?
            .execute(params![job_id, batch_no, message, OpState::Rejected])?;
        self.finish_batch(job_id, batch_no)
    }

    fn finish_batch(&self, job_id: i64, batch_no: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE sync_batch SET state = ?3 WHERE job_id = ?1 AND batch_no = ?2")?
            .execute(params![job_id, batch_no, BatchState::Finished])?;
        Ok(())
    }

    /// Records when a sent batch's status was last asked for.
    pub fn batch_polled(&self, job_id: i64, batch_no: i64, now_ms: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE sync_batch SET polled_ms = ?3 WHERE job_id = ?1 AND batch_no = ?2",
            )?
            .execute(params![job_id, batch_no, now_ms])?;
        Ok(())
    }

    /// The sequence number of a batch's first change.
    pub fn first_seq(&self, job_id: i64, batch_no: i64) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT MIN(seq) FROM sync_op WHERE job_id = ?1 AND batch_no = ?2")?
            .query_row(params![job_id, batch_no], |r| r.get(0))
    }

    /// The method and sequence number of the batch's change at `seq`.
    pub fn op_at(
        &self,
        job_id: i64,
        batch_no: i64,
        seq: i64,
    ) -> Result<Option<(OpMethod, i64)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT method, seq FROM sync_op WHERE job_id = ?1 AND seq = ?2 AND batch_no = ?3",
            )?
            .query_row(params![job_id, seq, batch_no], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
    }

    /// The method and sequence number of the batch's change of `retailer_id`.
    pub fn op_of(
        &self,
        job_id: i64,
        batch_no: i64,
        retailer_id: &str,
    ) -> Result<Option<(OpMethod, i64)>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT method, seq FROM sync_op WHERE job_id = ?1 AND batch_no = ?2 AND retailer_id = ?3",
            )?
            .query_row(params![job_id, batch_no, retailer_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    }

    /// Rejects one change with the API's `message`.
    pub fn reject_op(&self, job_id: i64, seq: i64, message: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE sync_op SET state = ?4, error = ?3 WHERE job_id = ?1 AND seq = ?2",
            )?
            .execute(params![job_id, seq, message, OpState::Rejected])?;
        Ok(())
    }

    /// A batch the API answered: its changes not rejected are done, and it is finished.
    pub fn complete_batch(&self, job_id: i64, batch_no: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE sync_op SET state = ?3 WHERE job_id = ?1 AND batch_no = ?2 AND state = ?4",
            )?
            .execute(params![job_id, batch_no, OpState::Done, OpState::Queued])?;
        self.finish_batch(job_id, batch_no)
    }

    /// The changes of a batch with their answers.
    pub fn answered_ops(&self, job_id: i64, batch_no: i64) -> Result<Vec<AnsweredOp>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT retailer_id, method, hash, state, error FROM sync_op WHERE job_id = ?1 AND batch_no = ?2",
            )?
            .query_map(params![job_id, batch_no], |r| {
                Ok(AnsweredOp {
                    retailer_id: r.get(0)?,
                    method: r.get(1)?,
                    hash: r.get(2)?,
                    state: r.get(3)?,
                    error: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()
    }

    /// An item's removal was confirmed: a record still waiting for it goes, one taken
    /// over meanwhile forgets what was sent.
    pub fn item_removed(
        &self,
        catalog_id: &str,
        retailer_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "DELETE FROM catalog_item WHERE catalog_id = ?1 AND retailer_id = ?2 AND state = ?3",
            )?
            .execute(params![catalog_id, retailer_id, ItemState::Deleting])?;
        self.conn
            .prepare_cached(
                "UPDATE catalog_item SET sent_hash = NULL, updated_at = ?3 WHERE catalog_id = ?1 AND retailer_id = ?2",
            )?
            .execute(params![catalog_id, retailer_id, now])?;
        Ok(())
    }

    /// Items in the catalog as sent, each `(retailer id, content hash)`: a confirmed
    /// batch's creates and updates, [`IN_CHUNK`](super::sql::IN_CHUNK) per statement.
    pub fn items_synced(
        &self,
        catalog_id: &str,
        synced: &[(&str, Option<&str>)],
        now: i64,
    ) -> Result<(), StoreError> {
        let pairs = (0..IN_CHUNK)
            .map(|n| format!("WHEN ?{} THEN ?{}", 4 + 2 * n, 5 + 2 * n))
            .collect::<Vec<_>>()
            .join(" ");
        let ids = (0..IN_CHUNK)
            .map(|n| format!("?{}", 4 + 2 * n))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "UPDATE catalog_item SET state = ?2, sent_hash = CASE retailer_id {pairs} END, problems = '[]',
                 synced_at = ?3, updated_at = ?3 WHERE catalog_id = ?1 AND retailer_id IN ({ids})"
        ))?;
        for chunk in in_chunks(synced) {
            let mut values: Vec<&dyn Param> = vec![&catalog_id, &ItemState::Synced, &now];
            for (retailer_id, hash) in &chunk {
                values.extend([retailer_id as &dyn Param, hash]);
            }
            stmt.execute(values)?;
        }
        Ok(())
    }

    /// The API refused an item, for the reasons in `problems`.
    pub fn item_rejected(
        &self,
        catalog_id: &str,
        retailer_id: &str,
        problems: &[Problem],
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE catalog_item SET state = ?5, problems = ?3, updated_at = ?4 WHERE catalog_id = ?1 AND retailer_id = ?2",
            )?
            .execute(params![
                catalog_id,
                retailer_id,
                json!(problems).to_string(),
                now,
                ItemState::Rejected
            ])?;
        Ok(())
    }

    /// Ends a running job as done, if its plan is closed and every batch of it finished
    /// (in one statement: a plan closing at the same time may have queued more).
    pub fn finish_job(&self, job_id: i64, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_job SET state = ?3, error = NULL, wait_until_ms = 0, updated_at = ?2, finished_at = ?2
             WHERE id = ?1 AND state = ?4 AND planning_until_ms = 0
               AND NOT EXISTS (SELECT 1 FROM sync_batch WHERE job_id = ?1 AND state != ?5)",
            params![job_id, now, JobState::Done, JobState::Running, BatchState::Finished],
        )?;
        Ok(())
    }

    /// The vendor that most recently listed `retailer_id` in any catalog.
    pub fn vendor_of_retailer_id(&self, retailer_id: &str) -> Result<Option<u64>, StoreError> {
        let vendor: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT vendor_id FROM catalog_item WHERE retailer_id = ?1 ORDER BY updated_at DESC LIMIT 1",
            )?
            .query_row([retailer_id], |r| r.get(0))
            .optional()?;
        Ok(vendor.map(non_negative))
    }

    /// The post id the vendor's item `retailer_id` was most recently recorded for.
    pub fn product_of(&self, vendor_id: u64, retailer_id: &str) -> Result<Option<i64>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT product_id FROM catalog_item WHERE vendor_id = ?1 AND retailer_id = ?2 ORDER BY updated_at DESC LIMIT 1",
            )?
            .query_row(params![vendor(vendor_id), retailer_id], |r| r.get(0))
            .optional()
    }
}
