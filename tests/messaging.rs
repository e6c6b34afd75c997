//! Outbound messages against the sandbox's Cloud API: the 24-hour window, per-customer
//! pacing and the monthly allowance, refused before any call, and sends that pass.

#![cfg(feature = "sandbox")]

mod support;

use serde_json::json;
use support::Sandbox;
use wpwa::cloud::CloudClient;
use wpwa::conversation;
use wpwa::messaging::{self, Limits, MessagingError, Outbound};
use wpwa::routing::{RoutingConfig, VendorEntry};
use wpwa::sandbox::SandboxConfig;
use wpwa::store::Store;

const TOKEN: &str = "messaging-test-token";
const PHONE_ID: &str = "100000000000001";
const VENDOR: u64 = 11;
const CUSTOMER: &str = "15550001234";

fn vendors() -> Vec<VendorEntry> {
    vec![VendorEntry {
        vendor_id: VENDOR,
        code: "ACME".into(),
        store_name: "Acme Store".into(),
    }]
}

/// Records that the customer wrote to the vendor at `written_at`.
fn customer_wrote(store: &Store, written_at: i64, now: i64) {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": PHONE_ID}, "contacts": [{"profile": {"name": "Dana"}, "wa_id": CUSTOMER}],
        "messages": [{"from": CUSTOMER, "id": format!("wamid.in-{written_at}"), "timestamp": written_at.to_string(), "type": "text", "text": {"body": "#ACME is this in stock?"}}]}}]}]});
    let report = conversation::ingest(
        store,
        body.to_string().as_bytes(),
        &vendors(),
        &RoutingConfig::default(),
        now,
    )
    .unwrap();
    assert_eq!(report.stored[0].vendor_id, VENDOR);
}

