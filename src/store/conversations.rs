//! Customer conversations: `conversation`, the messages in them (`message`), their
//! delivery statuses (`message_status`) and the shop menus customers were sent
//! (`vendor_menu`).

use super::sql::{Db, OptionalExtension, Row, params};

use super::{Store, StoreError, WriteTx, text_column};
use crate::conversation::ConversationSummary;
use crate::inbound::{ApiError, Direction, Message};
use crate::routing::Rule;

text_column!(Direction {
    Direction::Inbound => "inbound",
    Direction::Echo => "echo",
});

/// A conversation's last message of one direction: the customer's, or the vendor's
/// from their WhatsApp Business app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastMessage {
    /// Its text.
    pub text: Option<String>,
    /// Its WhatsApp type.
    pub kind: String,
    /// When it was sent (Unix seconds).
    pub sent_at: i64,
    /// How it was routed (JSON).
    pub route: String,
}

/// The last message sent to the customer in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastOutbound {
    /// Its `wamid`.
    pub wamid: String,
    /// Its latest delivery status.
    pub status: Option<String>,
    /// The Graph error code of a failure.
    pub error_code: Option<i64>,
    /// When it was sent (Unix seconds).
    pub sent_at: i64,
}

/// A message sent to a customer, as a delivery failure names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentMessage {
    /// The vendor it was sent for.
    pub vendor_id: u64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The Graph error code recorded.
    pub error_code: Option<i64>,
}

/// Customer conversations, inside or outside a transaction.
pub struct ConversationRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Customer conversations.
    pub fn conversations(&self) -> ConversationRepo<'_> {
        ConversationRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Customer conversations, inside this transaction.
    pub fn conversations(&self) -> ConversationRepo<'_> {
        ConversationRepo { conn: self.conn() }
    }
}

fn vendor(vendor_id: u64) -> i64 {
    i64::try_from(vendor_id).unwrap_or(i64::MAX)
}

/// The columns of a [`ConversationSummary`], in [`summary_from_row`]'s order.
/// The customer's phone and username come from their identity, when recorded.
const SUMMARY_SELECT: &str = "SELECT c.id, c.customer, c.customer_name, c.product, c.last_text,
     c.last_message_at, c.unread, i.phone, i.username
     FROM conversation c LEFT JOIN customer_identity i ON i.customer = c.customer";

fn summary_from_row(r: &Row<'_>) -> Result<ConversationSummary, StoreError> {
    let customer: String = r.get(1)?;
    Ok(ConversationSummary {
        id: r.get(0)?,
        customer_name: r.get(2)?,
        phone: r
            .get::<_, Option<String>>(7)?
            .or_else(|| crate::customer::key_phone(&customer)),
        customer,
        username: r.get(8)?,
        product: r.get(3)?,
        product_id: None,
        last_text: r.get(4)?,
        last_message_at: r.get(5)?,
        unread: r.get(6)?,
        customer_text: None,
        customer_at: None,
        app_reply: None,
        items: Vec::new(),
        failure: None,
    })
}

