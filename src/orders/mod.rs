//! WhatsApp carts becoming WooCommerce orders.
//!
//! A customer who sends a cart from the catalog (an inbound `order` message) leaves a
//! [`Cart`] in the store, recorded once per wamid by a unique key while the webhook is
//! ingested. A background worker then claims it ([`claim`]: one state transition in one
//! statement, so two workers never both get it), asks WooCommerce what each retailer id
//! is now, and lets [`plan`] decide which lines become order lines at WooCommerce's
//! price and which are reported to the customer with a code. What became of the cart is
//! recorded ([`ordered`], [`refused`]) for the order's notes, the vendors' dashboards and
//! the activity log.
//!
//! Prices never come from the cart: the cart's `item_price` is what the customer saw in
//! the catalog, and a difference with WooCommerce's price today is reported
//! (`price_changed`) while the line is ordered at WooCommerce's price.

use serde::{Deserialize, Serialize};

use crate::inbound::{Message, OrderLine};
use crate::store::{Store, StoreError};

/// How long a claim holds. A worker that died after claiming leaves the cart claimed;
/// after this long another worker may claim it again (the plugin then looks for an
/// order already made from the cart's wamid before making one).
pub const CLAIM_LEASE_SECONDS: i64 = 600;

/// Why a cart operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// The cart is not known.
    #[error("no cart was received with wamid {0:?}")]
    UnknownCart(String),
    /// The cart is not claimed (by this worker's claim): it was finished already, or
    /// never claimed.
    #[error("the cart {wamid:?} is {state}, not claimed")]
    NotClaimed {
        /// The cart.
        wamid: String,
        /// Its state now.
        state: &'static str,
    },
    /// What the caller gave is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The cart's answer cannot go as free text any more: the customer sent the cart more
    /// than 24 hours ago.
    #[error(
        "the cart was sent more than 24 hours ago; WhatsApp only allows an approved template now"
    )]
    OutsideWindow,
    /// The answer is not a message the API takes.
    #[error(transparent)]
    Messaging(#[from] crate::messaging::MessagingError),
    /// The API refused or could not be reached.
    #[error(transparent)]
    Cloud(#[from] crate::cloud::CloudError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a cart is on its way to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CartState {
    /// Stored from the webhook, waiting for a worker.
    Received,
    /// A worker is making its order.
    Claimed,
    /// It became an order.
    Ordered,
    /// It made no order (see its refusal code).
    Refused,
}

impl CartState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            CartState::Received => "received",
            CartState::Claimed => "claimed",
            CartState::Ordered => "ordered",
            CartState::Refused => "refused",
        }
    }

    /// The state a stored word names.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "received" => CartState::Received,
            "claimed" => CartState::Claimed,
            "ordered" => CartState::Ordered,
            "refused" => CartState::Refused,
            _ => return None,
        })
    }
}

/// A cart newly recorded by a webhook: what the plugin queues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCart {
    /// The `order` message's wamid, the cart's key.
    pub wamid: String,
    /// The business number it arrived on (the number to answer from).
    pub phone_number_id: String,
    /// The customer's WhatsApp id (digits).
    pub customer: String,
}

/// One line of a cart, with the product the catalog sync listed under its retailer id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CartLine {
    /// The retailer id.
    pub retailer_id: String,
    /// How many the customer asked for.
    pub quantity: i64,
    /// The unit price the catalog showed the customer.
    pub item_price: f64,
    /// Its currency.
    pub currency: String,
    /// The product or variation the sync sent under this retailer id (or that a
    /// `wc_<id>` retailer id names), if any.
    pub product_id: Option<u64>,
}

/// A stored cart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cart {
    /// The `order` message's wamid.
    pub wamid: String,
    /// The business number it arrived on.
    pub phone_number_id: String,
    /// The customer's key ([`crate::customer`]).
    pub customer: String,
    /// Their phone digits, when the key is one; `None` for a customer WhatsApp names
    /// only by user ID.
    pub phone: Option<String>,
    /// The customer's WhatsApp profile name.
    pub customer_name: Option<String>,
    /// The catalog it came from.
    pub catalog_id: Option<String>,
    /// What the customer wrote with it.
    pub note: Option<String>,
    /// Its lines.
    pub lines: Vec<CartLine>,
    /// Where it is.
    pub state: CartState,
    /// The order it became.
    pub order_id: Option<u64>,
    /// Why it made no order.
    pub refusal: Option<String>,
    /// What the rule reported about its lines.
    pub problems: Vec<Problem>,
    /// The order (or sub-order) each vendor's part became.
    pub parts: Vec<Part>,
    /// When it arrived (Unix seconds).
    pub received_at: i64,
}

