//! Carts customers sent from the catalog, and the orders they became: `cart` and
//! `cart_part`. A cart is recorded once per wamid by its primary key, and every state
//! change is one conditional `UPDATE`, so uniqueness and claims hold across workers
//! without reading first.

use super::sql::{Db, OptionalExtension, Row, params};

use super::{Store, StoreError, WriteTx, text_column};
use crate::inbound::{Message, OrderLine};
use crate::orders::{Cart, CartLine, CartState, Part, Problem, VendorPart};

text_column!(CartState: CartState::as_str, CartState::parse);

/// Carts, inside or outside a transaction.
pub struct CartRepo<'a> {
    pub(super) conn: &'a Db,
}

impl Store {
    /// Carts.
    pub fn carts(&self) -> CartRepo<'_> {
        CartRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Carts, inside this transaction.
    pub fn carts(&self) -> CartRepo<'_> {
        CartRepo { conn: self.conn() }
    }
}

fn id(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn json_error(e: serde_json::Error) -> StoreError {
    StoreError::Json(e)
}

const CART_COLUMNS: &str = "wamid, phone_number_id, customer, customer_name, catalog_id, note, lines, state, order_id, refusal, problems, received_at";

fn cart_row(row: &Row<'_>) -> Result<(Cart, Option<String>), StoreError> {
    let lines: String = row.get(6)?;
    let lines: Vec<OrderLine> = serde_json::from_str(&lines).map_err(|e| StoreError::Column {
        index: 6,
        reason: e.to_string(),
    })?;
    let problems: String = row.get(10)?;
    let problems: Vec<Problem> =
        serde_json::from_str(&problems).map_err(|e| StoreError::Column {
            index: 10,
            reason: e.to_string(),
        })?;
    let catalog_id: Option<String> = row.get(4)?;
    let customer: String = row.get(2)?;
    Ok((
        Cart {
            wamid: row.get(0)?,
            phone_number_id: row.get(1)?,
            phone: crate::customer::key_phone(&customer),
            customer,
            customer_name: row.get(3)?,
            catalog_id: catalog_id.clone(),
            note: row.get(5)?,
            lines: lines
                .into_iter()
                .map(|l| CartLine {
                    retailer_id: l.retailer_id,
                    quantity: l.quantity,
                    item_price: l.item_price,
                    currency: l.currency,
                    product_id: None,
                })
                .collect(),
            state: row.get(7)?,
            order_id: row.get::<_, Option<i64>>(8)?.map(unsigned),
            refusal: row.get(9)?,
            problems,
            parts: Vec::new(),
            received_at: row.get(11)?,
        },
        catalog_id,
    ))
}

impl CartRepo<'_> {
    /// Records the cart an `order` message carries, once per wamid; whether this call
    /// recorded it (false: it was recorded before).
    pub fn record(
        &self,
        message: &Message,
        lines: &[OrderLine],
        now: i64,
    ) -> Result<bool, StoreError> {
        let lines = serde_json::to_string(lines).map_err(json_error)?;
        Ok(self
            .conn
            .prepare_cached(
                "INSERT INTO cart (wamid, phone_number_id, customer, customer_name, catalog_id, note, lines, state, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'received', ?8) ON CONFLICT (wamid) DO NOTHING",
            )?
            .execute(params![
                message.id,
                message.phone_number_id,
                message.customer,
                message.customer_name,
                message.order_catalog_id,
                message.text,
                lines,
                now
            ])?
            == 1)
    }

    /// Moves a received cart (or one claimed before `stale_before`) to claimed and
    /// returns it with each line's product; `None` when it is not there to claim. The
    /// conditional UPDATE is the claim (one worker's changes the row); the cart is read
    /// after it, as MariaDB has no RETURNING on UPDATE.
    pub fn claim(
        &self,
        wamid: &str,
        now: i64,
        stale_before: i64,
    ) -> Result<Option<Cart>, StoreError> {
        let claimed = self
            .conn
            .prepare_cached(
                "UPDATE cart SET state = 'claimed', claimed_at = ?2
                 WHERE wamid = ?1 AND (state = 'received' OR (state = 'claimed' AND claimed_at < ?3))",
            )?
            .execute(params![wamid, now, stale_before])?;
        if claimed == 0 {
            return Ok(None);
        }
        let found = self
            .conn
            .prepare_cached(&format!("SELECT {CART_COLUMNS} FROM cart WHERE wamid = ?1"))?
            .query_row([wamid], cart_row)
            .optional()?;
        let Some((mut cart, catalog_id)) = found else {
            return Ok(None);
        };
        for line in &mut cart.lines {
            line.product_id = self.catalog_product(catalog_id.as_deref(), &line.retailer_id)?;
        }
        Ok(Some(cart))
    }

    /// The product the catalog sync last listed under `retailer_id`, preferring the
    /// cart's own catalog; else the post a `wc_<id>` retailer id names.
    fn catalog_product(
        &self,
        catalog_id: Option<&str>,
        retailer_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        let synced: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT product_id FROM catalog_item WHERE retailer_id = ?1 AND product_id > 0
                 ORDER BY (catalog_id = ?2) DESC, updated_at DESC LIMIT 1",
            )?
            .query_row(params![retailer_id, catalog_id.unwrap_or("")], |r| r.get(0))
            .optional()?;
        Ok(synced
            .map(unsigned)
            .filter(|id| *id > 0)
            .or_else(|| crate::catalog::product_id_of(retailer_id)))
    }

    /// A cart with its parts.
    pub fn get(&self, wamid: &str) -> Result<Option<Cart>, StoreError> {
        let found = self
            .conn
            .prepare_cached(&format!("SELECT {CART_COLUMNS} FROM cart WHERE wamid = ?1"))?
            .query_row([wamid], cart_row)
            .optional()?;
        let Some((mut cart, catalog_id)) = found else {
            return Ok(None);
        };
        for line in &mut cart.lines {
            line.product_id = self.catalog_product(catalog_id.as_deref(), &line.retailer_id)?;
        }
        cart.parts = self
            .conn
            .prepare_cached(
                "SELECT vendor_id, order_id FROM cart_part WHERE wamid = ?1 ORDER BY vendor_id",
            )?
            .query_map([wamid], |r| {
                Ok(Part {
                    vendor_id: unsigned(r.get(0)?),
                    order_id: unsigned(r.get(1)?),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(cart))
    }

    /// The carts customer `customer` sent, oldest first, with their parts.
    pub fn for_customer(&self, customer: &str) -> Result<Vec<Cart>, StoreError> {
        let wamids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT wamid FROM cart WHERE customer = ?1 ORDER BY received_at, wamid",
            )?
            .query_map([customer], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut carts = Vec::with_capacity(wamids.len());
        for wamid in wamids {
            carts.extend(self.get(&wamid)?);
        }
        Ok(carts)
    }

    /// Records the rule's problems on a claimed cart.
    pub fn set_problems(&self, wamid: &str, problems: &[Problem]) -> Result<(), StoreError> {
        let problems = serde_json::to_string(problems).map_err(json_error)?;
        self.conn
            .prepare_cached("UPDATE cart SET problems = ?2 WHERE wamid = ?1 AND state = 'claimed'")?
            .execute(params![wamid, problems])?;
        Ok(())
    }

    /// Moves a claimed cart to ordered with its parts; false when it was not claimed.
    pub fn finish_ordered(
        &self,
        wamid: &str,
        order_id: u64,
        parts: &[Part],
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE cart SET state = 'ordered', order_id = ?2, finished_at = ?3 WHERE wamid = ?1 AND state = 'claimed'",
            )?
            .execute(params![wamid, id(order_id), now])?;
        if changed == 0 {
            return Ok(false);
        }
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO cart_part (wamid, vendor_id, order_id, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (wamid, vendor_id) DO UPDATE SET order_id = excluded.order_id",
        )?;
        for part in parts {
            insert.execute(params![wamid, id(part.vendor_id), id(part.order_id), now])?;
        }
        Ok(true)
    }

    /// Moves a claimed cart to refused; false when it was not claimed.
    pub fn finish_refused(&self, wamid: &str, code: &str, now: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE cart SET state = 'refused', refusal = ?2, finished_at = ?3 WHERE wamid = ?1 AND state = 'claimed'",
            )?
            .execute(params![wamid, code, now])?
            == 1)
    }

    /// The vendor's parts, newest first, with every problem of their cart.
    pub fn vendor_parts(&self, vendor_id: u64, limit: u32) -> Result<Vec<VendorPart>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT p.wamid, p.order_id, c.order_id, c.customer, c.customer_name, c.problems, p.created_at
                 FROM cart_part p JOIN cart c ON c.wamid = p.wamid
                 WHERE p.vendor_id = ?1 ORDER BY p.created_at DESC, p.order_id DESC LIMIT ?2",
            )?
            .query_map(params![id(vendor_id), limit], |r| {
                let problems: String = r.get(5)?;
                Ok(VendorPart {
                    wamid: r.get(0)?,
                    order_id: unsigned(r.get(1)?),
                    cart_order_id: unsigned(r.get::<_, Option<i64>>(2)?.unwrap_or(0)),
                    customer: r.get(3)?,
                    customer_name: r.get(4)?,
                    problems: serde_json::from_str(&problems).unwrap_or_default(),
                    created_at: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()
    }
}
