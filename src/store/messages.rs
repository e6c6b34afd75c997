//! Messages sent to customers from the marketplace number: what the 24-hour window,
//! per-customer pacing, the monthly allowance and automatic replies read and write in
//! `conversation` and `message`.

use super::sql::{Db, OptionalExtension, params};
use crate::pricing::CategoryCount;

use super::{Store, StoreError, WriteTx};

/// The vendor's conversation with a customer, as a send needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenConversation {
    /// Conversation id.
    pub id: i64,
    /// When the customer last wrote (Unix seconds), if ever.
    pub last_inbound_at: Option<i64>,
}

/// A message accepted by the API, to record.
#[derive(Debug, Clone, Copy)]
pub struct SentRecord<'m> {
    /// The vendor it was sent for.
    pub vendor_id: u64,
    /// The customer's WhatsApp id.
    pub customer: &'m str,
    /// The API's message id.
    pub wamid: &'m str,
    /// The WhatsApp message type.
    pub kind: &'m str,
    /// The text the conversation list shows.
    pub preview: &'m str,
    /// The request sent (JSON).
    pub raw: &'m str,
    /// When (Unix seconds).
    pub at: i64,
    /// The pricing category it is expected to be billed under, until its status says.
    pub pricing_category: &'m str,
}

/// Outbound messages, inside or outside a transaction.
pub struct MessageRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Outbound messages.
    pub fn messages(&self) -> MessageRepo<'_> {
        MessageRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Outbound messages, inside this transaction.
    pub fn messages(&self) -> MessageRepo<'_> {
        MessageRepo { conn: self.conn() }
    }
}

fn vendor(vendor_id: u64) -> i64 {
    i64::try_from(vendor_id).unwrap_or(i64::MAX)
}

