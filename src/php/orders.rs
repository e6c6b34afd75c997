//! WhatsApp carts becoming WooCommerce orders: claiming a cart, the order rule, and
//! recording what the cart became. Conversions only; the rules are in `crate::orders`.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{array_to_json, non_negative, positive_id, to_array};
use super::exceptions::{internal, validation};
use super::{page_size, with_store};
use crate::orders::{self, AccountPhone, Offer, OrderError, Part};
use crate::{clock, rules, runtime};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(cart_claim))
        .function(wrap_function!(cart_plan))
        .function(wrap_function!(cart_ordered))
        .function(wrap_function!(cart_refused))
        .function(wrap_function!(cart_reply))
        .function(wrap_function!(cart_get))
        .function(wrap_function!(cart_match_phone))
        .function(wrap_function!(cart_vendor_parts))
}

impl From<OrderError> for PhpException {
    fn from(e: OrderError) -> Self {
        let message = e.to_string();
        match e {
            OrderError::UnknownCart(_) => {
                PhpException::from_class::<super::exceptions::NotFoundException>(message)
            }
            OrderError::NotClaimed { .. } | OrderError::Invalid(_) | OrderError::OutsideWindow => {
                validation(message)
            }
            OrderError::Messaging(e) => e.into(),
            OrderError::Cloud(e) => e.into(),
            OrderError::Store(e) => e.into(),
        }
    }
}

/// Claims the cart received with `$wamid` for this worker: the cart (`wamid`,
/// `phone_number_id`, `customer`, `customer_name`, `catalog_id`, `note`, `lines` —
/// each `retailer_id`, `quantity`, `item_price`, `currency`, `product_id` (the product
/// the catalog sync listed under it, or null) —, `state`, `received_at`…), or null
/// when another worker has it or it is finished. `Wpwa\NotFoundException` for a wamid
/// no cart was received with.
#[php_function]
#[php(name = "Wpwa\\cart_claim")]
pub fn cart_claim(wamid: String) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let claimed = with_store(|store| Ok(orders::claim(store, &wamid, clock::now())?))?;
    claimed.as_ref().map(to_array).transpose()
}

/// Runs the order rule on the claimed cart `$wamid` with what WooCommerce says now
/// about its retailer ids: `$offers` lists `retailer_id`, `product_id`, `vendor_id`,
/// `name`, `price`, `currency`, `purchasable`, `in_stock`, `stock_quantity` (null
/// when stock is not managed or backorders are allowed). Records and returns the plan:
/// `lines` (`retailer_id`, `product_id`, `vendor_id`, `name`, `quantity`,
/// `unit_price`, `currency`), `problems` (`retailer_id`, `code` — `gone`,
/// `out_of_stock`, `not_enough_stock`, `price_changed`, `bad_quantity` —, `name`,
/// `vendor_id`, `requested`, `kept`, `old_price`, `new_price`, `currency`),
/// `nothing_left`, `refusal` (`unknown_products`, `nothing_left` or null) and
/// `vendors`. `Wpwa\ValidationException` for a malformed offer or a cart not claimed.
#[php_function]
#[php(name = "Wpwa\\cart_plan")]
pub fn cart_plan(wamid: String, offers: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
    let offers = rules::options::read_list::<Offer>("offers", array_to_json("offers", offers)?)?;
    let plan = with_store(|store| Ok(orders::plan_cart(store, &wamid, &offers)?))?;
    to_array(&plan)
}

/// Records that the claimed cart `$wamid` became order `$order_id`; `$parts` lists
/// each vendor's part as `['vendor_id', 'order_id']` (the order itself, or the
/// marketplace's sub-order). Returns the cart as `cart_get()` does.
/// `Wpwa\ValidationException` when the cart is not claimed or an id is not positive.
#[php_function]
#[php(name = "Wpwa\\cart_ordered")]
pub fn cart_ordered(
    wamid: String,
    order_id: i64,
    parts: &ZendHashTable,
) -> PhpResult<ZBox<ZendHashTable>> {
    let order_id = positive_id("order_id", order_id)?;
    let parts = rules::options::read_list::<Part>("parts", array_to_json("parts", parts)?)?;
    let cart = with_store(|store| {
        Ok(orders::ordered(
            store,
            &wamid,
            order_id,
            &parts,
            clock::now(),
        )?)
    })?;
    to_array(&cart)
}

