//! SQL of the per-product catalog checks ([`crate::catalog::checks`]).

use super::sql::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::catalog::Problem;
use crate::catalog::checks::{Check, CheckStatus, CheckedCatalog, Scope};

impl Store {
    /// Stores `checks` of `vendor_id` in place of the ones `scope` names, in one
    /// transaction; a whole pass also records the rules it was made under.
    pub(crate) fn catalog_checks_record(
        &self,
        vendor_id: u64,
        checks: &[Check],
        scope: &Scope<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        let vendor = vendor_id as i64;
        self.transact(|tx| {
        match scope {
            Scope::Whole { rules_key } => {
                tx.conn()
                    .execute("DELETE FROM catalog_check WHERE vendor_id = ?1", [vendor])?;
                tx.conn().execute(
                    "INSERT INTO catalog_check_pass (vendor_id, rules_key, checked_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (vendor_id) DO UPDATE SET rules_key = excluded.rules_key,
                         checked_at = excluded.checked_at",
                    params![vendor, rules_key, now],
                )?;
            }
            Scope::Products(parents) => {
                let mut forget = tx.conn().prepare_cached(
                    "DELETE FROM catalog_check WHERE parent_id = ?1 OR product_id = ?1",
                )?;
                for parent in *parents {
                    forget.execute([*parent as i64])?;
                }
            }
        }
        {
            // A product checked again (or moved from another vendor) replaces its row.
            let mut insert = tx.conn().prepare_cached(
                "INSERT INTO catalog_check (product_id, parent_id, vendor_id, retailer_id, status, problems, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (product_id) DO UPDATE SET parent_id = excluded.parent_id,
                     vendor_id = excluded.vendor_id, retailer_id = excluded.retailer_id,
                     status = excluded.status, problems = excluded.problems,
                     checked_at = excluded.checked_at",
            )?;
            for check in checks {
                let problems =
                    serde_json::to_string(&check.problems).unwrap_or_else(|_| "[]".into());
                insert.execute(params![
                    check.product_id as i64,
                    check.parent_id as i64,
                    vendor,
                    check.retailer_id,
                    check.status.as_str(),
                    problems,
                    now
                ])?;
            }
        }
        Ok(())
        })
    }

    /// The vendor's stored checks when a whole pass under `rules_key` was made.
    pub(crate) fn catalog_checks_read(
        &self,
        vendor_id: u64,
        rules_key: &str,
        limit: u32,
    ) -> Result<Option<CheckedCatalog>, StoreError> {
        let vendor = vendor_id as i64;
        let pass: Option<String> = self
            .conn()
            .prepare_cached("SELECT rules_key FROM catalog_check_pass WHERE vendor_id = ?1")?
            .query_row([vendor], |r| r.get(0))
            .optional()?;
        if pass.as_deref() != Some(rules_key) {
            return Ok(None);
        }
        let (ready, invalid): (i64, i64) = self
            .conn()
            .prepare_cached(
                "SELECT COALESCE(SUM(status = 'ready'), 0), COALESCE(SUM(status = 'invalid'), 0)
                 FROM catalog_check WHERE vendor_id = ?1",
            )?
            .query_row([vendor], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut statement = self.conn().prepare_cached(
            "SELECT product_id, parent_id, retailer_id, status, problems FROM catalog_check
             WHERE vendor_id = ?1 AND status = 'invalid' ORDER BY product_id LIMIT ?2",
        )?;
        let attention = statement
            .query_map(params![vendor, limit], |r| {
                let status: String = r.get(3)?;
                let problems: String = r.get(4)?;
                Ok(Check {
                    product_id: r.get::<_, i64>(0)?.max(0) as u64,
                    parent_id: r.get::<_, i64>(1)?.max(0) as u64,
                    retailer_id: r.get(2)?,
                    status: CheckStatus::parse(&status).unwrap_or(CheckStatus::Invalid),
                    problems: serde_json::from_str::<Vec<serde_json::Value>>(&problems)
                        .unwrap_or_default()
                        .into_iter()
                        .map(Problem::from_stored)
                        .collect(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(CheckedCatalog {
            ready: ready.max(0) as u64,
            needs_attention: invalid.max(0) as u64,
            attention,
        }))
    }

    /// Deletes the vendor's checks and whole pass. Returns whether there were any.
    pub(crate) fn catalog_checks_forget(&self, vendor_id: u64) -> Result<bool, StoreError> {
        let vendor = vendor_id as i64;
        self.transact(|tx| {
            let checks = tx
                .conn()
                .execute("DELETE FROM catalog_check WHERE vendor_id = ?1", [vendor])?;
            let pass = tx.conn().execute(
                "DELETE FROM catalog_check_pass WHERE vendor_id = ?1",
                [vendor],
            )?;
            Ok(checks + pass > 0)
        })
    }
}
