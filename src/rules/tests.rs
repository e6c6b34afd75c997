use serde_json::{Map, Value, json};

use super::options::*;
use super::*;
use crate::routing::Fallback;

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("not an object"),
    }
}

fn malformed<T: std::fmt::Debug>(result: Result<T, RulesError>) -> String {
    match result {
        Err(RulesError::Malformed { detail, .. }) => detail,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

fn invalid<T: std::fmt::Debug>(result: Result<T, RulesError>) -> FieldProblem {
    match result {
        Err(RulesError::Invalid { problem, .. }) => problem,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn form_values_are_checked_and_typed() {
    let checked = check(
        "catalog",
        &object(
            json!({"batch_size": " 50 ", "image_max_mb": 9, "currency": "eur",
            "catalog_id": "", "graph_version": "v22.0", "schedule_day": "x"}),
        ),
    )
    .unwrap();
    assert_eq!(checked.values.get("batch_size"), Some(&json!(50)));
    assert_eq!(checked.values.get("catalog_id"), Some(&json!("")));
    assert_eq!(checked.values.get("graph_version"), Some(&json!("v22.0")));
    assert!(!checked.values.contains_key("image_max_mb"));
    assert!(!checked.values.contains_key("currency"));
    let problems = serde_json::to_value(&checked.problems).unwrap();
    assert_eq!(
        problems,
        json!([
            {"field": "image_max_mb", "code": "out_of_range", "min": 1, "max": 8},
            {"field": "currency", "code": "bad_format", "format": "currency"},
            {"field": "schedule_day", "code": "not_an_integer", "min": 0, "max": 6},
        ])
    );
}

#[test]
fn bounds_are_inclusive_and_reported() {
    for (field, low, high) in [("batch_size", 1, 100), ("schedule_hour", 0, 23)] {
        for (value, ok) in [
            (low, true),
            (high, true),
            (low - 1, false),
            (high + 1, false),
        ] {
            let checked = check("catalog", &object(json!({ field: value }))).unwrap();
            assert_eq!(checked.problems.is_empty(), ok, "{field}={value}");
            if !ok {
                assert_eq!(checked.problems[0].min, Some(low));
                assert_eq!(checked.problems[0].max, Some(high));
            }
        }
    }
}

#[test]
fn retention_is_zero_or_a_month_or_more() {
    for (value, ok) in [
        (0, true),
        (31, true),
        (36_500, true),
        (30, false),
        (36_501, false),
    ] {
        let checked = check("messages", &object(json!({"retention_days": value}))).unwrap();
        assert_eq!(checked.problems.is_empty(), ok, "{value}");
    }
    let checked = check("messages", &object(json!({"retention_days": "-1"}))).unwrap();
    assert_eq!(checked.problems[0].code, ProblemCode::OutOfRange);
}

#[test]
fn unknown_groups_and_fields_are_refused() {
    assert!(matches!(
        check("nope", &Map::new()),
        Err(RulesError::UnknownGroup(..))
    ));
    assert!(matches!(
        check("settings", &object(json!({"sandbox_mode": true}))),
        Err(RulesError::UnknownField { .. })
    ));
}

#[test]
fn credentials_have_one_rule_per_kind() {
    let long = "a".repeat(CLOUD_ACCESS_TOKEN.max_bytes + 1);
    let checked = check("catalog", &object(json!({"access_token": long, }))).unwrap();
    assert_eq!(checked.problems[0].code, ProblemCode::TooLong);
    assert_eq!(checked.problems[0].max_length, Some(1024));
    let exact = "a".repeat(CLOUD_ACCESS_TOKEN.max_bytes);
    assert!(CLOUD_ACCESS_TOKEN.accepts(&exact));
    // The Cloud client takes exactly what the settings accept: the old 2,048/1,024 drift.
    assert!(crate::cloud::CloudClient::new("http://127.0.0.1:1", "v21.0", &exact).is_ok());
    assert!(crate::cloud::CloudClient::new("http://127.0.0.1:1", "v21.0", &long).is_err());

    let spaced = check("catalog", &object(json!({"access_token": "ab cd"}))).unwrap();
    assert_eq!(spaced.problems[0].code, ProblemCode::BadCharacters);
    // Gateway keys may hold spaces, never control characters.
    assert!(GATEWAY_API_KEY.accepts("key with spaces"));
    assert!(!GATEWAY_API_KEY.accepts("key\u{7}"));
    assert!(crate::gateway::GatewayClient::new("http://127.0.0.1:1", &"k".repeat(512)).is_ok());
    assert!(crate::gateway::GatewayClient::new("http://127.0.0.1:1", &"k".repeat(513)).is_err());
    // Blank means "keep the saved one".
    let blank = check("settings", &object(json!({"gateway_api_key": "  "}))).unwrap();
    assert_eq!(blank.values.get("gateway_api_key"), Some(&json!("")));
}

#[test]
fn formats() {
    assert!(Format::NumericId.matches("123456789012345"));
    assert!(!Format::NumericId.matches(&"1".repeat(33)));
    assert!(!Format::NumericId.matches("12a"));
    assert!(Format::GraphVersion.matches("v21.0"));
    assert!(!Format::GraphVersion.matches("v21"));
    assert!(!Format::GraphVersion.matches("v1234.0"));
    assert!(Format::Language.matches("en_US") && Format::Language.matches("de"));
    assert!(!Format::Language.matches("en-US") && !Format::Language.matches("EN"));
    assert!(Format::TemplateName.matches("order_update_2"));
    assert!(!Format::TemplateName.matches("Order"));
    assert!(Format::VerifyToken.matches("wpwa_abcdefghijklmnop"));
    assert!(!Format::VerifyToken.matches("short"));
    assert!(Format::ConnectionId.matches("main-1") && !Format::ConnectionId.matches("-main"));
    assert!(!Format::ConnectionId.matches(&"a".repeat(41)));
    let missing = check("cloud_connection", &object(json!({"phone_number_id": ""}))).unwrap();
    assert_eq!(missing.problems[0].code, ProblemCode::Missing);
    let cut = check("messages", &object(json!({"menu_intro": "é".repeat(1200)}))).unwrap();
    assert_eq!(
        cut.values["menu_intro"].as_str().unwrap().chars().count(),
        MAX_MENU_INTRO_CHARS
    );
    let wrong_type = check("messages", &object(json!({"notify_language": 12}))).unwrap();
    assert_eq!(wrong_type.problems[0].code, ProblemCode::NotAString);
}

#[test]
fn limits_list_every_field_with_its_bounds() {
    let limits = limits();
    assert_eq!(
        limits["catalog"]["batch_size"],
        json!({"type": "integer", "min": 1, "max": 100})
    );
    assert_eq!(limits["catalog"]["access_token"]["maxlength"], json!(1024));
    assert_eq!(limits["messages"]["retention_days"]["min"], json!(31));
    assert_eq!(
        limits["cloud_connection"]["catalog_id"]["pattern"],
        json!("[0-9]{1,32}")
    );
    for group in GROUPS {
        assert_eq!(
            limits[group.name].as_object().unwrap().len(),
            group.fields.len()
        );
    }
}

#[test]
fn policy_input() {
    let policy: PolicyInput = read("policy", json!([])).unwrap();
    assert!(malformed(read::<PolicyInput>("policy", json!([7]))).contains("list"));
    assert_eq!(
        policy.validate().unwrap(),
        crate::session::Policy::default()
    );
    let policy: PolicyInput = read(
        "policy",
        json!({"max_starts_per_hour": 7, "offline_expiry_days": 2}),
    )
    .unwrap();
    let policy = policy.validate().unwrap();
    assert_eq!(policy.max_starts_per_hour, 7);
    assert_eq!(policy.offline_expiry_seconds, 2 * 86_400);
    let problem = invalid(
        read::<PolicyInput>("policy", json!({"qr_first_seconds": 601}))
            .unwrap()
            .validate(),
    );
    assert_eq!((problem.min, problem.max), (Some(1), Some(600)));
    assert!(
        malformed(read::<PolicyInput>("policy", json!({"qr_seconds": 1})))
            .contains("unknown field")
    );
    assert!(
        malformed(read::<PolicyInput>(
            "policy",
            json!({"qr_next_seconds": "20"})
        ))
        .contains("invalid type")
    );
}

#[test]
fn catalog_options_input() {
    let input: CatalogOptionsInput = read(
        "options",
        json!({"currency": "EUR", "max_image_bytes": 1024, "default_brand": "x".repeat(150),
            "batch_size": 10, "concurrency": 2, "poll_interval_ms": 50}),
    )
    .unwrap();
    let (rules, options) = input.validate().unwrap();
    assert_eq!(rules.currency, "EUR");
    assert_eq!(rules.max_image_bytes, 1024);
    assert_eq!(rules.default_brand.chars().count(), MAX_BRAND_CHARS);
    assert_eq!(options.batch_size, 10);
    assert_eq!(options.concurrency, 2);
    assert_eq!(options.poll_interval, std::time::Duration::from_millis(50));
    for bad in [
        json!({"batch_size": 101}),
        json!({"batch_size": 0}),
        json!({"concurrency": 17}),
        json!({"max_image_bytes": 8 * 1024 * 1024 + 1}),
        json!({"poll_interval_ms": 9}),
        json!({"currency": "usd"}),
    ] {
        let input: CatalogOptionsInput = read("options", bad.clone()).unwrap();
        assert!(input.validate().is_err(), "{bad}");
    }
    assert!(
        malformed(read::<CatalogOptionsInput>("options", json!({"batch": 1})))
            .contains("unknown field")
    );
    assert!(
        malformed(read::<CatalogOptionsInput>(
            "options",
            json!({"currency": 1})
        ))
        .contains("invalid type")
    );
}

#[test]
fn limits_and_routing_inputs() {
    let limits: LimitsInput =
        read("limits", json!({"monthly_allowance": 4_294_967_295_i64})).unwrap();
    assert_eq!(limits.validate().unwrap().monthly_allowance, u32::MAX);
    let limits: LimitsInput = read("limits", json!({"pacing_seconds": 86_401})).unwrap();
    assert_eq!(invalid(limits.validate()).code, ProblemCode::OutOfRange);
    let limits: LimitsInput = read("limits", json!({"monthly_allowance": -1})).unwrap();
    assert!(limits.validate().is_err());
    assert!(read::<LimitsInput>("limits", json!({"allowance": 1})).is_err());

    let routing: RoutingInput = read(
        "routing",
        json!({"window_seconds": 3600, "fallback": "menu"}),
    )
    .unwrap();
    let config = routing.validate().unwrap();
    assert_eq!(config.window_seconds, 3600);
    assert_eq!(config.fallback, Fallback::Menu);
    let routing: RoutingInput = read("routing", json!({"fallback": 12})).unwrap();
    assert_eq!(
        routing.validate().unwrap().fallback,
        Fallback::DefaultVendor(12)
    );
    let routing: RoutingInput = read(
        "routing",
        json!({"vendor_numbers": [{"phone_number_id": "106540352242922", "vendor_id": 7}, {"phone_number_id": "106540352242923", "vendor_id": 8}]}),
    )
    .unwrap();
    let numbers = routing.validate().unwrap().vendor_numbers;
    assert_eq!(numbers.get("106540352242922"), Some(&7));
    assert_eq!(numbers.len(), 2);
    for bad in [
        json!({"fallback": "nobody"}),
        json!({"fallback": 0}),
        json!({"window_seconds": WINDOW_SECONDS.max + 1}),
        json!({"vendor_numbers": [{"phone_number_id": "1065", "vendor_id": 0}]}),
        json!({"vendor_numbers": [{"phone_number_id": "+1 555", "vendor_id": 3}]}),
        json!({"vendor_numbers": [{"phone_number_id": "", "vendor_id": 3}]}),
    ] {
        let routing: RoutingInput = read("routing", bad.clone()).unwrap();
        assert!(routing.validate().is_err(), "{bad}");
    }
    assert!(read::<RoutingInput>("routing", json!({"window": 1})).is_err());
}

#[test]
fn log_filter_input() {
    let filter: LogFilterInput = read(
        "filter",
        json!({"vendor_id": 3, "level": "error", "kind": "sync", "limit": 20, "offset": 40, "since": null}),
    )
    .unwrap();
    let filter = filter.validate().unwrap();
    assert_eq!(filter.vendor_id, Some(3));
    assert_eq!(filter.level, Some(crate::log::Level::Error));
    assert_eq!(
        (filter.limit, filter.offset, filter.since),
        (Some(20), 40, None)
    );
    let bad: LogFilterInput = read("filter", json!({"level": "loud"})).unwrap();
    assert!(bad.validate().is_err());
    let bad: LogFilterInput = read("filter", json!({"offset": -1})).unwrap();
    assert!(bad.validate().is_err());
    let bad: LogFilterInput = read("filter", json!({"offset": i64::MAX})).unwrap();
    assert!(bad.validate().is_err());
    // A wrong type names its key, although serde does not.
    let detail = malformed(read::<LogFilterInput>(
        "filter",
        json!({"kind": "x", "level": ["info"]}),
    ));
    assert!(detail.starts_with("level: invalid type"), "{detail}");
    assert!(
        malformed(read::<LogFilterInput>("filter", json!({"page": 1}))).contains("unknown field")
    );
}

#[test]
fn connection_inputs_have_one_shape() {
    let cloud: CloudInput = read(
        "connection",
        json!({"url": "http://127.0.0.1:1", "version": "v21.0", "token": "t", "catalog_id": "42"}),
    )
    .unwrap();
    assert_eq!(cloud.catalog_id().unwrap(), "42");
    assert_eq!(invalid(cloud.phone_number_id()).code, ProblemCode::Missing);
    let cloud: CloudInput = read(
        "connection",
        json!({"url": "u", "token": "t", "phone_number_id": "12x"}),
    )
    .unwrap();
    assert_eq!(
        invalid(cloud.phone_number_id()).code,
        ProblemCode::BadFormat
    );
    assert!(
        malformed(read::<CloudInput>("connection", json!({"url": "u"}))).contains("missing field")
    );
    assert!(read::<CloudInput>("connection", json!({"url": "u", "token": 5})).is_err());
    assert!(
        read::<CloudInput>(
            "connection",
            json!({"url": "u", "token": "t", "secret": "s"})
        )
        .is_err()
    );

    let gateway: GatewayInput = read(
        "gateway",
        json!({"id": "main", "url": "http://g", "api_key": "k", "webhook_url": "http://w", "webhook_key": "k".repeat(16)}),
    )
    .unwrap();
    assert_eq!(gateway.webhook().unwrap().hmac_key.len(), 16);
    let short: GatewayInput = read(
        "gateway",
        json!({"url": "http://g", "api_key": "k", "webhook_url": "http://w", "webhook_key": "short"}),
    )
    .unwrap();
    assert!(short.webhook().is_err());
    assert!(read::<GatewayInput>("gateway", json!({"url": "http://g"})).is_err());
    let detail = malformed(read::<GatewayInput>(
        "gateway",
        json!({"url": "http://g", "api_key": ["k"]}),
    ));
    assert!(detail.starts_with("api_key: invalid type"), "{detail}");
}

#[test]
fn vendor_directory_input() {
    let vendors: Vec<VendorInput> = read_list(
        "vendors",
        json!([{"vendor_id": 2, "code": "", "store_name": "Bolt &amp; Co"}, {"vendor_id": 3, "store_name": "Acme"}]),
    )
    .unwrap();
    let directory = vendor_directory(&vendors).unwrap();
    assert_eq!(directory.len(), 2);
    assert_eq!(directory[0].store_name, "Bolt & Co");
    let zero: Vec<VendorInput> = read_list("vendors", json!([{"vendor_id": 0}])).unwrap();
    assert!(vendor_directory(&zero).is_err());
    assert!(read_list::<VendorInput>("vendors", json!([{"store_name": "x"}])).is_err());
    assert!(read_list::<VendorInput>("vendors", json!([{"vendor_id": 1, "email": "x"}])).is_err());
}

#[test]
fn auto_reply_inputs() {
    let day = json!({"open": "09:00", "close": "24:00"});
    let replies: AutoRepliesInput = read(
        "replies",
        json!({"acknowledgement": "Hi", "away_message": " ", "hours": [day, null, null, null, null, null, null]}),
    )
    .unwrap();
    let replies = replies.validate().unwrap();
    assert_eq!(replies.acknowledgement.as_deref(), Some("Hi"));
    assert_eq!(replies.away_message, None);
    let monday = replies.hours.unwrap()[0].unwrap();
    assert_eq!((monday.open, monday.close), (540, 1440));
    let six_days: AutoRepliesInput = read(
        "replies",
        json!({"hours": [null, null, null, null, null, null]}),
    )
    .unwrap();
    assert!(six_days.validate().is_err());
    let bad_time: AutoRepliesInput = read(
        "replies",
        json!({"hours": [{"open": "25:00", "close": "26:00"}, null, null, null, null, null, null]}),
    )
    .unwrap();
    assert!(bad_time.validate().is_err());
    assert_eq!(clock_minute("9:30"), Some(570));
    assert_eq!(clock_minute("24:01"), None);
    let at: LocalTimeInput = read("local_time", json!({"weekday": 6, "minute": 1439})).unwrap();
    assert_eq!(at.validate().unwrap().minute, 1439);
    let at: LocalTimeInput = read("local_time", json!({"weekday": 7, "minute": 0})).unwrap();
    assert!(at.validate().is_err());
    assert!(read::<LocalTimeInput>("local_time", json!({"weekday": 1})).is_err());
}

#[test]
fn outbound_input() {
    let text: OutboundInput = read("message", json!({"type": "text", "body": "Hi"})).unwrap();
    assert!(
        matches!(crate::messaging::Outbound::from(text), crate::messaging::Outbound::Text(b) if b == "Hi")
    );
    let list: OutboundInput = read(
        "message",
        json!({"type": "product_list", "catalog_id": "1", "header": "h", "body": "b",
            "sections": [{"title": "A", "retailer_ids": ["x", "y"]}]}),
    )
    .unwrap();
    match crate::messaging::Outbound::from(list) {
        crate::messaging::Outbound::ProductList { sections, .. } => {
            assert_eq!(
                sections,
                vec![("A".to_owned(), vec!["x".to_owned(), "y".to_owned()])]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(read::<OutboundInput>("message", json!({"type": "fax", "body": "x"})).is_err());
    assert!(read::<OutboundInput>("message", json!({"type": "text"})).is_err());
    assert!(
        read::<OutboundInput>("message", json!({"type": "text", "body": "x", "extra": 1})).is_err()
    );
}

#[test]
fn preferences_rules() {
    let checked = check(
        "preferences",
        &object(json!({"whatsapp_number": "+4915112345678", "weekday": "7",
            "close_minute": "1440", "open_minute": 1440,
            "acknowledgement": "x".repeat(MAX_AUTO_REPLY_CHARS + 5)})),
    )
    .unwrap();
    assert_eq!(
        checked.values.get("whatsapp_number"),
        Some(&json!("+4915112345678"))
    );
    assert_eq!(checked.values.get("close_minute"), Some(&json!(1440)));
    assert_eq!(
        checked.values["acknowledgement"].as_str().unwrap().len(),
        MAX_AUTO_REPLY_CHARS
    );
    let fields: Vec<_> = checked.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["weekday", "open_minute"]);
    for number in ["12345", "+1234567890123456", "49 151", "++491511234"] {
        assert!(!Format::PhoneNumber.matches(number), "{number}");
    }
    assert!(Format::PhoneNumber.matches("491511234"));
    // The week the preferences form shows is the week the core's replies take.
    let week = vec![None; WEEKDAY.max as usize + 1];
    assert!(
        AutoRepliesInput {
            hours: Some(week),
            ..Default::default()
        }
        .validate()
        .is_ok()
    );
    let problem = invalid(
        AutoRepliesInput {
            away_message: Some("x".repeat(MAX_AUTO_REPLY_CHARS + 1)),
            ..Default::default()
        }
        .validate(),
    );
    assert_eq!(problem.field, "away_message");
    assert_eq!(problem.code, ProblemCode::TooLong);
    let limits = limits();
    assert_eq!(limits["preferences"]["weekday"]["max"], json!(6));
    assert_eq!(limits["preferences"]["close_minute"]["max"], json!(1440));
    assert_eq!(
        limits["preferences"]["away_message"]["maxlength"],
        json!(1000)
    );
}

#[test]
fn log_auth_privacy_gateway_and_webhook_rules() {
    assert!(Format::LogKind.matches("session.connected"));
    for kind in ["", "Session", "a b", &"k".repeat(MAX_LOG_KIND + 1)] {
        assert!(!Format::LogKind.matches(kind), "{kind}");
    }

    assert!(Format::BearerToken.matches("eyJh.eyJz.c2ln"));
    assert!(Format::BearerToken.matches("eyJh.eyJz."));
    for token in ["a.b", ".b.c", "a.b.c.d", "a.b.c d", "a+b.c.d"] {
        assert!(!Format::BearerToken.matches(token), "{token}");
    }
    let long = format!("a.b.{}", "c".repeat(MAX_TOKEN_BYTES));
    assert!(!Format::BearerToken.matches(&long));
    assert_eq!(
        check("auth", &object(json!({"bearer_token": long})))
            .unwrap()
            .problems[0]
            .code,
        ProblemCode::TooLong
    );

    assert!(Format::CallingCode.matches("+1"));
    assert!(Format::CallingCode.matches("+1684"));
    for code in ["1", "+", "+12345", "+1 684"] {
        assert!(!Format::CallingCode.matches(code), "{code}");
    }

    assert!(Format::GatewayUrl.matches("http://127.0.0.1:3000"));
    assert!(Format::GatewayUrl.matches("HTTPS://gw.example/api"));
    for url in [
        "ftp://gw.example",
        "https://",
        "https://user:pw@gw.example",
        "https://gw.example/a b",
        "https://gw.example/\u{7}",
        "gw.example",
    ] {
        assert!(!Format::GatewayUrl.matches(url), "{url}");
        assert!(
            crate::gateway::GatewayClient::new(url, "key").is_err(),
            "{url}"
        );
    }

    // One source: the caps PHP reads are the ones the core's parsers refuse with.
    let limits = limits();
    assert_eq!(
        limits["webhooks"]["cloud_body_bytes"]["max"],
        json!(crate::inbound::MAX_BODY_BYTES)
    );
    assert_eq!(
        limits["webhooks"]["gateway_body_bytes"]["max"],
        json!(crate::session::MAX_WEBHOOK_BYTES)
    );
    assert_eq!(
        limits["webhooks"]["queue_lease_seconds"]["max"],
        json!(crate::early_ingest::LEASE_SECONDS)
    );
    assert_eq!(
        limits["webhooks"]["queue_retry_seconds"]["max"],
        json!(crate::early_ingest::RETRY_AFTER_SECONDS)
    );
    assert_eq!(limits["log"]["kind"]["maxlength"], json!(MAX_LOG_KIND));
    assert_eq!(
        limits["auth"]["bearer_token"]["maxlength"],
        json!(MAX_TOKEN_BYTES)
    );
}

#[test]
fn routing_input_carries_the_admins_consent_words() {
    let input: RoutingInput = read(
        "routing",
        json!({"opt_out_words": "Stop, Unsubscribe", "opt_in_words": ""}),
    )
    .unwrap();
    let config = input.validate().unwrap();
    assert_eq!(config.consent_words.meaning("unsubscribe"), Some(false));
    assert_eq!(
        config.consent_words.meaning("yes"),
        Some(true),
        "an empty list keeps the default words"
    );
    let checked = check(
        "order_updates",
        json!({"consent_text": " Send me order updates ", "template": "Bad Name", "language": "en_US"})
            .as_object()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        checked.values["consent_text"],
        json!("Send me order updates")
    );
    assert_eq!(checked.problems.len(), 1);
    assert_eq!(checked.problems[0].field, "template");
}

#[test]
fn rate_cards_and_cost_caps() {
    use crate::pricing::PricingCategory;
    let card: RateCardInput = read(
        "rate card",
        json!({"currency": "EUR", "prices": {"marketing": 61_000, "service": 0}}),
    )
    .unwrap();
    let card = card.validate().unwrap();
    assert_eq!(card.currency, "EUR");
    assert_eq!(card.prices[&PricingCategory::Marketing], 61_000);
    assert_eq!(card.price(Some("utility")), 0);
    // A bad currency, an unknown category, a price out of bounds.
    for bad in [
        json!({"currency": "eur"}),
        json!({"prices": {"agent": 1}}),
        json!({"prices": {"marketing": -1}}),
        json!({"prices": {"marketing": PRICE_MICROS.max + 1}}),
    ] {
        let input: RateCardInput = read("rate card", bad.clone()).unwrap();
        assert!(input.validate().is_err(), "{bad}");
    }
    // The cap: 0 is no cap; bounds apply.
    let limits: LimitsInput = read(
        "limits",
        json!({"cost_cap_micros": 5_000_000, "rate_card": {"currency": "USD"}}),
    )
    .unwrap();
    let limits = limits.validate().unwrap();
    assert_eq!(limits.cost_cap_micros, Some(5_000_000));
    assert_eq!(limits.rate_card.currency, "USD");
    let none: LimitsInput = read("limits", json!({"cost_cap_micros": 0})).unwrap();
    assert_eq!(none.validate().unwrap().cost_cap_micros, None);
    let over: LimitsInput = read(
        "limits",
        json!({"cost_cap_micros": COST_CAP_MICROS.max + 1}),
    )
    .unwrap();
    assert_eq!(invalid(over.validate()).code, ProblemCode::OutOfRange);
}

#[test]
fn amounts_are_checked_as_decimals_and_kept_as_micro_units() {
    let checked = check(
        "messages",
        json!({"price_marketing": "0.0625", "price_utility": "1,5", "cost_cap": "250", "price_service": 0, "rate_currency": "EUR"})
            .as_object()
            .unwrap(),
    )
    .unwrap();
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    assert_eq!(checked.values["price_marketing"], json!(62_500));
    assert_eq!(checked.values["price_utility"], json!(1_500_000));
    assert_eq!(checked.values["cost_cap"], json!(250_000_000));
    assert_eq!(checked.values["price_service"], json!(0));
    let refused = check(
        "messages",
        json!({"price_marketing": "0.0000001", "price_utility": "-1", "price_service": "abc", "cost_cap": "1000000001"})
            .as_object()
            .unwrap(),
    )
    .unwrap();
    let codes: Vec<(String, ProblemCode)> = refused
        .problems
        .iter()
        .map(|p| (p.field.clone(), p.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("price_marketing".to_owned(), ProblemCode::NotAnAmount),
            ("price_utility".to_owned(), ProblemCode::NotAnAmount),
            ("price_service".to_owned(), ProblemCode::NotAnAmount),
            ("cost_cap".to_owned(), ProblemCode::AmountOutOfRange),
        ]
    );
    assert!(refused.values.is_empty());
    let limits = limits();
    assert_eq!(
        limits["messages"]["price_marketing"]["type"],
        json!("amount")
    );
    assert_eq!(limits["messages"]["price_marketing"]["min"], json!(0.0));
    assert_eq!(
        limits["messages"]["price_marketing"]["step"],
        json!(0.000001)
    );
    assert_eq!(parse_micros("12"), Some(12_000_000));
    assert_eq!(parse_micros(".5"), Some(500_000));
    assert_eq!(parse_micros("."), None);
    assert_eq!(parse_micros(""), None);
}
