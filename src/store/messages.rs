//! Messages sent to customers from the marketplace number: what the 24-hour window,
//! per-customer pacing, the monthly allowance and automatic replies read and write in
//! `conversation` and `message`.

use super::sql::{Db, OptionalExtension, params};

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

    /// Reserves a send's place (see [`Self::reserved_since`]) and returns its id; drops
    /// reservations older than `stale_before` on the way.
    pub fn reserve_send(
        &self,
        vendor_id: u64,
        customer: &str,
        now: i64,
        stale_before: i64,
    ) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("DELETE FROM send_reservation WHERE reserved_at < ?1")?
            .execute([stale_before])?;
        self.conn
            .prepare_cached(
                "INSERT INTO send_reservation (vendor_id, customer, reserved_at) VALUES (?1, ?2, ?3) RETURNING id",
            )?
            .query_row(params![vendor(vendor_id), customer, now], |r| r.get(0))
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
                "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, text, status, raw, sent_at, received_at)
                 VALUES (?1, ?2, ?3, 'outbound', ?4, ?5, 'accepted', ?6, ?7, ?7)",
            )?
            .execute(params![
                sent.wamid,
                conversation_id,
                vendor,
                sent.kind,
                sent.preview,
                sent.raw,
                sent.at
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