/// The order (or the marketplace's sub-order) that holds one vendor's part of a cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// The vendor (0: products no vendor owns).
    pub vendor_id: u64,
    /// The order or sub-order.
    pub order_id: u64,
}

/// A vendor's part of a WhatsApp order, for their dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorPart {
    /// The cart's wamid.
    pub wamid: String,
    /// The order (or sub-order) holding the vendor's part.
    pub order_id: u64,
    /// The order the whole cart became (the parent of a sub-order).
    pub cart_order_id: u64,
    /// The customer's WhatsApp id.
    pub customer: String,
    /// The customer's profile name.
    pub customer_name: Option<String>,
    /// What the rule reported about this vendor's lines.
    pub problems: Vec<Problem>,
    /// When the order was made (Unix seconds).
    pub created_at: i64,
}

/// What WooCommerce says now about the product behind a retailer id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The retailer id asked about.
    pub retailer_id: String,
    /// The product or variation.
    pub product_id: u64,
    /// Its vendor (0: none).
    #[serde(default)]
    pub vendor_id: u64,
    /// Its name, for telling the customer.
    #[serde(default)]
    pub name: String,
    /// Its price now (WooCommerce's, sale included).
    pub price: f64,
    /// The store's currency.
    pub currency: String,
    /// Whether it can be bought now (published, has a price, not trashed).
    pub purchasable: bool,
    /// Whether it is in stock.
    pub in_stock: bool,
    /// How many can be sold when stock is managed without backorders; null otherwise.
    #[serde(default)]
    pub stock_quantity: Option<i64>,
}

/// What the rule found wrong with a cart line, as a stable code the plugin words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// No product answers to the retailer id any more, or it cannot be bought.
    Gone,
    /// Out of stock: dropped.
    OutOfStock,
    /// Fewer in stock than asked: ordered with the quantity kept.
    NotEnoughStock,
    /// WooCommerce's price differs from the catalog's: ordered at WooCommerce's price.
    PriceChanged,
    /// A quantity below one: dropped.
    BadQuantity,
}

impl ProblemCode {
    /// The code as stored and as the plugin receives it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Gone => "gone",
            ProblemCode::OutOfStock => "out_of_stock",
            ProblemCode::NotEnoughStock => "not_enough_stock",
            ProblemCode::PriceChanged => "price_changed",
            ProblemCode::BadQuantity => "bad_quantity",
        }
    }

    /// Whether the line was dropped from the order (not just changed).
    pub fn drops_line(self) -> bool {
        matches!(
            self,
            ProblemCode::Gone | ProblemCode::OutOfStock | ProblemCode::BadQuantity
        )
    }
}

/// One line's problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The retailer id.
    pub retailer_id: String,
    /// What is wrong.
    pub code: ProblemCode,
    /// The product's name when WooCommerce still knows it.
    pub name: Option<String>,
    /// The product's vendor, when known.
    pub vendor_id: Option<u64>,
    /// How many were asked for.
    pub requested: i64,
    /// How many are ordered (0 when dropped).
    pub kept: i64,
    /// The catalog's unit price, for `price_changed`.
    pub old_price: Option<f64>,
    /// WooCommerce's unit price, for `price_changed`.
    pub new_price: Option<f64>,
    /// The currency of the prices.
    pub currency: Option<String>,
}

/// A line to put on the order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedLine {
    /// The retailer id.
    pub retailer_id: String,
    /// The product or variation to add.
    pub product_id: u64,
    /// Its vendor (0: none).
    pub vendor_id: u64,
    /// Its name.
    pub name: String,
    /// How many.
    pub quantity: i64,
    /// WooCommerce's unit price.
    pub unit_price: f64,
    /// The store's currency.
    pub currency: String,
}

/// What a cart becomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The order's lines, in the cart's order.
    pub lines: Vec<PlannedLine>,
    /// The lines' problems, in the cart's order.
    pub problems: Vec<Problem>,
    /// Nothing is left to order.
    pub nothing_left: bool,
    /// Why no order is made, when nothing is left: `unknown_products` when no line
    /// named a product that exists, else `nothing_left`.
    pub refusal: Option<&'static str>,
    /// The vendors of the order's lines, ascending.
    pub vendors: Vec<u64>,
}

