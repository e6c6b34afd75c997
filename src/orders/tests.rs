use serde_json::json;

use super::*;
use crate::catalog::plan::{ItemState, ItemWrite};
use crate::conversation::ingest;
use crate::routing::{RoutingConfig, VendorEntry};

fn line(retailer_id: &str, quantity: i64, item_price: f64) -> CartLine {
    CartLine {
        retailer_id: retailer_id.into(),
        quantity,
        item_price,
        currency: "USD".into(),
        product_id: None,
    }
}

fn offer(retailer_id: &str, product_id: u64, vendor_id: u64, price: f64) -> Offer {
    Offer {
        retailer_id: retailer_id.into(),
        product_id,
        vendor_id,
        name: format!("Product {product_id}"),
        price,
        currency: "USD".into(),
        purchasable: true,
        in_stock: true,
        stock_quantity: None,
    }
}

fn codes(plan: &Plan) -> Vec<(&str, &'static str, i64)> {
    plan.problems
        .iter()
        .map(|p| (p.retailer_id.as_str(), p.code.as_str(), p.kept))
        .collect()
}

#[test]
fn lines_take_woocommerce_prices_and_vendors() {
    let plan = plan(
        &[line("ACME-1", 2, 10.0), line("BOLT-1", 1, 99.0)],
        &[
            offer("ACME-1", 101, 11, 10.0),
            offer("BOLT-1", 201, 12, 99.0),
        ],
    );
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(
        plan.lines
            .iter()
            .map(|l| (l.product_id, l.vendor_id, l.quantity, l.unit_price))
            .collect::<Vec<_>>(),
        vec![(101, 11, 2, 10.0), (201, 12, 1, 99.0)]
    );
    assert_eq!(plan.vendors, vec![11, 12]);
    assert!(!plan.nothing_left);
    assert_eq!(plan.refusal, None);
}

#[test]
fn a_changed_price_is_ordered_at_the_new_price_and_reported() {
    let plan = plan(&[line("A", 1, 10.0)], &[offer("A", 1, 11, 12.5)]);
    assert_eq!(plan.lines[0].unit_price, 12.5, "never the cart's price");
    let problem = &plan.problems[0];
    assert_eq!(
        (
            problem.code,
            problem.old_price,
            problem.new_price,
            problem.kept
        ),
        (ProblemCode::PriceChanged, Some(10.0), Some(12.5), 1)
    );
    assert_eq!(problem.name.as_deref(), Some("Product 1"));
    let same = super::plan(&[line("A", 1, 10.001)], &[offer("A", 1, 11, 10.0)]);
    assert!(
        same.problems.is_empty(),
        "a hundredth apart is a price change, less is not"
    );
}

#[test]
fn another_currency_is_a_price_change() {
    let mut euro = line("A", 1, 10.0);
    euro.currency = "EUR".into();
    let plan = plan(&[euro], &[offer("A", 1, 11, 10.0)]);
    assert_eq!(codes(&plan), vec![("A", "price_changed", 1)]);
    assert_eq!(plan.problems[0].currency.as_deref(), Some("USD"));
}

#[test]
fn stock_limits_what_is_ordered() {
    let mut short = offer("SHORT", 2, 11, 5.0);
    short.stock_quantity = Some(3);
    let mut out = offer("OUT", 3, 11, 5.0);
    out.in_stock = false;
    let mut zero = offer("ZERO", 4, 11, 5.0);
    zero.stock_quantity = Some(0);
    let plan = plan(
        &[
            line("SHORT", 5, 5.0),
            line("OUT", 1, 5.0),
            line("ZERO", 1, 5.0),
            line("OK", 1, 5.0),
        ],
        &[short, out, zero, offer("OK", 5, 12, 5.0)],
    );
    assert_eq!(
        codes(&plan),
        vec![
            ("SHORT", "not_enough_stock", 3),
            ("OUT", "out_of_stock", 0),
            ("ZERO", "out_of_stock", 0)
        ]
    );
    assert_eq!(
        plan.lines
            .iter()
            .map(|l| (l.retailer_id.as_str(), l.quantity))
            .collect::<Vec<_>>(),
        vec![("SHORT", 3), ("OK", 1)]
    );
    assert_eq!(plan.problems[0].requested, 5);
}

