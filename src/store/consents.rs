//! Customers' consent records (`consent`, append-only) and their open invitations to
//! opt in on WhatsApp (`consent_invitation`).

use super::sql::{Db, OptionalExtension, Row, params};

use super::{Store, StoreError, WriteTx, text_column};
use crate::consent::{Purpose, Record, Source};

text_column!(Purpose: Purpose::as_str, Purpose::parse);
text_column!(Source: Source::as_str, Source::parse);

/// Consent records, inside or outside a transaction.
pub struct ConsentRepo<'a> {
    pub(super) conn: &'a Db,
}

impl Store {
    /// Consent records.
    pub fn consents(&self) -> ConsentRepo<'_> {
        ConsentRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Consent records, inside this transaction.
    pub fn consents(&self) -> ConsentRepo<'_> {
        ConsentRepo { conn: self.conn() }
    }
}

const RECORD_SELECT: &str =
    "SELECT customer, purpose, granted, source, text, order_id, created_at FROM consent";

fn record_from_row(r: &Row<'_>) -> Result<Record, StoreError> {
    Ok(Record {
        customer: r.get(0)?,
        purpose: r.get(1)?,
        granted: r.get(2)?,
        source: r.get(3)?,
        text: r.get(4)?,
        order_id: r
            .get::<_, Option<i64>>(5)?
            .and_then(|id| u64::try_from(id).ok()),
        at: r.get(6)?,
    })
}

impl ConsentRepo<'_> {
    /// Appends a record.
    pub fn append(&self, record: &Record) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO consent (customer, purpose, granted, source, text, order_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                record.customer,
                record.purpose,
                record.granted,
                record.source,
                record.text,
                record.order_id.map(|id| i64::try_from(id).unwrap_or(i64::MAX)),
                record.at
            ])?;
        Ok(())
    }

    /// The customer's latest record for `purpose`.
    pub fn latest(&self, customer: &str, purpose: Purpose) -> Result<Option<Record>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "{RECORD_SELECT} WHERE customer = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1"
            ))?
            .query_row(params![customer, purpose], record_from_row)
            .optional()
    }

    /// Every record of the customer's, oldest first.
    pub fn history(&self, customer: &str) -> Result<Vec<Record>, StoreError> {
        self.conn
            .prepare_cached(&format!("{RECORD_SELECT} WHERE customer = ?1 ORDER BY id"))?
            .query_map([customer], record_from_row)?
            .collect::<Result<_, _>>()
    }

    /// Opens (or renews) the customer's invitation to opt in.
    pub fn put_invitation(
        &self,
        customer: &str,
        order_id: Option<u64>,
        text: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO consent_invitation (customer, order_id, text, invited_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (customer) DO UPDATE SET order_id = excluded.order_id, text = excluded.text, invited_at = excluded.invited_at",
            )?
            .execute(params![
                customer,
                order_id.map(|id| i64::try_from(id).unwrap_or(i64::MAX)),
                text,
                at
            ])?;
        Ok(())
    }

    /// The customer's invitation made at or after `since`: its order and text.
    pub fn invitation(
        &self,
        customer: &str,
        since: i64,
    ) -> Result<Option<(Option<u64>, String)>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT order_id, text FROM consent_invitation WHERE customer = ?1 AND invited_at >= ?2",
            )?
            .query_row(params![customer, since], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?
                        .and_then(|id| u64::try_from(id).ok()),
                    r.get(1)?,
                ))
            })
            .optional()
    }

    /// Closes the customer's invitation.
    pub fn forget_invitation(&self, customer: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM consent_invitation WHERE customer = ?1")?
            .execute([customer])?;
        Ok(())
    }
}
