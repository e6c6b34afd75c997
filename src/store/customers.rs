//! Who each customer is (`customer_identity`): the key the other tables name them by,
//! and the identifiers WhatsApp gives for them. Moving one customer's rows onto
//! another's key, when a webhook shows the two are one person, is here too, since it
//! touches every table that names a customer.

use super::sql::{Db, OptionalExtension, Row, params};

use super::{Store, StoreError, WriteTx};
use crate::customer::{Customer, Identity};

/// Customers' identities, inside or outside a transaction.
pub struct CustomerRepo<'a> {
    pub(super) conn: &'a Db,
}

impl Store {
    /// Customers' identities.
    pub fn customers(&self) -> CustomerRepo<'_> {
        CustomerRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Customers' identities, inside this transaction.
    pub fn customers(&self) -> CustomerRepo<'_> {
        CustomerRepo { conn: self.conn() }
    }
}

const SELECT: &str = "SELECT customer, phone, bsuid, parent_bsuid, username, created_at, updated_at
     FROM customer_identity";

fn customer(row: &Row<'_>) -> Result<Customer, StoreError> {
    Ok(Customer {
        key: row.get(0)?,
        identity: Identity {
            phone: row.get(1)?,
            bsuid: row.get(2)?,
            parent_bsuid: row.get(3)?,
            username: row.get(4)?,
        },
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
    })
}

/// The tables that name a customer by key, with the column that does, other than
/// `conversation`, `vendor_menu` and `consent_invitation`, which hold one row per
/// customer (and vendor) and are merged row by row.
const REKEY_STATEMENTS: &[&str] = &[
    "UPDATE vendor_reply SET customer = ?1 WHERE customer = ?2",
    "UPDATE cart SET customer = ?1 WHERE customer = ?2",
    "UPDATE consent SET customer = ?1 WHERE customer = ?2",
    "UPDATE order_update SET customer = ?1 WHERE customer = ?2",
    "UPDATE send_reservation SET customer = ?1 WHERE customer = ?2",
];

impl CustomerRepo<'_> {
    /// The customer with this key.
    pub fn get(&self, key: &str) -> Result<Option<Customer>, StoreError> {
        self.find("customer", key)
    }

    /// The customer WhatsApp knows by this phone number (digits).
    pub fn by_phone(&self, phone: &str) -> Result<Option<Customer>, StoreError> {
        self.find("phone", phone)
    }

    /// The customer WhatsApp knows by this business-scoped user id.
    pub fn by_bsuid(&self, bsuid: &str) -> Result<Option<Customer>, StoreError> {
        self.find("bsuid", bsuid)
    }

    /// The customer whose key or unique identifier `column` (a fixed column name) is
    /// `value`.
    fn find(&self, column: &'static str, value: &str) -> Result<Option<Customer>, StoreError> {
        self.conn
            .query_row(
                &format!("{SELECT} WHERE {column} = ?1"),
                params![value],
                customer,
            )
            .optional()
    }

    /// The keys of every customer any of `terms` names: a key, a phone number, a BSUID,
    /// a parent BSUID or a username (without `@`).
    pub fn keys_matching(&self, term: &str) -> Result<Vec<String>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT customer FROM customer_identity
                 WHERE customer = ?1 OR phone = ?1 OR bsuid = ?1 OR parent_bsuid = ?1 OR username = ?1
                 ORDER BY created_at, customer",
            )?
            .query_map(params![term], |row| row.get(0))?
            .collect()
    }

    /// Records a new customer under `key`.
    pub fn insert(&self, key: &str, identity: &Identity, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO customer_identity (customer, phone, bsuid, parent_bsuid, username, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                key,
                identity.phone.as_deref(),
                identity.bsuid.as_deref(),
                identity.parent_bsuid.as_deref(),
                identity.username.as_deref(),
                now
            ],
        )?;
        Ok(())
    }

    /// Replaces what is known of the customer under `key` with `identity`.
    pub fn update(&self, key: &str, identity: &Identity, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE customer_identity SET phone = ?2, bsuid = ?3, parent_bsuid = ?4, username = ?5,
                 updated_at = ?6
             WHERE customer = ?1",
            params![
                key,
                identity.phone.as_deref(),
                identity.bsuid.as_deref(),
                identity.parent_bsuid.as_deref(),
                identity.username.as_deref(),
                now
            ],
        )?;
        Ok(())
    }

    /// Forgets the customer under `key` (privacy erasure).
    pub fn delete(&self, key: &str) -> Result<usize, StoreError> {
        self.conn.execute(
            "DELETE FROM customer_identity WHERE customer = ?1",
            params![key],
        )
    }

    /// Moves everything stored under the customer key `from` onto `into`, the same
    /// person: conversations with the same vendor become one (messages moved, the
    /// later activity kept), and `from`'s identity row goes. Run inside a transaction.
    pub fn merge(&self, from: &str, into: &str) -> Result<(), StoreError> {
        let pairs: Vec<(i64, Option<i64>)> = self
            .conn
            .prepare_cached(
                "SELECT a.id, b.id FROM conversation a
                 LEFT JOIN conversation b ON b.vendor_id = a.vendor_id AND b.customer = ?2
                 WHERE a.customer = ?1",
            )?
            .query_map(params![from, into], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (moving, kept) in pairs {
            match kept {
                None => {
                    self.conn.execute(
                        "UPDATE conversation SET customer = ?1 WHERE id = ?2",
                        params![into, moving],
                    )?;
                }
                Some(kept) => {
                    self.conn.execute(
                        "UPDATE message SET conversation_id = ?1 WHERE conversation_id = ?2",
                        params![kept, moving],
                    )?;
                    let (last_text, last_message_at, last_inbound_at, unread): (
                        Option<String>,
                        i64,
                        Option<i64>,
                        i64,
                    ) = self.conn.query_row(
                        "SELECT last_text, last_message_at, last_inbound_at, unread
                         FROM conversation WHERE id = ?1",
                        params![moving],
                        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                    )?;
                    self.conn.execute(
                        "UPDATE conversation SET
                             last_text = CASE WHEN last_message_at < ?2 THEN ?3 ELSE last_text END,
                             last_message_at = MAX(last_message_at, ?2),
                             last_inbound_at = NULLIF(MAX(COALESCE(last_inbound_at, 0), COALESCE(?4, 0)), 0),
                             unread = unread + ?5
                         WHERE id = ?1",
                        params![kept, last_message_at, last_text, last_inbound_at, unread],
                    )?;
                    self.conn
                        .execute("DELETE FROM conversation WHERE id = ?1", params![moving])?;
                }
            }
        }
        for table in ["vendor_menu", "consent_invitation"] {
            let kept: Option<String> = self
                .conn
                .query_row(
                    &format!("SELECT customer FROM {table} WHERE customer = ?1"),
                    params![into],
                    |row| row.get(0),
                )
                .optional()?;
            match kept {
                Some(_) => self.conn.execute(
                    &format!("DELETE FROM {table} WHERE customer = ?1"),
                    params![from],
                )?,
                None => self.conn.execute(
                    &format!("UPDATE {table} SET customer = ?1 WHERE customer = ?2"),
                    params![into, from],
                )?,
            };
        }
        for statement in REKEY_STATEMENTS {
            self.conn.execute(statement, params![into, from])?;
        }
        self.delete(from)?;
        Ok(())
    }
}
