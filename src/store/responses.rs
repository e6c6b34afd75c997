//! What response metrics read: customers' messages and vendors' answers, including
//! the answers seen from the vendors' own phones (`vendor_reply`).

use super::sql::{Db, params};

use super::{Store, StoreError, WriteTx};

/// One point of a vendor's conversations in time, as response metrics read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnEvent {
    /// The customer's WhatsApp id.
    pub customer: String,
    /// When (Unix seconds).
    pub at: i64,
    /// True for the customer's message, false for the vendor's answer.
    pub inbound: bool,
}

/// Response records, inside or outside a transaction.
pub struct ResponseRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Response records.
    pub fn responses(&self) -> ResponseRepo<'_> {
        ResponseRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Response records, inside this transaction.
    pub fn responses(&self) -> ResponseRepo<'_> {
        ResponseRepo { conn: self.conn() }
    }
}

fn vendor(vendor_id: u64) -> i64 {
    i64::try_from(vendor_id).unwrap_or(i64::MAX)
}

impl ResponseRepo<'_> {
    /// Records a message the vendor sent from their linked session; false when this
    /// gateway message was recorded before.
    pub fn record_reply(
        &self,
        vendor_id: u64,
        gateway_id: &str,
        customer: &str,
        sent_at: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO vendor_reply (vendor_id, gateway_id, customer, sent_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (vendor_id, gateway_id) DO NOTHING",
            )?
            .execute(params![vendor(vendor_id), gateway_id, customer, sent_at])?;
        Ok(inserted == 1)
    }

    /// Every customer message to the vendor at or after `since` and every human answer
    /// (automatic replies are not answers; what the vendor sent from their WhatsApp
    /// Business app, an echo, is) at or after `answers_since`, per customer in time
    /// order, a message before an answer at the same second.
    pub fn timeline(
        &self,
        vendor_id: u64,
        since: i64,
        answers_since: i64,
    ) -> Result<Vec<TurnEvent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.customer, m.sent_at, 1 FROM message m JOIN conversation c ON c.id = m.conversation_id
              WHERE m.vendor_id = ?1 AND m.direction = 'inbound' AND m.sent_at >= ?2
             UNION ALL
             SELECT c.customer, m.received_at, 0 FROM message m JOIN conversation c ON c.id = m.conversation_id
              WHERE m.vendor_id = ?1 AND m.direction = 'outbound' AND COALESCE(m.rule, '') <> 'auto_reply' AND m.received_at >= ?3
             UNION ALL
             SELECT c.customer, m.sent_at, 0 FROM message m JOIN conversation c ON c.id = m.conversation_id
              WHERE m.vendor_id = ?1 AND m.direction = 'echo' AND m.sent_at >= ?3
             UNION ALL
             SELECT customer, sent_at, 0 FROM vendor_reply WHERE vendor_id = ?1 AND sent_at >= ?3
             ORDER BY 1, 2, 3",
        )?;
        let rows = stmt.query_map(params![vendor(vendor_id), since, answers_since], |r| {
            Ok(TurnEvent {
                customer: r.get(0)?,
                at: r.get(1)?,
                inbound: r.get::<_, i64>(2)? == 1,
            })
        })?;
        rows.collect::<Result<_, _>>()
    }
}