impl ConversationRepo<'_> {
    /// Whether a message with this `wamid` is stored.
    pub fn message_seen(&self, wamid: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM message WHERE wamid = ?1)")?
            .query_row([wamid], |r| r.get(0))
    }

    /// The vendor (not the marketplace team) the customer last wrote with at or after
    /// `since`.
    pub fn recent_vendor(&self, customer: &str, since: i64) -> Result<Option<u64>, StoreError> {
        let found: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT vendor_id FROM conversation WHERE customer = ?1 AND vendor_id > 0 AND last_message_at >= ?2
                 ORDER BY last_message_at DESC LIMIT 1",
            )?
            .query_row(params![customer, since], |r| r.get(0))
            .optional()?;
        Ok(found.map(|v| v.max(0) as u64))
    }

    /// Records that the customer was asked which shop they mean.
    pub fn menu_asked(&self, customer: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO vendor_menu (customer, asked_at) VALUES (?1, ?2) ON CONFLICT (customer) DO UPDATE SET asked_at = excluded.asked_at",
            )?
            .execute(params![customer, now])?;
        Ok(())
    }

    /// The customer chose a shop: the question is closed.
    pub fn menu_answered(&self, customer: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM vendor_menu WHERE customer = ?1")?
            .execute([customer])?;
        Ok(())
    }

    /// Records `message` in the vendor's conversation with its customer (created on
    /// the first) and returns the conversation's id. `product` is the retailer id this
    /// vendor's part is about; `preview` the text the list shows. A message from the
    /// customer (`inbound`) counts unread and opens the service window.
    pub fn touch(
        &self,
        vendor_id: u64,
        message: &Message,
        product: Option<&str>,
        preview: &str,
        now: i64,
        inbound: bool,
    ) -> Result<i64, StoreError> {
        self
            .conn
            .prepare_cached(
                "INSERT INTO conversation (vendor_id, customer, customer_name, product, last_text, last_message_at, last_inbound_at, unread, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?6)
                 ON CONFLICT (vendor_id, customer) DO UPDATE SET
                     customer_name = COALESCE(excluded.customer_name, customer_name),
                     product = COALESCE(excluded.product, product),
                     last_text = excluded.last_text,
                     last_message_at = MAX(last_message_at, excluded.last_message_at),
                     last_inbound_at = COALESCE(excluded.last_inbound_at, last_inbound_at),
                     unread = unread + excluded.unread
                 RETURNING id",
            )?
            .query_row(
                params![
                    vendor(vendor_id),
                    message.customer,
                    message.customer_name,
                    product,
                    preview,
                    now,
                    inbound.then_some(message.timestamp.max(0).min(now)),
                    i64::from(inbound)
                ],
                |r| r.get(0),
            )
    }

    /// Records a past message (a `history` import) in the vendor's conversation with
    /// its customer and returns the conversation's id: the conversation's time and
    /// preview move only forward (chunks come in any order), nothing is counted
    /// unread and the service window is not touched.
    pub fn touch_imported(
        &self,
        vendor_id: u64,
        message: &Message,
        preview: &str,
    ) -> Result<i64, StoreError> {
        self
            .conn
            .prepare_cached(
                "INSERT INTO conversation (vendor_id, customer, customer_name, product, last_text, last_message_at, last_inbound_at, unread, created_at)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5, NULL, 0, ?5)
                 ON CONFLICT (vendor_id, customer) DO UPDATE SET
                     last_text = CASE WHEN excluded.last_message_at >= last_message_at THEN excluded.last_text ELSE last_text END,
                     last_message_at = MAX(last_message_at, excluded.last_message_at),
                     created_at = MIN(created_at, excluded.created_at)
                 RETURNING id",
            )?
            .query_row(
                params![
                    vendor(vendor_id),
                    message.customer,
                    message.customer_name,
                    preview,
                    message.timestamp.max(0)
                ],
                |r| r.get(0),
            )
    }

    /// Stores a received message (once per wamid and vendor).
    pub fn insert_received(
        &self,
        message: &Message,
        vendor_id: u64,
        conversation: i64,
        rule: Option<Rule>,
        route: &serde_json::Value,
        now: i64,
    ) -> Result<(), StoreError> {
        let error: Option<&ApiError> = message.errors.first();
        self.conn
            .prepare_cached(
                "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, text, rule, route, error_code, error_title, raw, sent_at, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (wamid, vendor_id) DO NOTHING",
            )?
            .execute(params![
                message.id,
                conversation,
                vendor(vendor_id),
                message.direction,
                message.kind,
                message.text,
                rule.map(Rule::as_str),
                route.to_string(),
                error.map(|e| e.code),
                error.map(|e| e.title.clone()),
                message.raw.to_string(),
                message.timestamp,
                now,
            ])?;
        Ok(())
    }

    /// Records a (message, status) pair; false when it was recorded before.
    pub fn record_status(&self, wamid: &str, status: &str, at: i64) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO message_status (wamid, status, at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![wamid, status, at])?;
        Ok(inserted == 1)
    }

    /// The current status of the message `wamid`: `None` when no such message is
    /// stored, `Some(None)` when it has none yet.
    pub fn message_status(&self, wamid: &str) -> Result<Option<Option<String>>, StoreError> {
        self.conn
            .prepare_cached("SELECT status FROM message WHERE wamid = ?1 LIMIT 1")?
            .query_row([wamid], |r| r.get(0))
            .optional()
    }

    /// Moves the message `wamid` to `status`, keeping an earlier error unless `error`
    /// gives one.
    pub fn set_message_status(
        &self,
        wamid: &str,
        status: &str,
        error: Option<&ApiError>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE message SET status = ?2, error_code = COALESCE(?3, error_code), error_title = COALESCE(?4, error_title) WHERE wamid = ?1",
            )?
            .execute(params![
                wamid,
                status,
                error.map(|e| e.code),
                error.map(|e| e.title.clone())
            ])?;
        Ok(())
    }

    /// Records how WhatsApp billed the sent message `wamid` (a status's `pricing`,
    /// stated at `at`): the fields it gives replace the stored ones, unless a status
    /// stated later was applied already (statuses arrive in any order; the latest
    /// wins).
    pub fn set_message_pricing(
        &self,
        wamid: &str,
        pricing: &crate::pricing::Pricing,
        at: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE message SET pricing_category = COALESCE(?2, pricing_category), billable = COALESCE(?3, billable),
                        pricing_type = COALESCE(?4, pricing_type), pricing_model = COALESCE(?5, pricing_model), pricing_at = ?6
                  WHERE wamid = ?1 AND direction = 'outbound' AND (pricing_at IS NULL OR pricing_at <= ?6)",
            )?
            .execute(params![
                wamid,
                pricing.category.as_deref(),
                pricing.billable.map(i64::from),
                pricing.pricing_type.as_deref(),
                pricing.pricing_model.as_deref(),
                at
            ])?;
        Ok(())
    }

    /// The message `wamid` when it was one sent to a customer.
    pub fn sent_message(&self, wamid: &str) -> Result<Option<SentMessage>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT vendor_id, conversation_id, error_code FROM message WHERE wamid = ?1 AND direction = 'outbound' LIMIT 1",
            )?
            .query_row([wamid], |r| {
                Ok(SentMessage {
                    vendor_id: r.get::<_, i64>(0)?.max(0) as u64,
                    conversation_id: r.get(1)?,
                    error_code: r.get(2)?,
                })
            })
            .optional()
    }

    /// One of the vendor's conversations by id, without what its messages add.
    pub fn summary(
        &self,
        vendor_id: u64,
        id: i64,
    ) -> Result<Option<ConversationSummary>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE c.vendor_id = ?1 AND c.id = ?2"
            ))?
            .query_row(params![vendor(vendor_id), id], summary_from_row)
            .optional()
    }

    /// The vendor's `limit` most recent conversations, without what their messages add.
    pub fn summaries(
        &self,
        vendor_id: u64,
        limit: u32,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        self
            .conn
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE c.vendor_id = ?1 ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?2"
            ))?
            .query_map(params![vendor(vendor_id), limit], summary_from_row)?
            .collect::<Result<Vec<_>, _>>()
    }

    /// The customer's last message in the conversation.
    pub fn last_inbound(&self, conversation_id: i64) -> Result<Option<LastMessage>, StoreError> {
        self.last_of(conversation_id, Direction::Inbound)
    }

    /// The last message the vendor sent from their WhatsApp Business app in the
    /// conversation (an echo): its text (or kind) and when.
    pub fn last_echo(&self, conversation_id: i64) -> Result<Option<LastMessage>, StoreError> {
        self.last_of(conversation_id, Direction::Echo)
    }

    fn last_of(
        &self,
        conversation_id: i64,
        direction: Direction,
    ) -> Result<Option<LastMessage>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT text, kind, sent_at, route FROM message WHERE conversation_id = ?1 AND direction = ?2 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![conversation_id, direction], |r| {
                Ok(LastMessage {
                    text: r.get(0)?,
                    kind: r.get(1)?,
                    sent_at: r.get(2)?,
                    route: r.get(3)?,
                })
            })
            .optional()
    }

    /// The last message sent to the customer in the conversation.
    pub fn last_outbound(&self, conversation_id: i64) -> Result<Option<LastOutbound>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT wamid, status, error_code, received_at FROM message WHERE conversation_id = ?1 AND direction = 'outbound' ORDER BY id DESC LIMIT 1",
            )?
            .query_row([conversation_id], |r| {
                Ok(LastOutbound {
                    wamid: r.get(0)?,
                    status: r.get(1)?,
                    error_code: r.get(2)?,
                    sent_at: r.get(3)?,
                })
            })
            .optional()
    }

    /// When WhatsApp reported the message `wamid` failed.
    pub fn failed_at(&self, wamid: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached("SELECT at FROM message_status WHERE wamid = ?1 AND status = 'failed'")?
            .query_row([wamid], |r| r.get(0))
            .optional()
    }
}