async fn setup() -> (Sandbox, CloudClient, Store) {
    // The core paces per customer itself, on the clock the tests pass in; the
    // sandbox's own real-time pair limit is left out so the two do not overlap.
    let sandbox = Sandbox::start(SandboxConfig {
        cloud_token: TOKEN.into(),
        pair_interval_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let client = CloudClient::new(sandbox.base(), "v21.0", TOKEN).unwrap();
    (sandbox, client, Store::open_in_memory().unwrap())
}

/// The sandbox account's `order_update` template, with the one body parameter it
/// takes (the sandbox checks the count, as the API does).
fn template() -> Outbound {
    Outbound::Template {
        name: "order_update".into(),
        language: "en_US".into(),
        components: json!([{"type": "body", "parameters": [{"type": "text", "text": "1001"}]}]),
    }
}

#[test]
fn a_reply_within_the_window_is_sent_and_paced() {
    support::runtime(2).block_on(async {
        let (sandbox, client, store) = setup().await;
        let now = wpwa::clock::now();
        customer_wrote(&store, now - 60, now);

        let sent = messaging::send(
            &store,
            &client,
            PHONE_ID,
            VENDOR,
            CUSTOMER,
            &Outbound::Text("Yes, in stock!".into()),
            &Limits::default(),
            now,
        )
        .await
        .unwrap();
        assert!(sent.wamid.starts_with("wamid."));
        assert_eq!(sent.allowance_left, 999);
        let outbox = sandbox.get("/sandbox/messages/sent").await;
        let listed = outbox["messages"]
            .as_array()
            .or_else(|| outbox.as_array())
            .cloned()
            .unwrap_or_default();
        assert!(
            listed
                .iter()
                .any(|m| m.to_string().contains("Yes, in stock!")),
            "{outbox}"
        );

        // The same customer again, at once: refused before any call, with the wait (one
        // second more than the 6 s interval, as times are whole seconds).
        let error = messaging::send(
            &store,
            &client,
            PHONE_ID,
            VENDOR,
            CUSTOMER,
            &Outbound::Text("Anything else?".into()),
            &Limits::default(),
            now + 2,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, MessagingError::Paced { retry_after: 5 }),
            "{error}"
        );
        let product = Outbound::Product {
            catalog_id: "987".into(),
            retailer_id: "ACME-1".into(),
            body: "Here it is".into(),
        };
        assert!(
            messaging::send(
                &store,
                &client,
                PHONE_ID,
                VENDOR,
                CUSTOMER,
                &product,
                &Limits::default(),
                now + 7
            )
            .await
            .is_ok()
        );

        let conversations = conversation::conversations(&store, VENDOR, 10).unwrap();
        assert_eq!(
            (
                conversations[0].last_text.as_deref(),
                conversations[0].unread
            ),
            (Some("Here it is"), 0)
        );
    });
}

#[test]
fn outside_24_hours_only_a_template_goes_through() {
    support::runtime(2).block_on(async {
        let (_sandbox, client, store) = setup().await;
        let now = wpwa::clock::now();
        customer_wrote(&store, now - 25 * 3600, now - 25 * 3600);
        let error = messaging::send(
            &store,
            &client,
            PHONE_ID,
            VENDOR,
            CUSTOMER,
            &Outbound::Text("Still interested?".into()),
            &Limits::default(),
            now,
        )
        .await
        .unwrap_err();
        assert!(matches!(error, MessagingError::OutsideWindow));
        assert!(error.to_string().contains("template"));
        assert!(
            messaging::send(
                &store,
                &client,
                PHONE_ID,
                VENDOR,
                CUSTOMER,
                &template(),
                &Limits::default(),
                now
            )
            .await
            .is_ok()
        );
        // A customer who never wrote can only get a template too.
        let never = messaging::send(
            &store,
            &client,
            PHONE_ID,
            VENDOR,
            "15559990000",
            &Outbound::Text("Hi".into()),
            &Limits::default(),
            now + 10,
        )
        .await
        .unwrap_err();
        assert!(matches!(never, MessagingError::OutsideWindow));
    });
}

#[test]
fn the_monthly_allowance_is_enforced_per_vendor() {
    support::runtime(2).block_on(async {
        let (_sandbox, client, store) = setup().await;
        let limits = Limits {
            monthly_allowance: 2,
            pacing_seconds: 6,
            ..Limits::default()
        };
        let now = wpwa::clock::now();
        for i in 0..2 {
            let sent = messaging::send(
                &store,
                &client,
                PHONE_ID,
                VENDOR,
                CUSTOMER,
                &template(),
                &limits,
                now + i * 10,
            )
            .await
            .unwrap();
            assert_eq!(sent.allowance_left, 1 - i as u32);
        }
        let error = messaging::send(
            &store,
            &client,
            PHONE_ID,
            VENDOR,
            CUSTOMER,
            &template(),
            &limits,
            now + 30,
        )
        .await
        .unwrap_err();
        match error {
            MessagingError::AllowanceUsed { limit, retry_after } => {
                assert_eq!(limit, 2);
                assert!(retry_after > 0 && retry_after <= 31 * 86_400);
            }
            other => panic!("expected the allowance to be used up, got {other}"),
        }
        // Another vendor has their own allowance.
        assert!(
            messaging::send(
                &store,
                &client,
                PHONE_ID,
                VENDOR + 1,
                "15550005555",
                &template(),
                &limits,
                now + 40
            )
            .await
            .is_ok()
        );
    });
}

#[test]
fn api_refusals_come_back_as_cloud_errors() {
    support::runtime(2).block_on(async {
        let (sandbox, client, store) = setup().await;
        let now = wpwa::clock::now();
        sandbox
            .put(
                "/sandbox/config",
                json!({"messages_fail_mode": "spam_limit"}),
            )
            .await;
        let error = messaging::send(
            &store,
            &client,
            PHONE_ID,
            VENDOR,
            CUSTOMER,
            &template(),
            &Limits::default(),
            now,
        )
        .await
        .unwrap_err();
        assert!(matches!(error, MessagingError::Cloud(_)), "{error}");
        let bad = CloudClient::new(sandbox.base(), "v21.0", "wrong-token").unwrap();
        sandbox
            .put("/sandbox/config", json!({"messages_fail_mode": "none"}))
            .await;
        let error = messaging::send(
            &store,
            &bad,
            PHONE_ID,
            VENDOR,
            CUSTOMER,
            &template(),
            &Limits::default(),
            now + 10,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                error,
                MessagingError::Cloud(wpwa::cloud::CloudError::TokenInvalid { .. })
            ),
            "{error}"
        );
        assert!(
            conversation::conversations(&store, VENDOR, 10)
                .unwrap()
                .is_empty(),
            "refused sends store nothing"
        );
    });
}