/// Two prices are the same when they round to the same hundredth: WooCommerce keeps
/// prices as decimal strings and the catalog as "12.34 USD".
fn same_price(a: f64, b: f64) -> bool {
    ((a - b).abs() * 100.0).round() < 1.0
}

/// The order rule: which cart lines become order lines, at WooCommerce's price and
/// within its stock, and what is reported about the others. Lines with the same
/// retailer id are taken together. `offers` is what WooCommerce says now about each
/// retailer id it knows; a retailer id without an offer is `gone`.
pub fn plan(lines: &[CartLine], offers: &[Offer]) -> Plan {
    let mut merged: Vec<CartLine> = Vec::new();
    for line in lines {
        match merged
            .iter_mut()
            .find(|m| m.retailer_id == line.retailer_id)
        {
            Some(seen) => seen.quantity = seen.quantity.saturating_add(line.quantity),
            None => merged.push(line.clone()),
        }
    }
    let mut out = Plan {
        lines: Vec::new(),
        problems: Vec::new(),
        nothing_left: false,
        refusal: None,
        vendors: Vec::new(),
    };
    for line in &merged {
        let offer = offers.iter().find(|o| o.retailer_id == line.retailer_id);
        let problem = |code: ProblemCode, kept: i64| Problem {
            retailer_id: line.retailer_id.clone(),
            code,
            name: offer.map(|o| o.name.clone()).filter(|n| !n.is_empty()),
            vendor_id: offer.map(|o| o.vendor_id),
            requested: line.quantity,
            kept,
            old_price: None,
            new_price: None,
            currency: None,
        };
        if line.quantity < 1 {
            out.problems.push(problem(ProblemCode::BadQuantity, 0));
            continue;
        }
        let Some(offer) = offer.filter(|o| o.purchasable && o.product_id > 0) else {
            out.problems.push(problem(ProblemCode::Gone, 0));
            continue;
        };
        let available = match offer.stock_quantity {
            _ if !offer.in_stock => 0,
            Some(quantity) => quantity.max(0),
            None => line.quantity,
        };
        if available == 0 {
            out.problems.push(problem(ProblemCode::OutOfStock, 0));
            continue;
        }
        let quantity = line.quantity.min(available);
        if quantity < line.quantity {
            out.problems
                .push(problem(ProblemCode::NotEnoughStock, quantity));
        }
        let currency_differs = !line.currency.is_empty() && line.currency != offer.currency;
        if currency_differs || !same_price(line.item_price, offer.price) {
            out.problems.push(Problem {
                old_price: Some(line.item_price),
                new_price: Some(offer.price),
                currency: Some(offer.currency.clone()),
                ..problem(ProblemCode::PriceChanged, quantity)
            });
        }
        out.lines.push(PlannedLine {
            retailer_id: line.retailer_id.clone(),
            product_id: offer.product_id,
            vendor_id: offer.vendor_id,
            name: offer.name.clone(),
            quantity,
            unit_price: offer.price,
            currency: offer.currency.clone(),
        });
        if !out.vendors.contains(&offer.vendor_id) {
            out.vendors.push(offer.vendor_id);
        }
    }
    out.vendors.sort_unstable();
    if out.lines.is_empty() {
        out.nothing_left = true;
        let all_unknown = out
            .problems
            .iter()
            .all(|p| matches!(p.code, ProblemCode::Gone | ProblemCode::BadQuantity));
        out.refusal = Some(if all_unknown {
            "unknown_products"
        } else {
            "nothing_left"
        });
    }
    out
}

/// Fewest digits a billing phone saved without its country code must have to match the
/// end of a WhatsApp number.
pub const MIN_LOCAL_PHONE_DIGITS: usize = 7;

/// A customer account's billing phone, as saved.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPhone {
    /// The account (WordPress user id).
    pub user_id: u64,
    /// The billing phone as the customer typed it.
    pub phone: String,
}

