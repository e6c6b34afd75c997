use super::*;

fn good() -> Product {
    Product {
        id: 41,
        vendor_id: 7,
        product_type: "simple".into(),
        parent_id: None,
        status: "publish".into(),
        visibility: Some("visible".into()),
        sku: Some("ACME-TEE-01".into()),
        title: "Organic Tee".into(),
        description:
            "<p>Soft <strong>organic</strong> cotton&nbsp;tee.</p><script>alert(1)</script>".into(),
        short_description: String::new(),
        price: Some("19.5".into()),
        regular_price: Some("24.999".into()),
        sale_price: Some("19.5".into()),
        stock_status: Some("instock".into()),
        manage_stock: false,
        stock_quantity: None,
        image: Some(Image {
            url: "http://127.0.0.1/wp-content/uploads/tee.jpg".into(),
            mime: "image/jpeg".into(),
            bytes: Some(200_000),
        }),
        permalink: "http://127.0.0.1/product/organic-tee/".into(),
        brand: None,
        sale_from: None,
        sale_to: None,
    }
}

/// The clock the tests read the catalog at: 2026-06-01T00:00:00Z.
const NOW: i64 = 1_780_272_000;

fn rules() -> Rules {
    Rules {
        default_brand: "Acme Store".into(),
        ..Rules::default()
    }
}

fn item(product: &Product) -> CatalogItem {
    match prepare(product, &rules(), NOW) {
        Listing::Item(item) => *item,
        other => panic!("expected an item, got {other:?}"),
    }
}