fn sent_texts(outbox: &serde_json::Value) -> Vec<String> {
    outbox["messages"]
        .as_array()
        .or_else(|| outbox.as_array())
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| m.to_string())
        .collect()
}

#[test]
fn automatic_replies_name_the_vendor_follow_the_hours_and_go_out_once() {
    use messaging::auto::{self, AutoReplies, AutoReplyKind, DayHours, LocalTime, NoAutoReply};
    support::runtime(2).block_on(async {
        let (sandbox, client, store) = setup().await;
        let now = wpwa::clock::now();
        customer_wrote(&store, now - 5, now);
        let mut week = [Some(DayHours {
            open: 9 * 60,
            close: 17 * 60,
        }); 7];
        week[6] = None;
        let replies = AutoReplies {
            acknowledgement: Some("Thanks for writing! {vendor} will answer shortly.".into()),
            hours: Some(week),
            away_message: Some("{vendor} is closed until Monday 9:00.".into()),
        };
        let monday_ten = LocalTime {
            weekday: 0,
            minute: 600,
        };
        let limits = Limits::default();
        let reply = |at: LocalTime, now: i64| {
            auto::reply(
                &store,
                &client,
                PHONE_ID,
                VENDOR,
                CUSTOMER,
                &replies,
                "Acme Store",
                at,
                &limits,
                now,
            )
        };

        let sent = reply(monday_ten, now).await.unwrap().unwrap();
        assert_eq!(sent.kind, AutoReplyKind::Acknowledgement);
        assert_eq!(
            conversation::conversations(&store, VENDOR, 10).unwrap()[0].unread,
            1,
            "the vendor has not read it just because a robot answered"
        );
        assert_eq!(
            sent.text,
            "Thanks for writing! Acme Store will answer shortly."
        );
        let outbox = sent_texts(&sandbox.get("/sandbox/messages/sent").await);
        assert!(
            outbox
                .iter()
                .any(|m| m.contains("Acme Store will answer shortly"))
        );

        // The customer writes again an hour later: no second robot answer.
        customer_wrote(&store, now + 3600, now + 3600);
        assert_eq!(
            reply(monday_ten, now + 3600).await.unwrap(),
            Err(NoAutoReply::Quiet)
        );
        // The next day, on a Sunday: the away message.
        let later = now + 13 * 3600;
        customer_wrote(&store, later, later);
        let sunday = LocalTime {
            weekday: 6,
            minute: 600,
        };
        let away = reply(sunday, later).await.unwrap().unwrap();
        assert_eq!(
            (away.kind, away.text.as_str()),
            (
                AutoReplyKind::Away,
                "Acme Store is closed until Monday 9:00."
            )
        );
        assert_eq!(
            sent_texts(&sandbox.get("/sandbox/messages/sent").await).len(),
            2,
            "exactly two automatic replies went out"
        );

        // Automatic replies do not count as the vendor answering.
        let metrics = wpwa::response::metrics(&store, VENDOR, now - 86_400, later).unwrap();
        assert_eq!(metrics.answered, 0);

        // Turned off: nothing.
        let off = AutoReplies::default();
        assert_eq!(
            auto::reply(
                &store,
                &client,
                PHONE_ID,
                VENDOR,
                CUSTOMER,
                &off,
                "Acme Store",
                monday_ten,
                &Limits::default(),
                later + 86_400
            )
            .await
            .unwrap(),
            Err(NoAutoReply::Off)
        );
    });
}