/// The account whose billing phone is the customer's WhatsApp number `whatsapp_id`
/// (international digits): the same digits once spaces, signs and an international
/// `00` prefix are removed, or, for a number saved without its country code (a
/// trunk `0` dropped), the end of the WhatsApp number when it has at least
/// [`MIN_LOCAL_PHONE_DIGITS`] digits. The first account that matches wins; none for a
/// WhatsApp id that is not a phone number.
pub fn match_phone(whatsapp_id: &str, accounts: &[AccountPhone]) -> Option<u64> {
    if !crate::rules::WHATSAPP_NUMBER_DIGITS.contains(whatsapp_id.len() as i64)
        || !whatsapp_id.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    accounts.iter().find_map(|account| {
        let digits: String = account.phone.chars().filter(char::is_ascii_digit).collect();
        let international = digits.strip_prefix("00").unwrap_or(&digits);
        let local = digits.trim_start_matches('0');
        let same = international == whatsapp_id
            || (local.len() >= MIN_LOCAL_PHONE_DIGITS && whatsapp_id.ends_with(local));
        same.then_some(account.user_id)
    })
}

/// The cart an inbound message carries, if it is an `order` with product items.
pub fn cart_of(message: &Message) -> Option<&[OrderLine]> {
    (message.kind == "order" && !message.order.is_empty()).then_some(message.order.as_slice())
}

/// Claims a received cart for the calling worker (or one whose claim is older than
/// [`CLAIM_LEASE_SECONDS`]): the cart with its lines, or `None` when another worker has
/// it or it is finished. One statement changes the state, so of two workers claiming
/// at once exactly one gets the cart.
pub fn claim(store: &Store, wamid: &str, now: i64) -> Result<Option<Cart>, OrderError> {
    let claimed = store.carts().claim(wamid, now, now - CLAIM_LEASE_SECONDS)?;
    if claimed.is_none() && store.carts().get(wamid)?.is_none() {
        return Err(OrderError::UnknownCart(wamid.to_owned()));
    }
    if let Some(cart) = &claimed {
        tracing::debug!(
            kind = "order",
            code = "cart_claimed",
            wamid = cart.wamid.as_str(),
            "Claimed the WhatsApp cart {}",
            cart.wamid
        );
    }
    Ok(claimed)
}

/// Runs the order rule on a claimed cart with what WooCommerce says now, records the
/// problems found and logs each one, and returns the plan.
pub fn plan_cart(store: &Store, wamid: &str, offers: &[Offer]) -> Result<Plan, OrderError> {
    let cart = claimed(store, wamid)?;
    let result = plan(&cart.lines, offers);
    store.carts().set_problems(wamid, &result.problems)?;
    for problem in &result.problems {
        tracing::info!(
            vendor_id = problem.vendor_id.unwrap_or(0),
            kind = "order",
            code = "cart_line_problem",
            problem = problem.code.as_str(),
            retailer_id = problem.retailer_id.as_str(),
            requested = problem.requested,
            kept = problem.kept,
            wamid,
            "WhatsApp cart line {}: {}",
            problem.retailer_id,
            problem.code.as_str()
        );
    }
    Ok(result)
}

/// Records that a claimed cart became order `order_id`, with each vendor's part (the
/// order itself, or the marketplace's sub-order).
pub fn ordered(
    store: &Store,
    wamid: &str,
    order_id: u64,
    parts: &[Part],
    now: i64,
) -> Result<Cart, OrderError> {
    if order_id == 0 || parts.iter().any(|p| p.order_id == 0) {
        return Err(OrderError::Invalid(
            "order ids must be positive integers".into(),
        ));
    }
    let finished = store.transact(|tx| tx.carts().finish_ordered(wamid, order_id, parts, now))?;
    if !finished {
        return Err(not_claimed(store, wamid)?);
    }
    let cart = store
        .carts()
        .get(wamid)?
        .ok_or_else(|| OrderError::UnknownCart(wamid.to_owned()))?;
    let dropped = cart.problems.iter().filter(|p| p.code.drops_line()).count();
    tracing::info!(
        kind = "order",
        code = "cart_ordered",
        order_id,
        wamid,
        dropped,
        "The WhatsApp cart {wamid} became order {order_id}"
    );
    for part in parts.iter().filter(|p| p.vendor_id > 0) {
        tracing::info!(
            vendor_id = part.vendor_id,
            kind = "order",
            code = "cart_part_ordered",
            order_id = part.order_id,
            wamid,
            "A WhatsApp cart became order {} with your items",
            part.order_id
        );
    }
    Ok(cart)
}

