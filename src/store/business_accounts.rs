//! The state of each WhatsApp Business account as `account_update` webhooks set it
//! (`business_account`, one row per WABA id).

use super::sql::{Db, OptionalExtension, Row, params};

use super::{Store, StoreError, WriteTx, text_column};
use crate::business_account::{AccountState, BusinessAccount};

text_column!(AccountState: AccountState::as_str, AccountState::parse);

/// An account's state to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessAccountRecord<'a> {
    /// The account.
    pub waba_id: &'a str,
    /// Its state.
    pub state: AccountState,
    /// The event applied (its webhook name).
    pub last_event: &'a str,
    /// Its reason, when given.
    pub reason: Option<&'a str>,
    /// Who started it, when given.
    pub initiated_by: Option<&'a str>,
    /// The phone number the event named, when given.
    pub phone_number: Option<&'a str>,
    /// When the event happened (Unix seconds).
    pub event_at: i64,
    /// When the state last changed (Unix seconds).
    pub changed_at: i64,
}

/// Business accounts' states, inside or outside a transaction.
pub struct BusinessAccountRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Business accounts' states.
    pub fn business_accounts(&self) -> BusinessAccountRepo<'_> {
        BusinessAccountRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Business accounts' states, inside this transaction.
    pub fn business_accounts(&self) -> BusinessAccountRepo<'_> {
        BusinessAccountRepo { conn: self.conn() }
    }
}

const SELECT: &str = "SELECT waba_id, state, last_event, reason, initiated_by, phone_number,
     event_at, changed_at FROM business_account";

fn account(row: &Row<'_>) -> Result<BusinessAccount, StoreError> {
    Ok(BusinessAccount {
        waba_id: row.get(0)?,
        state: row.get(1)?,
        last_event: row.get(2)?,
        reason: row.get(3)?,
        initiated_by: row.get(4)?,
        phone_number: row.get(5)?,
        event_at: row.get(6)?,
        changed_at: row.get(7)?,
    })
}

impl BusinessAccountRepo<'_> {
    /// One account's state.
    pub fn get(&self, waba_id: &str) -> Result<Option<BusinessAccount>, StoreError> {
        self.conn
            .query_row(
                &format!("{SELECT} WHERE waba_id = ?1"),
                params![waba_id],
                account,
            )
            .optional()
    }

    /// Every account's state, by WABA id.
    pub fn list(&self) -> Result<Vec<BusinessAccount>, StoreError> {
        let mut statement = self.conn.prepare(&format!("{SELECT} ORDER BY waba_id"))?;
        let rows = statement.query_map(params![], account)?;
        rows.collect::<Result<_, _>>()
    }

    /// Stores an account's state, replacing the one stored.
    pub fn put(&self, record: &BusinessAccountRecord<'_>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO business_account
                 (waba_id, state, last_event, reason, initiated_by, phone_number, event_at, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (waba_id) DO UPDATE SET
                 state = excluded.state,
                 last_event = excluded.last_event,
                 reason = excluded.reason,
                 initiated_by = excluded.initiated_by,
                 phone_number = excluded.phone_number,
                 event_at = excluded.event_at,
                 changed_at = excluded.changed_at",
            params![
                record.waba_id,
                record.state,
                record.last_event,
                record.reason,
                record.initiated_by,
                record.phone_number,
                record.event_at,
                record.changed_at
            ],
        )?;
        Ok(())
    }
}