impl MessageRepo<'_> {
    /// The vendor's conversation with `customer`, if there is one.
    pub fn open_conversation(
        &self,
        vendor_id: u64,
        customer: &str,
    ) -> Result<Option<OpenConversation>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT id, last_inbound_at FROM conversation WHERE vendor_id = ?1 AND customer = ?2",
            )?
            .query_row(params![vendor(vendor_id), customer], |r| {
                Ok(OpenConversation {
                    id: r.get(0)?,
                    last_inbound_at: r.get(1)?,
                })
            })
            .optional()
    }

    /// When anyone last sent `customer` a message from the marketplace number.
    pub fn last_sent_to(&self, customer: &str) -> Result<Option<i64>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT MAX(m.received_at) FROM message m JOIN conversation c ON c.id = m.conversation_id WHERE c.customer = ?1 AND m.direction = 'outbound'",
            )?
            .query_row([customer], |r| r.get(0))
    }

    /// Sends of the vendor under way, reserved at or after `since` (older reservations
    /// belong to sends that died and no longer hold a place).
    pub fn reserved_since(&self, vendor_id: u64, since: i64) -> Result<u64, StoreError> {
        let reserved: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM send_reservation WHERE vendor_id = ?1 AND reserved_at >= ?2",
            )?
            .query_row(params![vendor(vendor_id), since], |r| r.get(0))?;
        Ok(reserved.max(0) as u64)
    }

    /// When a send to `customer` still under way was reserved, the latest at or after
    /// `since`.
    pub fn last_reserved_for(&self, customer: &str, since: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT MAX(reserved_at) FROM send_reservation WHERE customer = ?1 AND reserved_at >= ?2",
            )?
            .query_row(params![customer, since], |r| r.get(0))
    }

    /// Sends of the vendor under way reserved at or after `since`, by the pricing
    /// category each is expected to be billed under: (category, count).
    pub fn reserved_by_category_since(
        &self,
        vendor_id: u64,
        since: i64,
    ) -> Result<Vec<(Option<String>, u64)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT pricing_category, COUNT(*) FROM send_reservation WHERE vendor_id = ?1 AND reserved_at >= ?2 GROUP BY pricing_category",
            )?
            .query_map(params![vendor(vendor_id), since], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })?
            .collect()
    }

    /// Reserves a send's place (see [`Self::reserved_since`]) at the pricing category
    /// it is expected to be billed under, and returns its id; drops reservations older
    /// than `stale_before` on the way.
    pub fn reserve_send(
        &self,
        vendor_id: u64,
        customer: &str,
        pricing_category: &str,
        now: i64,
        stale_before: i64,
    ) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("DELETE FROM send_reservation WHERE reserved_at < ?1")?
            .execute([stale_before])?;
        self.conn
            .prepare_cached(
                "INSERT INTO send_reservation (vendor_id, customer, reserved_at, pricing_category) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            )?
            .query_row(
                params![vendor(vendor_id), customer, now, pricing_category],
                |r| r.get(0),
            )
    }

    /// Gives a reservation back (the send was recorded, or failed).
    pub fn release_send(&self, reservation: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM send_reservation WHERE id = ?1")?
            .execute([reservation])?;
        Ok(())
    }

    /// Records a sent message in `conversation` (or the vendor's conversation with the
    /// customer, created if there is none) as read up to now, and returns the
    /// conversation's id.
    pub fn record_sent(
        &self,
        conversation: Option<i64>,
        sent: &SentRecord<'_>,
    ) -> Result<i64, StoreError> {
        let vendor = vendor(sent.vendor_id);
        let conversation_id = match conversation {
            Some(id) => id,
            None => self
                .conn
                .prepare_cached(
                    "INSERT INTO conversation (vendor_id, customer, last_text, last_message_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)
                     ON CONFLICT (vendor_id, customer) DO UPDATE SET last_text = excluded.last_text RETURNING id",
                )?
                .query_row(params![vendor, sent.customer, sent.preview, sent.at], |r| r.get(0))?,
        };
        self.conn
            .prepare_cached(
                "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, text, status, raw, sent_at, received_at, pricing_category)
                 VALUES (?1, ?2, ?3, 'outbound', ?4, ?5, 'accepted', ?6, ?7, ?7, ?8)",
            )?
            .execute(params![
                sent.wamid,
                conversation_id,
                vendor,
                sent.kind,
                sent.preview,
                sent.raw,
                sent.at,
                sent.pricing_category
            ])?;
        self.conn
            .prepare_cached(
                "UPDATE conversation SET last_text = ?2, last_message_at = ?3, unread = 0 WHERE id = ?1",
            )?
            .execute(params![conversation_id, sent.preview, sent.at])?;
        Ok(conversation_id)
    }

    /// Messages the vendor sent at or after `since`.
    pub fn sent_since(&self, vendor_id: u64, since: i64) -> Result<u64, StoreError> {
        let used: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM message WHERE vendor_id = ?1 AND direction = 'outbound' AND received_at >= ?2",
            )?
            .query_row(params![vendor(vendor_id), since], |r| r.get(0))?;
        Ok(used.max(0) as u64)
    }

    /// Outbound messages sent in `[since, until)` by vendor, pricing category and
    /// whether they are free (WhatsApp said not billable, or a free window's type: the
    /// rule of [`crate::pricing::is_free`]), for one vendor or, with `None`, every
    /// vendor at once (the Vendors page): one query either way.
    pub fn counts_by_category(
        &self,
        vendor_id: Option<u64>,
        since: i64,
        until: i64,
    ) -> Result<Vec<CategoryCount>, StoreError> {
        // -1 matches every vendor: vendor ids are never negative (CHECK).
        let vendor_id = vendor_id.map_or(-1, vendor);
        self.conn
            .prepare_cached(
                "SELECT vendor_id, pricing_category,
                        CASE WHEN billable = 0 OR pricing_type IN ('free_customer_service','free_entry_point') THEN 1 ELSE 0 END,
                        COUNT(*)
                   FROM message
                  WHERE (?1 < 0 OR vendor_id = ?1) AND direction = 'outbound' AND received_at >= ?2 AND received_at < ?3
                  GROUP BY vendor_id, pricing_category,
                        CASE WHEN billable = 0 OR pricing_type IN ('free_customer_service','free_entry_point') THEN 1 ELSE 0 END",
            )?
            .query_map(params![vendor_id, since, until], |r| {
                Ok(CategoryCount {
                    vendor_id: r.get::<_, i64>(0)?.max(0) as u64,
                    category: r.get(1)?,
                    free: r.get::<_, i64>(2)? != 0,
                    count: r.get::<_, i64>(3)?.max(0) as u64,
                })
            })?
            .collect()
    }

    /// Whether the vendor answered `customer` at or after `since`, through the
    /// marketplace number, from their own phone (a linked session), or from their
    /// WhatsApp Business app on the API's number (an echo, `smb_message_echoes`).
    pub fn answered_since(
        &self,
        vendor_id: u64,
        customer: &str,
        since: i64,
    ) -> Result<bool, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM message m JOIN conversation c ON c.id = m.conversation_id
                                 WHERE c.customer = ?1 AND c.vendor_id = ?3
                                   AND ((m.direction = 'outbound' AND m.received_at >= ?2)
                                        OR (m.direction = 'echo' AND m.sent_at >= ?2)))
                     OR EXISTS (SELECT 1 FROM vendor_reply WHERE vendor_id = ?3 AND customer = ?1 AND sent_at >= ?2)",
            )?
            .query_row(params![customer, since, vendor(vendor_id)], |r| r.get(0))
    }

    /// Messages of the vendor's conversation with `customer` not yet seen.
    pub fn unread(&self, vendor_id: u64, customer: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT unread FROM conversation WHERE vendor_id = ?1 AND customer = ?2",
            )?
            .query_row(params![vendor(vendor_id), customer], |r| r.get(0))
            .optional()
    }

    /// Sets how many messages of the vendor's conversation with `customer` are unseen.
    pub fn set_unread(
        &self,
        vendor_id: u64,
        customer: &str,
        unread: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE conversation SET unread = ?3 WHERE vendor_id = ?1 AND customer = ?2",
            )?
            .execute(params![vendor(vendor_id), customer, unread])?;
        Ok(())
    }

    /// Marks the sent message `wamid` an automatic reply, so response metrics do not
    /// take it for the vendor's answer.
    pub fn mark_auto_reply(&self, vendor_id: u64, wamid: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE message SET rule = 'auto_reply' WHERE wamid = ?1 AND vendor_id = ?2",
            )?
            .execute(params![wamid, vendor(vendor_id)])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::{CategoryCount, Pricing};

    fn sent(store: &Store, vendor_id: u64, wamid: &str, category: &str, at: i64) {
        store
            .messages()
            .record_sent(
                None,
                &SentRecord {
                    vendor_id,
                    customer: "15550001",
                    wamid,
                    kind: "template",
                    preview: "",
                    raw: "{}",
                    at,
                    pricing_category: category,
                },
            )
            .unwrap();
    }

    fn pricing(category: &str, billable: bool, pricing_type: &str) -> Pricing {
        Pricing {
            category: Some(category.into()),
            billable: Some(billable),
            pricing_type: Some(pricing_type.into()),
            pricing_model: Some("PMP".into()),
        }
    }

    /// Runs on both engines (`WPWA_TEST_MARIADB`): the month's counts by vendor,
    /// category and free-ness in one query, and statuses' pricing, latest first.
    #[test]
    fn month_counts_group_by_vendor_category_and_billing() {
        let store = Store::open_in_memory().unwrap();
        sent(&store, 1, "w1", "marketing", 100);
        sent(&store, 1, "w2", "marketing", 110);
        sent(&store, 1, "w3", "service", 120);
        sent(&store, 2, "w4", "utility", 130);
        sent(&store, 2, "w5", "utility", 300); // next month
        let conversations = store.conversations();
        conversations
            .set_message_pricing(
                "w2",
                &pricing("utility", false, "free_customer_service"),
                150,
            )
            .unwrap();
        // Stated earlier, arriving later: ignored.
        conversations
            .set_message_pricing("w2", &pricing("marketing", true, "regular"), 140)
            .unwrap();
        conversations
            .set_message_pricing("w3", &pricing("service", true, "regular"), 150)
            .unwrap();
        let mut all = store.messages().counts_by_category(None, 0, 200).unwrap();
        all.sort_by(|a, b| (a.vendor_id, &a.category).cmp(&(b.vendor_id, &b.category)));
        let row = |vendor_id, category: &str, free, count| CategoryCount {
            vendor_id,
            category: Some(category.into()),
            free,
            count,
        };
        assert_eq!(
            all,
            [
                row(1, "marketing", false, 1),
                row(1, "service", false, 1),
                row(1, "utility", true, 1),
                row(2, "utility", false, 1),
            ]
        );
        let one = store
            .messages()
            .counts_by_category(Some(2), 0, 200)
            .unwrap();
        assert_eq!(one, [row(2, "utility", false, 1)]);

        // Reservations carry their expected category.
        let r = store
            .messages()
            .reserve_send(1, "15550002", "marketing", 160, 0)
            .unwrap();
        store
            .messages()
            .reserve_send(1, "15550003", "marketing", 161, 0)
            .unwrap();
        assert_eq!(
            store.messages().reserved_by_category_since(1, 0).unwrap(),
            [(Some("marketing".to_owned()), 2)]
        );
        store.messages().release_send(r).unwrap();
        assert_eq!(
            store.messages().reserved_by_category_since(1, 0).unwrap(),
            [(Some("marketing".to_owned()), 1)]
        );
    }
}