fn problems(product: &Product) -> Vec<Problem> {
    match prepare(product, &rules(), NOW) {
        Listing::Invalid(problems) => problems,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn a_complete_product_becomes_an_item_field_for_field() {
    let item = item(&good());
    assert_eq!(item.id, "ACME-TEE-01");
    assert_eq!(item.title, "Organic Tee");
    assert_eq!(item.description, "Soft organic cotton tee.");
    assert_eq!(item.price, "25.00 USD");
    assert_eq!(item.sale_price.as_deref(), Some("19.50 USD"));
    assert_eq!(item.availability, Availability::InStock);
    assert_eq!(item.condition, "new");
    assert_eq!(item.brand, "Acme Store");
    assert_eq!(item.link, "http://127.0.0.1/product/organic-tee/");
    assert_eq!(
        item.image_link,
        "http://127.0.0.1/wp-content/uploads/tee.jpg"
    );
    let json = serde_json::to_value(&item).unwrap();
    assert_eq!(json["availability"], "in stock");
    assert!(json.get("item_group_id").is_none());
}

#[test]
fn each_problem_is_reported_with_an_actionable_message() {
    type Change = Box<dyn Fn(&mut Product)>;
    let cases: Vec<(Change, Problem)> = vec![
        (
            Box::new(|p| p.title = "  <b></b> ".into()),
            Problem::MissingTitle,
        ),
        (
            Box::new(|p| {
                p.price = None;
                p.regular_price = None;
                p.sale_price = None;
            }),
            Problem::MissingPrice,
        ),
        (
            Box::new(|p| {
                p.price = Some("0".into());
                p.regular_price = Some("0.00".into());
            }),
            Problem::MissingPrice,
        ),
        (
            Box::new(|p| {
                p.price = Some("abc".into());
                p.regular_price = Some("-5".into());
            }),
            Problem::MissingPrice,
        ),
        (
            Box::new(|p| {
                p.description = "<p>&nbsp;</p>".into();
                p.short_description = String::new();
            }),
            Problem::MissingDescription,
        ),
        (
            Box::new(|p| p.image = None),
            Problem::MissingImage {
                max: DEFAULT_MAX_IMAGE_BYTES,
            },
        ),
        (
            Box::new(|p| {
                p.image = Some(Image {
                    url: "http://x/a.gif".into(),
                    mime: String::new(),
                    bytes: None,
                })
            }),
            Problem::ImageFormat {
                found: "a .gif file".into(),
            },
        ),
        (
            Box::new(|p| p.image.as_mut().unwrap().mime = "image/webp".into()),
            Problem::ImageFormat {
                found: "image/webp".into(),
            },
        ),
        (
            Box::new(|p| p.image.as_mut().unwrap().bytes = Some(6 * 1024 * 1024)),
            Problem::ImageTooLarge {
                bytes: 6 * 1024 * 1024,
                max: DEFAULT_MAX_IMAGE_BYTES,
            },
        ),
        (
            Box::new(|p| p.sku = Some("S".repeat(101))),
            Problem::RetailerIdTooLong {
                length: 101,
                max: MAX_RETAILER_ID,
            },
        ),
        (
            Box::new(|p| p.stock_status = Some("preorder".into())),
            Problem::StockUnmapped {
                found: "preorder".into(),
            },
        ),
    ];
    for (change, expected) in cases {
        let mut product = good();
        change(&mut product);
        let found = problems(&product);
        assert_eq!(found, vec![expected.clone()]);
        assert!(expected.message().ends_with('.'), "{}", expected.message());
        assert_eq!(
            serde_json::to_value(&expected).unwrap()["code"],
            expected.code()
        );
    }
}

#[test]
fn several_problems_are_reported_together() {
    let mut product = good();
    product.title = String::new();
    product.image = None;
    product.regular_price = None;
    product.price = None;
    assert_eq!(
        problems(&product),
        vec![
            Problem::MissingTitle,
            Problem::MissingPrice,
            Problem::MissingImage {
                max: DEFAULT_MAX_IMAGE_BYTES
            }
        ]
    );
}

#[test]
fn unpublished_hidden_and_variable_parents_are_not_listed() {
    for change in [
        (|p: &mut Product| p.status = "draft".into()) as fn(&mut Product),
        |p| p.status = "trash".into(),
        |p| p.visibility = Some("hidden".into()),
        |p| p.product_type = "variable".into(),
    ] {
        let mut product = good();
        change(&mut product);
        assert!(matches!(
            prepare(&product, &rules(), NOW),
            Listing::NotListed(_)
        ));
    }
}

#[test]
fn variations_are_grouped_under_their_parent() {
    let mut variation = good();
    variation.id = 42;
    variation.product_type = "variation".into();
    variation.parent_id = Some(40);
    variation.sku = None;
    let item = item(&variation);
    assert_eq!(item.id, "wc_42");
    assert_eq!(item.item_group_id.as_deref(), Some("wc_40"));
}

#[test]
fn stock_maps_to_availability() {
    for (status, manage, qty, expected) in [
        ("outofstock", false, None, Availability::OutOfStock),
        ("onbackorder", false, None, Availability::AvailableForOrder),
        ("instock", true, Some(0), Availability::OutOfStock),
        ("instock", true, Some(3), Availability::InStock),
    ] {
        let mut product = good();
        product.stock_status = Some(status.into());
        product.manage_stock = manage;
        product.stock_quantity = qty;
        assert_eq!(item(&product).availability, expected, "{status}");
    }
}

#[test]
fn prices_are_read_the_way_woocommerce_stores_them() {
    for (raw, cents) in [
        ("12", Some(1200)),
        ("12.3", Some(1230)),
        ("12.345", Some(1235)),
        ("0.994", Some(99)),
        (".5", Some(50)),
        (" 7.00 ", Some(700)),
        ("92233720368547758.07", Some(i64::MAX)),
        ("92233720368547758.06", Some(i64::MAX - 1)),
    ] {
        assert_eq!(text::cents(raw), cents, "{raw}");
    }
    for raw in [
        "",
        ".",
        "1,5",
        "-1",
        "1e3",
        "12.3.4",
        "NaN",
        "99999999999999999999",
        // The largest whole part that fits i64 once multiplied by 100, with cents that
        // do not: an overflow (a panic with overflow checks, a negative price without)
        // before; the product fuzz target crashes on it.
        "92233720368547758.08",
        "92233720368547758.99",
        "92233720368547758.1",
    ] {
        assert_eq!(text::cents(raw), None, "{raw}");
    }
    assert_eq!(text::money(1235, "EUR"), "12.35 EUR");
    // A sale price not below the regular price is not a sale.
    let mut product = good();
    product.sale_price = Some("30".into());
    assert_eq!(item(&product).sale_price, None);
}

#[test]
fn html_becomes_plain_text() {
    assert_eq!(text::plain("<p>A&amp;B</p><p>C &lt;3&gt;</p>"), "A&B C <3>");
    assert_eq!(
        text::plain("<style>p{}</style>x<SCRIPT>bad()</SCRIPT>y"),
        "x y"
    );
    assert_eq!(
        text::plain("caf&#233; &#x2713; &unknown; &"),
        "café ✓ &unknown; &"
    );
    assert_eq!(text::plain("unclosed <b"), "unclosed");
    assert_eq!(text::truncate("abcdef".into(), 4), "abc…");
    assert_eq!(text::truncate("ééé".into(), 3), "ééé");
}

#[test]
fn the_content_hash_changes_with_what_the_catalog_sees() {
    let base = content_hash(&item(&good()));
    assert_eq!(base, content_hash(&item(&good())));
    assert_eq!(base.len(), 64);
    let mut cheaper = good();
    cheaper.regular_price = Some("23".into());
    assert_ne!(base, content_hash(&item(&cheaper)));
    // Markup that renders to the same text does not count as a change.
    let mut reformatted = good();
    reformatted.description = "<div>Soft organic   cotton tee.</div>".into();
    assert_eq!(base, content_hash(&item(&reformatted)));
}

const DAY: i64 = 86_400;

#[test]
fn a_sale_scheduled_in_the_future_is_not_the_catalog_price_until_it_starts() {
    let mut product = good();
    product.price = Some("24.999".into());
    product.sale_from = Some(NOW + 30 * DAY);
    product.sale_to = Some(NOW + 40 * DAY - 1);
    assert_eq!(item(&product).sale_price, None, "the sale has not begun");
    assert_eq!(item(&product).price, "25.00 USD");
    assert_eq!(next_price_change(&product, NOW), Some(NOW + 30 * DAY));

    let at = |when: i64| match prepare(&product, &rules(), when) {
        Listing::Item(item) => item.sale_price,
        other => panic!("expected an item, got {other:?}"),
    };
    assert_eq!(at(NOW + 30 * DAY - 1), None, "a second before it starts");
    assert_eq!(
        at(NOW + 30 * DAY).as_deref(),
        Some("19.50 USD"),
        "from its first second"
    );
    assert_eq!(
        at(NOW + 40 * DAY - 1).as_deref(),
        Some("19.50 USD"),
        "to its last second"
    );
    assert_eq!(at(NOW + 40 * DAY), None, "and not after it");
    assert_eq!(
        next_price_change(&product, NOW + 30 * DAY),
        Some(NOW + 40 * DAY),
        "once on, the next change is its end"
    );
    assert_eq!(next_price_change(&product, NOW + 40 * DAY), None);
}

#[test]
fn a_sale_that_ended_gives_the_regular_price_back() {
    let mut product = good();
    product.sale_from = Some(NOW - 10 * DAY);
    product.sale_to = Some(NOW - 1);
    assert_eq!(item(&product).sale_price, None);
    assert_eq!(item(&product).price, "25.00 USD");
    assert_eq!(next_price_change(&product, NOW), None);
}

#[test]
fn a_sale_without_dates_is_always_on_and_never_changes_by_itself() {
    let product = good();
    assert_eq!(item(&product).sale_price.as_deref(), Some("19.50 USD"));
    assert_eq!(next_price_change(&product, NOW), None);

    let mut open_ended = good();
    open_ended.sale_from = Some(NOW - DAY);
    assert_eq!(item(&open_ended).sale_price.as_deref(), Some("19.50 USD"));
    assert_eq!(next_price_change(&open_ended, NOW), None);
}

#[test]
fn dates_without_a_real_sale_schedule_nothing() {
    let mut product = good();
    product.sale_price = Some("30".into());
    product.sale_from = Some(NOW + DAY);
    assert_eq!(
        next_price_change(&product, NOW),
        None,
        "not below the list price"
    );
    product.sale_price = None;
    assert_eq!(next_price_change(&product, NOW), None, "no sale price");
}

#[test]
fn an_escaped_store_name_is_the_brand_as_written() {
    let rules = Rules {
        default_brand: "Bolt &amp; Co Gadgets".into(),
        ..Rules::default()
    };
    match prepare(&good(), &rules, NOW) {
        Listing::Item(item) => assert_eq!(item.brand, "Bolt & Co Gadgets"),
        other => panic!("expected an item, got {other:?}"),
    }
}