/// Records that a claimed cart made no order, with a code (`unknown_products`,
/// `nothing_left`, `order_failed`, or another the plugin words).
pub fn refused(store: &Store, wamid: &str, code: &str, now: i64) -> Result<Cart, OrderError> {
    let valid = !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(OrderError::Invalid(format!(
            "the refusal code {code:?} is not a code (a-z, 0-9, _)"
        )));
    }
    if !store.carts().finish_refused(wamid, code, now)? {
        return Err(not_claimed(store, wamid)?);
    }
    tracing::warn!(
        kind = "order",
        code = "cart_refused",
        refusal = code,
        wamid,
        "The WhatsApp cart {wamid} made no order: {code}"
    );
    store
        .carts()
        .get(wamid)?
        .ok_or_else(|| OrderError::UnknownCart(wamid.to_owned()))
}

/// Sends the customer the answer to their cart (the pay link and what changed, or why
/// no order was made) as free text from the business number `phone_number_id`, on
/// behalf of `vendor_id` (0: the marketplace's number). Free text is allowed because the
/// cart itself opened the 24-hour customer-service window, whichever vendor's
/// conversation the cart was routed to; after 24 hours it is [`OrderError::OutsideWindow`].
/// The message is recorded in the vendor's conversation with the customer. Returns the
/// message's wamid.
#[allow(clippy::too_many_arguments)]
pub async fn reply(
    store: &Store,
    client: &crate::cloud::CloudClient,
    phone_number_id: &str,
    vendor_id: u64,
    wamid: &str,
    body: &str,
    now: i64,
) -> Result<String, OrderError> {
    let cart = store
        .carts()
        .get(wamid)?
        .ok_or_else(|| OrderError::UnknownCart(wamid.to_owned()))?;
    if now - cart.received_at >= crate::messaging::SERVICE_WINDOW_SECONDS {
        return Err(OrderError::OutsideWindow);
    }
    let message = crate::messaging::Outbound::Text(body.to_owned());
    let recipient = crate::messaging::recipient_of(store, &cart.customer)?;
    let request = message.request(&recipient)?;
    let sent = client.send_message(phone_number_id, &request).await?;
    let conversation = store
        .messages()
        .open_conversation(vendor_id, &cart.customer)?;
    let raw = request.to_string();
    store.transact(|tx| {
        tx.messages().record_sent(
            conversation.as_ref().map(|c| c.id),
            &crate::store::SentRecord {
                vendor_id,
                customer: &cart.customer,
                wamid: &sent,
                kind: message.kind(),
                preview: &message.preview(),
                raw: &raw,
                at: now,
                pricing_category: crate::pricing::PricingCategory::Service.as_str(),
            },
        )
    })?;
    tracing::info!(
        vendor_id,
        kind = "order",
        code = "cart_reply_sent",
        wamid,
        "Answered the WhatsApp cart {wamid}"
    );
    Ok(sent)
}

/// A stored cart.
pub fn cart(store: &Store, wamid: &str) -> Result<Option<Cart>, OrderError> {
    Ok(store.carts().get(wamid)?)
}

/// The vendor's parts of WhatsApp orders, newest first, each with the problems of
/// the vendor's own lines only.
pub fn vendor_parts(
    store: &Store,
    vendor_id: u64,
    limit: u32,
) -> Result<Vec<VendorPart>, OrderError> {
    let mut parts = store.carts().vendor_parts(vendor_id, limit.clamp(1, 200))?;
    for part in &mut parts {
        part.problems.retain(|p| p.vendor_id == Some(vendor_id));
    }
    Ok(parts)
}

fn claimed(store: &Store, wamid: &str) -> Result<Cart, OrderError> {
    let cart = store
        .carts()
        .get(wamid)?
        .ok_or_else(|| OrderError::UnknownCart(wamid.to_owned()))?;
    if cart.state != CartState::Claimed {
        return Err(OrderError::NotClaimed {
            wamid: wamid.to_owned(),
            state: cart.state.as_str(),
        });
    }
    Ok(cart)
}

fn not_claimed(store: &Store, wamid: &str) -> Result<OrderError, OrderError> {
    Ok(match store.carts().get(wamid)? {
        None => OrderError::UnknownCart(wamid.to_owned()),
        Some(cart) => OrderError::NotClaimed {
            wamid: wamid.to_owned(),
            state: cart.state.as_str(),
        },
    })
}

#[cfg(test)]
mod tests;