/// Records that the claimed cart `$wamid` made no order, with a code (`a-z`, `0-9`,
/// `_`; e.g. the plan's `refusal`, or `order_failed`). Returns the cart.
/// `Wpwa\ValidationException` for a bad code or a cart not claimed.
#[php_function]
#[php(name = "Wpwa\\cart_refused")]
pub fn cart_refused(wamid: String, code: String) -> PhpResult<ZBox<ZendHashTable>> {
    let cart = with_store(|store| Ok(orders::refused(store, &wamid, &code, clock::now())?))?;
    to_array(&cart)
}

/// Sends the customer the answer to the cart `$wamid` (`$body`: the pay link and what
/// changed, or why no order was made) as free text through `$connection` (`url`,
/// `version`, `token`, `phone_number_id`: the number the cart arrived on), on behalf of
/// `$vendor_id` (0: the marketplace). The cart opened the 24-hour window; after it,
/// `Wpwa\ValidationException`. Returns the message's `wamid`. API failures are the
/// exceptions `message_send()` throws; `Wpwa\NotFoundException` for an unknown cart.
#[php_function]
#[php(name = "Wpwa\\cart_reply")]
pub fn cart_reply(
    wamid: String,
    body: String,
    connection: &ZendHashTable,
    vendor_id: i64,
) -> PhpResult<String> {
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    let (client, phone_number_id) = super::cloud_connection(connection)?;
    with_store(|store| {
        Ok(runtime::block_on(orders::reply(
            store,
            &client,
            &phone_number_id,
            vendor_id,
            &wamid,
            &body,
            clock::now(),
        ))?)
    })
}

/// The cart received with `$wamid` (keys as `cart_claim()` gives them, plus `state`,
/// `order_id`, `refusal`, `problems` and `parts`), or null.
#[php_function]
#[php(name = "Wpwa\\cart_get")]
pub fn cart_get(wamid: String) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let cart = with_store(|store| Ok(orders::cart(store, &wamid)?))?;
    cart.as_ref().map(to_array).transpose()
}

/// The account whose billing phone is the WhatsApp number `$whatsapp_id` (digits), of
/// `$accounts` (`['user_id', 'phone']`, the phone as saved): the same digits, or the end
/// of the WhatsApp number for a phone saved without its country code; null for none.
/// `Wpwa\ValidationException` for a malformed account.
#[php_function]
#[php(name = "Wpwa\\cart_match_phone")]
pub fn cart_match_phone(whatsapp_id: String, accounts: &ZendHashTable) -> PhpResult<Option<i64>> {
    let accounts = rules::options::read_list::<AccountPhone>(
        "accounts",
        array_to_json("accounts", accounts)?,
    )?;
    Ok(orders::match_phone(&whatsapp_id, &accounts).and_then(|id| i64::try_from(id).ok()))
}

/// The vendor's parts of WhatsApp orders, newest first: `wamid`, `order_id` (the order
/// or sub-order holding their items), `cart_order_id`, `customer`, `customer_name`,
/// `problems` (of their own lines) and `created_at`.
#[php_function]
#[php(name = "Wpwa\\cart_vendor_parts")]
pub fn cart_vendor_parts(vendor_id: i64, limit: Option<i64>) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = non_negative("vendor_id", vendor_id)?;
    let limit = page_size(crate::rules::CONVERSATIONS_PAGE_SIZE, limit.unwrap_or(20))?;
    let parts = with_store(|store| Ok(orders::vendor_parts(store, vendor_id, limit)?))?;
    let mut out = ZendHashTable::new();
    for part in &parts {
        out.push(to_array(part)?).map_err(internal)?;
    }
    Ok(out)
}