#[test]
fn the_vendor_menu_goes_out_as_a_list_and_the_choice_routes() {
    use wpwa::routing::{self, Fallback};
    support::runtime(2).block_on(async {
        let (sandbox, client, store) = setup().await;
        let now = wpwa::clock::now();
        let mut directory = vendors();
        directory.push(VendorEntry {
            vendor_id: 12,
            code: "BOLT".into(),
            store_name: "Bolt Gadgets".into(),
        });
        let config = RoutingConfig {
            fallback: Fallback::Menu,
            ..RoutingConfig::default()
        };
        let hello = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": PHONE_ID}, "contacts": [{"profile": {"name": "Eve"}, "wa_id": CUSTOMER}],
            "messages": [{"from": CUSTOMER, "id": "wamid.hello", "timestamp": now.to_string(), "type": "text", "text": {"body": "Hello?"}}]}}]}]});
        let report =
            conversation::ingest(&store, hello.to_string().as_bytes(), &directory, &config, now)
                .unwrap();
        assert_eq!(report.menus, vec![CUSTOMER.to_owned()]);

        let menu = routing::vendor_menu(&directory, "Which shop is your message for?", "Shops");
        messaging::send(
            &store,
            &client,
            PHONE_ID,
            0,
            CUSTOMER,
            &menu,
            &Limits::default(),
            now,
        )
        .await
        .unwrap();
        let outbox = sandbox.get("/sandbox/messages/sent").await;
        let listed = sent_texts(&outbox);
        assert_eq!(listed.len(), 1, "{outbox}");
        assert!(listed[0].contains("wpwa-vendor:12") && listed[0].contains("Bolt Gadgets"));

        let choice = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": PHONE_ID}, "contacts": [{"profile": {"name": "Eve"}, "wa_id": CUSTOMER}],
            "messages": [{"from": CUSTOMER, "id": "wamid.choice", "timestamp": (now + 20).to_string(), "type": "interactive",
                "interactive": {"type": "list_reply", "list_reply": {"id": "wpwa-vendor:12", "title": "Bolt Gadgets"}}}]}}]}]});
        let report = conversation::ingest(
            &store,
            choice.to_string().as_bytes(),
            &directory,
            &config,
            now + 20,
        )
        .unwrap();
        assert_eq!(
            (report.stored[0].vendor_id, report.stored[0].rule.as_str()),
            (12, "menu_choice")
        );
    });
}

#[test]
fn a_cart_is_answered_as_free_text_inside_the_window_it_opened() {
    support::runtime(2).block_on(async {
        let (sandbox, client, store) = setup().await;
        let now = wpwa::clock::now();
        // A cart of Acme's product only: routed to Acme, the marketplace's own
        // conversation with the customer never opened.
        let synced = wpwa::catalog::plan::ItemWrite::Upsert {
            retailer_id: "ACME-5".into(),
            product_id: 5,
            state: wpwa::catalog::plan::ItemState::Synced,
            problems: Vec::new(),
            want_hash: None,
        };
        store.catalog().write_items("1", VENDOR, &[synced], now).unwrap();
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": PHONE_ID}, "contacts": [{"profile": {"name": "Dana"}, "wa_id": CUSTOMER}],
            "messages": [{"from": CUSTOMER, "id": "wamid.cart-answer", "timestamp": now.to_string(), "type": "order",
                "order": {"catalog_id": "1", "product_items": [{"product_retailer_id": "ACME-5", "quantity": 1, "item_price": 3, "currency": "USD"}]}}]}}]}]});
        let report = conversation::ingest(
            &store,
            body.to_string().as_bytes(),
            &vendors(),
            &RoutingConfig::default(),
            now,
        )
        .unwrap();
        assert_eq!(report.carts.len(), 1);
        assert_eq!(report.stored[0].vendor_id, VENDOR);
        let plain = messaging::send(
            &store,
            &client,
            PHONE_ID,
            0,
            CUSTOMER,
            &Outbound::Text("Pay here".into()),
            &Limits::default(),
            now,
        )
        .await;
        assert!(
            matches!(plain, Err(MessagingError::OutsideWindow)),
            "a plain send from the marketplace sees no window: {plain:?}"
        );

        let wamid = wpwa::orders::reply(
            &store,
            &client,
            PHONE_ID,
            0,
            "wamid.cart-answer",
            "Pay here: https://shop.test/pay/1",
            now + 5,
        )
        .await
        .unwrap();
        assert!(wamid.starts_with("wamid."));
        let outbox = sandbox.get("/sandbox/messages/sent").await;
        assert!(
            outbox.to_string().contains("Pay here: https://shop.test/pay/1"),
            "{outbox}"
        );
        assert!(matches!(
            wpwa::orders::reply(&store, &client, PHONE_ID, 0, "wamid.cart-answer", "late", now + 24 * 3600).await,
            Err(wpwa::orders::OrderError::OutsideWindow)
        ));
        assert!(matches!(
            wpwa::orders::reply(&store, &client, PHONE_ID, 0, "wamid.none", "x", now).await,
            Err(wpwa::orders::OrderError::UnknownCart(_))
        ));
    });
}

