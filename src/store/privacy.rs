//! A customer's personal data across the conversation tables: the export of it, its
//! erasure, and the retention purge.

use super::sql::{Db, Param};

use super::{Store, StoreError, WriteTx};
use crate::privacy::{CustomerConversation, CustomerData, CustomerMessage, Removed};

/// Whose data a removal takes.
#[derive(Debug, Clone, Copy)]
pub enum RemovalScope<'a> {
    /// Everything about the customer with this WhatsApp id.
    Customer(&'a str),
    /// Conversations nobody wrote in since this time (Unix seconds), with the vendor
    /// answers and shop menus older than it.
    OlderThan(i64),
}

/// Personal data requests, inside or outside a transaction.
pub struct PrivacyRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Personal data requests.
    pub fn privacy(&self) -> PrivacyRepo<'_> {
        PrivacyRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Personal data requests, inside this transaction.
    pub fn privacy(&self) -> PrivacyRepo<'_> {
        PrivacyRepo { conn: self.conn() }
    }
}

impl PrivacyRepo<'_> {
    /// Everything stored about the customer with WhatsApp id `customer`.
    pub fn customer_data(&self, customer: &str) -> Result<CustomerData, StoreError> {
        let mut conversations = Vec::new();
        let mut convs = self.conn.prepare_cached(
            "SELECT id, vendor_id, customer_name, product, created_at FROM conversation
             WHERE customer = ?1 ORDER BY last_message_at DESC, id DESC",
        )?;
        let mut msgs = self.conn.prepare_cached(
            "SELECT direction, kind, text, status, sent_at FROM message
             WHERE conversation_id = ?1 ORDER BY sent_at, id",
        )?;
        let rows = convs.query_map([customer], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (id, vendor_id, customer_name, product, created_at) = row?;
            let messages = msgs
                .query_map([id], |r| {
                    Ok(CustomerMessage {
                        direction: r.get(0)?,
                        kind: r.get(1)?,
                        text: r.get(2)?,
                        status: r.get(3)?,
                        sent_at: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            conversations.push(CustomerConversation {
                vendor_id: vendor_id.max(0) as u64,
                customer_name,
                product,
                created_at,
                messages,
            });
        }
        let vendor_replies: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM vendor_reply WHERE customer = ?1")?
            .query_row([customer], |r| r.get(0))?;
        let asked_for_shop_at: Option<i64> = self
            .conn
            .prepare_cached("SELECT asked_at FROM vendor_menu WHERE customer = ?1")?
            .query_map([customer], |r| r.get(0))?
            .next()
            .transpose()?;
        let consents = super::ConsentRepo { conn: self.conn }.history(customer)?;
        let order_updates = super::OrderUpdateRepo { conn: self.conn }.for_customer(customer)?;
        let carts = super::CartRepo { conn: self.conn }.for_customer(customer)?;
        let identity = super::CustomerRepo { conn: self.conn }
            .get(customer)?
            .map(|c| c.identity);
        Ok(CustomerData {
            identity,
            phone: None,
            conversations,
            vendor_replies: vendor_replies.max(0) as u64,
            asked_for_shop_at,
            consents,
            order_updates,
            carts,
        })
    }

    /// Deletes the conversations in `scope` with their messages and the messages'
    /// delivery statuses, the vendor answers, shop menus and carts in `scope` (for one
    /// customer, their consent records and order updates too). Run it in a
    /// [`WriteTx`] so that a failure half-way removes nothing.
    pub fn remove(&self, scope: RemovalScope<'_>) -> Result<Removed, StoreError> {
        // SQL conditions on `?1`, over `conversation c`, `vendor_reply` and `vendor_menu`.
        let (value, conversations, replies, menus): (&dyn Param, &str, &str, &str) = match &scope {
            RemovalScope::Customer(customer) => (
                customer,
                "c.customer = ?1",
                "customer = ?1",
                "customer = ?1",
            ),
            RemovalScope::OlderThan(before) => (
                before,
                "c.last_message_at < ?1",
                "sent_at < ?1",
                "asked_at < ?1",
            ),
        };
        self.conn.execute(
            &format!(
                "DELETE FROM message_status WHERE wamid IN (
                     SELECT m.wamid FROM message m JOIN conversation c ON c.id = m.conversation_id WHERE {conversations})"
            ),
            [value],
        )?;
        let messages = self.conn.execute(
            &format!(
                "DELETE FROM message WHERE conversation_id IN (SELECT c.id FROM conversation c WHERE {conversations})"
            ),
            [value],
        )?;
        let conversations = self.conn.execute(
            &format!(
                "DELETE FROM conversation WHERE id IN (SELECT c.id FROM conversation c WHERE {conversations})"
            ),
            [value],
        )?;
        // Carts (with the record of the orders they became): the customer's, or the
        // finished ones received before the cut-off.
        let carts = match &scope {
            RemovalScope::Customer(_) => "customer = ?1",
            RemovalScope::OlderThan(_) => "received_at < ?1 AND state IN ('ordered','refused')",
        };
        let other = self.conn.execute(
            &format!("DELETE FROM vendor_reply WHERE {replies}"),
            [value],
        )? + self
            .conn
            .execute(&format!("DELETE FROM vendor_menu WHERE {menus}"), [value])?
            + self
                .conn
                .execute(&format!("DELETE FROM cart WHERE {carts}"), [value])?;
        // Consent records and order updates name the customer too; the retention purge
        // keeps them (consent is the proof a template was allowed).
        let other = other
            + match scope {
                RemovalScope::Customer(customer) => [
                    "consent",
                    "consent_invitation",
                    "order_update",
                    "customer_identity",
                ]
                .iter()
                .map(|table| {
                    self.conn.execute(
                        &format!("DELETE FROM {table} WHERE customer = ?1"),
                        [customer],
                    )
                })
                .sum::<Result<usize, _>>()?,
                RemovalScope::OlderThan(_) => 0,
            };
        Ok(Removed {
            conversations: conversations as u64,
            messages: messages as u64,
            other: other as u64,
        })
    }

    /// The rows of each table in which any text column holds `text`, for the tables
    /// where some do: what an auditor checks after an erasure (the customer's number
    /// in no row, not even inside a stored payload).
    pub fn mentions(&self, text: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
        let mut found = Vec::new();
        for table in self.conn.tables()? {
            // Names come from the schema, not from a caller; quoted all the same.
            let columns = self.conn.text_columns(&table)?;
            if columns.is_empty() {
                continue;
            }
            let any = columns
                .iter()
                .map(|c| format!("instr({}, ?1) > 0", quote(c)))
                .collect::<Vec<_>>()
                .join(" OR ");
            let rows: i64 = self.conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM {} WHERE {any}",
                    super::quote_table(self.conn, &table)
                ),
                [text],
                |r| r.get(0),
            )?;
            if rows > 0 {
                found.push((table, rows as u64));
            }
        }
        Ok(found)
    }
}
