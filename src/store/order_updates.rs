//! WhatsApp updates about orders (`order_update`), one row per (order, event): the
//! primary key is what makes each update go out at most once, across workers and
//! nodes. Delivery statuses are read from the sent message (`message`,
//! `message_status`) by its wamid.

use super::sql::{Db, OptionalExtension, Row, params};

use super::{Store, StoreError, WriteTx, text_column};
use crate::order_updates::{OrderEvent, UpdateKey, UpdateState, UpdateView};

text_column!(OrderEvent: OrderEvent::as_str, OrderEvent::parse);
text_column!(UpdateState: UpdateState::as_str, UpdateState::parse);

/// Order updates, inside or outside a transaction.
pub struct OrderUpdateRepo<'a> {
    pub(super) conn: &'a Db,
}

impl Store {
    /// Order updates.
    pub fn order_updates(&self) -> OrderUpdateRepo<'_> {
        OrderUpdateRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Order updates, inside this transaction.
    pub fn order_updates(&self) -> OrderUpdateRepo<'_> {
        OrderUpdateRepo { conn: self.conn() }
    }
}

/// A sent message's latest delivery status and the Graph error code of a failure.
pub type Delivery = (Option<String>, Option<i64>);

fn id(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

const VIEW_SELECT: &str = "SELECT order_id, event, vendor_id, template, language, state, attempts, error, wamid, created_at, updated_at FROM order_update";

fn view_from_row(r: &Row<'_>) -> Result<UpdateView, StoreError> {
    Ok(UpdateView {
        order_id: r.get::<_, i64>(0)?.max(0) as u64,
        event: r.get(1)?,
        vendor_id: r.get::<_, i64>(2)?.max(0) as u64,
        template: r.get(3)?,
        language: r.get(4)?,
        state: r.get(5)?,
        attempts: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
        error: r.get(7)?,
        wamid: r.get(8)?,
        delivery: None,
        statuses: Vec::new(),
        failure_code: None,
        failure_reason: None,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

impl OrderUpdateRepo<'_> {
    /// The state and attempts of (order, event), if claimed before.
    pub fn state(
        &self,
        order_id: u64,
        event: OrderEvent,
    ) -> Result<Option<(UpdateState, u32)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT state, attempts FROM order_update WHERE order_id = ?1 AND event = ?2",
            )?
            .query_row(params![id(order_id), event], |r| {
                Ok((r.get(0)?, u32::try_from(r.get::<_, i64>(1)?).unwrap_or(0)))
            })
            .optional()
    }

    /// Writes the claim of (order, event) in `state`.
    pub fn put(
        &self,
        key: &UpdateKey<'_>,
        state: UpdateState,
        attempts: u32,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO order_update (order_id, event, vendor_id, customer, template, language, state, attempts, error, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
                 ON CONFLICT (order_id, event) DO UPDATE SET vendor_id = excluded.vendor_id, customer = excluded.customer,
                     template = excluded.template, language = excluded.language, state = excluded.state,
                     attempts = excluded.attempts, error = excluded.error, updated_at = excluded.updated_at",
            )?
            .execute(params![
                id(key.order_id),
                key.event,
                id(key.vendor_id),
                key.customer,
                key.template.name,
                key.template.language,
                state,
                i64::from(attempts),
                error,
                now
            ])?;
        Ok(())
    }

    /// Records the outcome of a claimed send.
    #[allow(clippy::too_many_arguments)]
    pub fn set_outcome(
        &self,
        order_id: u64,
        event: OrderEvent,
        state: UpdateState,
        attempts: u32,
        wamid: Option<&str>,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE order_update SET state = ?3, attempts = ?4, wamid = COALESCE(?5, wamid), error = ?6, updated_at = ?7
                 WHERE order_id = ?1 AND event = ?2",
            )?
            .execute(params![
                id(order_id),
                event,
                state,
                i64::from(attempts),
                wamid,
                error,
                now
            ])?;
        Ok(())
    }

    /// The updates of one order, in the order they were first claimed.
    pub fn for_order(&self, order_id: u64) -> Result<Vec<UpdateView>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "{VIEW_SELECT} WHERE order_id = ?1 ORDER BY created_at, order_id, event"
            ))?
            .query_map([id(order_id)], view_from_row)?
            .collect::<Result<_, _>>()
    }

    /// The customer's updates, oldest first (their data export).
    pub fn for_customer(&self, customer: &str) -> Result<Vec<UpdateView>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "{VIEW_SELECT} WHERE customer = ?1 ORDER BY created_at, order_id, event"
            ))?
            .query_map([customer], view_from_row)?
            .collect::<Result<_, _>>()
    }

    /// The vendor's latest updates.
    pub fn for_vendor(&self, vendor_id: u64, limit: u32) -> Result<Vec<UpdateView>, StoreError> {
        self
            .conn
            .prepare_cached(&format!(
                "{VIEW_SELECT} WHERE vendor_id = ?1 ORDER BY updated_at DESC, order_id DESC, event LIMIT ?2"
            ))?
            .query_map(params![id(vendor_id), i64::from(limit)], view_from_row)?
            .collect::<Result<_, _>>()
    }

    /// The sent message's latest status and failure code (`None` when no message
    /// with this wamid is stored).
    pub fn delivery(&self, wamid: &str) -> Result<Option<Delivery>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT status, error_code FROM message WHERE wamid = ?1 AND direction = 'outbound' LIMIT 1",
            )?
            .query_row([wamid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    }

    /// Every status reported for the message, by time.
    pub fn statuses(&self, wamid: &str) -> Result<Vec<(String, i64)>, StoreError> {
        self
            .conn
            .prepare_cached(
                "SELECT status, at FROM message_status WHERE wamid = ?1 ORDER BY at,
                     CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 4 END",
            )?
            .query_map([wamid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()
    }
}