/// Several workers (each its own connection to one store file, as PHP workers on one
/// or several web servers are) sending at once: only as many sends go out as places
/// are left, and one customer gets one message per pacing interval.
#[test]
fn racing_workers_take_the_last_places_once() {
    let dir = std::env::temp_dir().join(format!("wpwa-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wpwa.sqlite");
    let runtime = support::runtime(2);
    let sandbox = runtime.block_on(Sandbox::start(SandboxConfig {
        cloud_token: TOKEN.into(),
        pair_interval_ms: 0,
        ..SandboxConfig::default()
    }));
    let base = sandbox.base().to_owned();
    drop(Store::open(&path).unwrap());
    let limits = Limits {
        monthly_allowance: 3,
        pacing_seconds: 6,
        ..Limits::default()
    };
    let now = wpwa::clock::now();

    let race = |customers: Vec<String>| -> Vec<Result<(), MessagingError>> {
        std::thread::scope(|scope| {
            let workers: Vec<_> = customers
                .iter()
                .map(|customer| {
                    let (path, base, limits) = (&path, &base, &limits);
                    scope.spawn(move || {
                        let store = Store::open(path).unwrap();
                        let client = CloudClient::new(base, "v21.0", TOKEN).unwrap();
                        support::current_thread().block_on(async {
                            messaging::send(
                                &store,
                                &client,
                                PHONE_ID,
                                VENDOR,
                                customer,
                                &template(),
                                limits,
                                now,
                            )
                            .await
                            .map(|_| ())
                        })
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        })
    };

    // One customer, four sends at once: pacing lets one through.
    let paced = race(vec!["15550009000".to_owned(); 4]);
    assert_eq!(paced.iter().filter(|r| r.is_ok()).count(), 1, "{paced:?}");
    assert!(
        paced
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, MessagingError::Paced { .. })),
        "{paced:?}"
    );

    // Eight customers at once with two places left: two go out.
    let customers: Vec<String> = (0..8).map(|i| format!("1555001{i:04}")).collect();
    let allowance = race(customers);
    assert_eq!(
        allowance.iter().filter(|r| r.is_ok()).count(),
        2,
        "{allowance:?}"
    );
    assert!(
        allowance
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, MessagingError::AllowanceUsed { limit: 3, .. })),
        "{allowance:?}"
    );

    let outbox = runtime.block_on(sandbox.get("/sandbox/messages/sent"));
    assert_eq!(sent_texts(&outbox).len(), 3, "{outbox}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A rate card where templates of unknown category (the sandbox account's templates
/// are not listed in these tests: counted as marketing) cost 0.05 EUR and free-form
/// messages nothing.
fn rate_card() -> wpwa::pricing::RateCard {
    wpwa::pricing::RateCard {
        currency: "EUR".into(),
        prices: [
            (wpwa::pricing::PricingCategory::Marketing, 50_000),
            (wpwa::pricing::PricingCategory::Utility, 20_000),
        ]
        .into(),
    }
}

/// A status webhook for `wamid` carrying `pricing`, at `at`.
fn status(wamid: &str, state: &str, at: i64, pricing: serde_json::Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": PHONE_ID},
        "statuses": [{"id": wamid, "status": state, "timestamp": at.to_string(), "recipient_id": CUSTOMER, "pricing": pricing}]}}]}]})
    .to_string()
    .into_bytes()
}