#[test]
fn unknown_and_unbuyable_products_are_gone() {
    let mut trashed = offer("TRASHED", 7, 11, 5.0);
    trashed.purchasable = false;
    let plan = plan(
        &[
            line("NOPE", 1, 5.0),
            line("TRASHED", 1, 5.0),
            line("OK", 2, 5.0),
        ],
        &[trashed, offer("OK", 8, 12, 5.0)],
    );
    assert_eq!(
        codes(&plan),
        vec![("NOPE", "gone", 0), ("TRASHED", "gone", 0)]
    );
    assert_eq!(plan.problems[0].name, None);
    assert_eq!(plan.problems[1].name.as_deref(), Some("Product 7"));
    assert_eq!(plan.lines.len(), 1);
    assert!(!plan.nothing_left);
}

#[test]
fn nothing_left_says_why() {
    let unknown = plan(&[line("X", 1, 1.0), line("Y", 1, 1.0)], &[]);
    assert!(unknown.nothing_left && unknown.lines.is_empty());
    assert_eq!(unknown.refusal, Some("unknown_products"));
    let mut out = offer("X", 1, 11, 1.0);
    out.in_stock = false;
    let sold_out = plan(&[line("X", 1, 1.0), line("Y", 1, 1.0)], &[out]);
    assert_eq!(sold_out.refusal, Some("nothing_left"));
    assert!(sold_out.vendors.is_empty());
}

#[test]
fn repeated_lines_are_merged_and_bad_quantities_dropped() {
    let plan = plan(
        &[line("A", 1, 2.0), line("B", 0, 2.0), line("A", 2, 2.0)],
        &[offer("A", 1, 11, 2.0), offer("B", 2, 11, 2.0)],
    );
    assert_eq!(codes(&plan), vec![("B", "bad_quantity", 0)]);
    assert_eq!(plan.lines.len(), 1);
    assert_eq!(plan.lines[0].quantity, 3);
}

// The store: carts recorded once from webhooks, claimed once, finished once.

fn store() -> Store {
    let store = Store::open_in_memory().unwrap();
    for (rid, vendor, product) in [("ACME-1", 11, 101), ("BOLT-1", 12, 201)] {
        let synced = ItemWrite::Upsert {
            retailer_id: rid.into(),
            product_id: product,
            state: ItemState::Synced,
            problems: Vec::new(),
            want_hash: None,
        };
        store
            .catalog()
            .write_items("CAT", vendor, &[synced], 1)
            .unwrap();
    }
    store
}

fn vendors() -> Vec<VendorEntry> {
    vec![
        VendorEntry {
            vendor_id: 11,
            code: "ACME".into(),
            store_name: "Acme".into(),
        },
        VendorEntry {
            vendor_id: 12,
            code: "BOLT".into(),
            store_name: "Bolt".into(),
        },
    ]
}

fn cart_webhook(messages: serde_json::Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": "42"}, "contacts": [{"profile": {"name": "Dana"}, "wa_id": "15550001"}],
        "messages": messages}}]}]})
    .to_string()
    .into_bytes()
}

fn cart_message(id: &str) -> serde_json::Value {
    json!({"from": "15550001", "id": id, "timestamp": "1000", "type": "order", "order": {"catalog_id": "CAT", "text": "Quickly please", "product_items": [
        {"product_retailer_id": "ACME-1", "quantity": 2, "item_price": 10, "currency": "USD"},
        {"product_retailer_id": "wc_77", "quantity": 1, "item_price": "4.5", "currency": "USD"},
        {"product_retailer_id": "BOLT-1", "quantity": 1, "item_price": 99, "currency": "USD"}]}})
}

#[test]
fn the_ingest_report_lists_new_carts_once() {
    let store = store();
    let config = RoutingConfig::default();
    let body = cart_webhook(json!([
        cart_message("wamid.C1"),
        {"from": "15550001", "id": "wamid.T1", "timestamp": "1000", "type": "text", "text": {"body": "#ACME hi"}}
    ]));
    let first = ingest(&store, &body, &vendors(), &config, 2000).unwrap();
    assert_eq!(
        first.carts,
        vec![NewCart {
            wamid: "wamid.C1".into(),
            phone_number_id: "42".into(),
            customer: "15550001".into()
        }],
        "the text message is no cart"
    );
    let again = ingest(&store, &body, &vendors(), &config, 2001).unwrap();
    assert!(again.carts.is_empty(), "a redelivery adds nothing");
    assert_eq!(again.duplicates, 2);

    let cart = cart(&store, "wamid.C1").unwrap().unwrap();
    assert_eq!(cart.state, CartState::Received);
    assert_eq!(
        (
            cart.customer.as_str(),
            cart.customer_name.as_deref(),
            cart.phone_number_id.as_str(),
            cart.catalog_id.as_deref(),
            cart.note.as_deref()
        ),
        (
            "15550001",
            Some("Dana"),
            "42",
            Some("CAT"),
            Some("Quickly please")
        )
    );
    assert_eq!(
        cart.lines
            .iter()
            .map(|l| (
                l.retailer_id.as_str(),
                l.quantity,
                l.item_price,
                l.product_id
            ))
            .collect::<Vec<_>>(),
        vec![
            ("ACME-1", 2, 10.0, Some(101)),
            ("wc_77", 1, 4.5, Some(77)),
            ("BOLT-1", 1, 99.0, Some(201))
        ]
    );
}