#[test]
fn a_cost_cap_refuses_the_send_that_would_pass_it() {
    support::runtime(2).block_on(async {
        let (_sandbox, client, store) = setup().await;
        let limits = Limits {
            cost_cap_micros: Some(100_000),
            rate_card: rate_card(),
            ..Limits::default()
        };
        let now = wpwa::clock::now();
        customer_wrote(&store, now - 60, now);
        let send = |message: Outbound, at: i64| {
            let (store, client, limits) = (&store, &client, &limits);
            async move {
                messaging::send(
                    store, client, PHONE_ID, VENDOR, CUSTOMER, &message, limits, at,
                )
                .await
            }
        };
        // 0.05 + 0.05 reaches the cap of 0.10 exactly: allowed.
        let first = send(template(), now).await.unwrap();
        assert_eq!(first.budget_left_micros, Some(50_000));
        let second = send(template(), now + 10).await.unwrap();
        assert_eq!(second.budget_left_micros, Some(0));
        // One more would pass it.
        match send(template(), now + 20).await.unwrap_err() {
            MessagingError::CostCapReached {
                cap_micros,
                currency,
                retry_after,
                resets_at,
            } => {
                assert_eq!((cap_micros, currency.as_str()), (100_000, "EUR"));
                assert_eq!(resets_at - retry_after, now + 20);
                assert_eq!(resets_at, wpwa::clock::month_bounds(now).1);
            }
            other => panic!("expected the cost cap, got {other}"),
        }
        let message = send(template(), now + 20).await.unwrap_err().to_string();
        assert!(
            message.starts_with("this month's WhatsApp budget of 0.10 EUR is used up"),
            "{message}"
        );
        // A free-form reply inside the window is free: it still goes.
        send(Outbound::Text("Still here".into()), now + 30)
            .await
            .unwrap();

        // WhatsApp then says the first template was a free utility message: its cost
        // leaves the month, and the next template fits again.
        conversation::ingest(
            &store,
            &status(
                &first.wamid,
                "delivered",
                now + 40,
                json!({"billable": false, "pricing_model": "PMP", "category": "utility", "type": "free_customer_service"}),
            ),
            &vendors(),
            &RoutingConfig::default(),
            now + 40,
        )
        .unwrap();
        // A late `sent` status stated earlier does not undo it.
        conversation::ingest(
            &store,
            &status(
                &first.wamid,
                "sent",
                now + 5,
                json!({"billable": true, "pricing_model": "PMP", "category": "marketing", "type": "regular"}),
            ),
            &vendors(),
            &RoutingConfig::default(),
            now + 41,
        )
        .unwrap();
        let usage = messaging::month_usage(&store, VENDOR, &rate_card(), now + 50).unwrap();
        assert_eq!((usage.messages, usage.billable), (3, 2));
        assert_eq!(usage.cost_micros, 50_000);
        let by: Vec<(&str, u64, u64, i64)> = usage
            .categories
            .iter()
            .map(|c| (c.category.as_str(), c.messages, c.billable, c.cost_micros))
            .collect();
        assert_eq!(
            by,
            [
                ("marketing", 1, 1, 50_000),
                ("utility", 1, 0, 0),
                ("service", 1, 1, 0)
            ]
        );
        send(template(), now + 60).await.unwrap();

        // The Vendors page's query: every vendor at once.
        let all = messaging::month_usage_all(&store, &rate_card(), now + 70).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].vendor_id, VENDOR);
        assert_eq!(all[0].cost_micros, 100_000);
    });
}