#[test]
fn the_key_not_a_read_keeps_a_cart_single() {
    let store = store();
    let message = crate::inbound::parse(&cart_webhook(json!([cart_message("wamid.K")])))
        .unwrap()
        .messages
        .remove(0);
    let lines = cart_of(&message).unwrap();
    assert!(store.carts().record(&message, lines, 1).unwrap());
    assert!(!store.carts().record(&message, lines, 2).unwrap());
}

fn received(store: &Store, wamid: &str) {
    ingest(
        store,
        &cart_webhook(json!([cart_message(wamid)])),
        &vendors(),
        &RoutingConfig::default(),
        2000,
    )
    .unwrap();
}

#[test]
fn a_cart_is_claimed_once() {
    let store = store();
    received(&store, "wamid.C");
    let first = claim(&store, "wamid.C", 3000).unwrap();
    assert_eq!(first.as_ref().map(|c| c.state), Some(CartState::Claimed));
    assert_eq!(first.unwrap().lines[0].product_id, Some(101));
    assert_eq!(
        claim(&store, "wamid.C", 3001).unwrap(),
        None,
        "the second worker gets nothing"
    );
    assert!(matches!(
        claim(&store, "wamid.none", 3001),
        Err(OrderError::UnknownCart(_))
    ));
    // A claim left by a worker that died is taken again after the lease.
    let retaken = claim(&store, "wamid.C", 3000 + CLAIM_LEASE_SECONDS + 1).unwrap();
    assert!(retaken.is_some());
}

#[test]
fn a_claim_across_two_connections_is_won_once() {
    let dir = std::env::temp_dir().join(format!("wpwa-orders-claim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wpwa.sqlite");
    let a = Store::open(&path).unwrap();
    let b = Store::open(&path).unwrap();
    received(&a, "wamid.X");
    let handles: Vec<_> = [a, b]
        .into_iter()
        .map(|store| std::thread::spawn(move || claim(&store, "wamid.X", 3000).unwrap().is_some()))
        .collect();
    let won: usize = handles
        .into_iter()
        .map(|h| usize::from(h.join().unwrap()))
        .sum();
    assert_eq!(won, 1);
}

#[test]
fn an_ordered_cart_records_its_parts_and_problems() {
    let store = store();
    received(&store, "wamid.O");
    assert!(matches!(
        plan_cart(&store, "wamid.O", &[]),
        Err(OrderError::NotClaimed {
            state: "received",
            ..
        })
    ));
    claim(&store, "wamid.O", 3000).unwrap().unwrap();
    let plan = plan_cart(
        &store,
        "wamid.O",
        &[
            offer("ACME-1", 101, 11, 12.0),
            offer("BOLT-1", 201, 12, 99.0),
        ],
    )
    .unwrap();
    assert_eq!(
        codes(&plan),
        vec![("ACME-1", "price_changed", 2), ("wc_77", "gone", 0)]
    );
    let parts = [
        Part {
            vendor_id: 11,
            order_id: 501,
        },
        Part {
            vendor_id: 12,
            order_id: 502,
        },
    ];
    let cart = ordered(&store, "wamid.O", 500, &parts, 3100).unwrap();
    assert_eq!(
        (
            cart.state,
            cart.order_id,
            cart.parts.len(),
            cart.problems.len()
        ),
        (CartState::Ordered, Some(500), 2, 2)
    );
    assert!(matches!(
        ordered(&store, "wamid.O", 600, &[], 3200),
        Err(OrderError::NotClaimed {
            state: "ordered",
            ..
        })
    ));
    assert!(matches!(
        ordered(&store, "wamid.O", 0, &[], 3200),
        Err(OrderError::Invalid(_))
    ));
    let acme = vendor_parts(&store, 11, 10).unwrap();
    assert_eq!(
        (acme.len(), acme[0].order_id, acme[0].cart_order_id),
        (1, 501, 500)
    );
    assert_eq!(
        acme[0].problems.iter().map(|p| p.code).collect::<Vec<_>>(),
        vec![ProblemCode::PriceChanged],
        "a vendor sees only the problems of their own lines"
    );
    assert!(vendor_parts(&store, 13, 10).unwrap().is_empty());
}

#[test]
fn a_refused_cart_keeps_its_code() {
    let store = store();
    received(&store, "wamid.R");
    claim(&store, "wamid.R", 3000).unwrap().unwrap();
    let plan = plan_cart(&store, "wamid.R", &[]).unwrap();
    let code = plan.refusal.unwrap();
    assert!(matches!(
        refused(&store, "wamid.R", "Not A Code", 3001),
        Err(OrderError::Invalid(_))
    ));
    let cart = refused(&store, "wamid.R", code, 3001).unwrap();
    assert_eq!(
        (cart.state, cart.refusal.as_deref(), cart.problems.len()),
        (CartState::Refused, Some("unknown_products"), 3)
    );
    assert!(matches!(
        refused(&store, "wamid.R", code, 3002),
        Err(OrderError::NotClaimed { .. })
    ));
    assert_eq!(
        claim(&store, "wamid.R", 9999).unwrap(),
        None,
        "finished carts are never claimed again"
    );
}

#[test]
fn cart_events_reach_the_activity_log_with_codes() {
    let store = store();
    let ((), events) = crate::log::capture(|| {
        // Another test thread may have met these callsites first, with no collector
        // alive: have tracing ask again now that this one is.
        tracing::callsite::rebuild_interest_cache();
        received(&store, "wamid.L");
        claim(&store, "wamid.L", 3000).unwrap();
        plan_cart(&store, "wamid.L", &[offer("ACME-1", 101, 11, 10.0)]).unwrap();
        ordered(
            &store,
            "wamid.L",
            700,
            &[Part {
                vendor_id: 11,
                order_id: 700,
            }],
            3001,
        )
        .unwrap();
    });
    let logged: Vec<(u64, Option<&str>)> = events
        .iter()
        .filter(|e| e.kind == "order")
        .map(|e| (e.vendor_id, e.code.as_deref()))
        .collect();
    assert!(logged.contains(&(0, Some("cart_received"))), "{logged:?}");
    assert!(
        logged.contains(&(0, Some("cart_line_problem"))),
        "{logged:?}"
    );
    assert!(logged.contains(&(0, Some("cart_ordered"))), "{logged:?}");
    assert!(
        logged.contains(&(11, Some("cart_part_ordered"))),
        "{logged:?}"
    );
}

#[test]
fn billing_phones_match_the_whatsapp_number_as_people_write_them() {
    let account = |user_id: u64, phone: &str| AccountPhone {
        user_id,
        phone: phone.into(),
    };
    let accounts = [
        account(1, "+44 20 7946 0000"),
        account(2, "(555) 010-2233"),
        account(3, "0044 7700 900123"),
        account(4, "07700 900456"),
        account(5, "123"),
    ];
    assert_eq!(
        match_phone("442079460000", &accounts),
        Some(1),
        "spaces and +"
    );
    assert_eq!(
        match_phone("15550102233", &accounts),
        Some(2),
        "no country code"
    );
    assert_eq!(match_phone("447700900123", &accounts), Some(3), "00 prefix");
    assert_eq!(
        match_phone("447700900456", &accounts),
        Some(4),
        "trunk 0 dropped"
    );
    assert_eq!(
        match_phone("15559990123", &accounts),
        None,
        "a short number matches nothing"
    );
    assert_eq!(match_phone("12", &accounts), None, "not a WhatsApp number");
    assert_eq!(match_phone("4420794600x0", &accounts), None);
}

#[test]
fn a_customers_carts_are_exported_and_erased() {
    let store = store();
    received(&store, "wamid.E");
    claim(&store, "wamid.E", 3000).unwrap();
    ordered(
        &store,
        "wamid.E",
        800,
        &[Part {
            vendor_id: 11,
            order_id: 800,
        }],
        3001,
    )
    .unwrap();
    // The export shows the cart, with the order it became, before the erasure.
    let exported = crate::privacy::customer_data(&store, "15550001").unwrap();
    assert_eq!(
        exported
            .carts
            .iter()
            .map(|c| (c.wamid.as_str(), c.order_id, c.parts.len()))
            .collect::<Vec<_>>(),
        vec![("wamid.E", Some(800), 1)]
    );
    let removed = crate::privacy::erase_customer(&store, "15550001").unwrap();
    assert!(removed.other >= 1, "{removed:?}");
    assert!(
        crate::privacy::customer_data(&store, "15550001")
            .unwrap()
            .carts
            .is_empty()
    );
    assert_eq!(cart(&store, "wamid.E").unwrap(), None);
    assert!(
        vendor_parts(&store, 11, 10).unwrap().is_empty(),
        "its parts went with it"
    );
}
