use serde_json::json;

use super::*;
use crate::consent::{Record, Source};
use crate::routing::RoutingConfig;
use crate::store::SentRecord;

const CUSTOMER: &str = "15550001";

fn processing_template() -> EventTemplate {
    EventTemplate {
        name: "order_processing".into(),
        language: "en_US".into(),
        params: vec![
            OrderField::OrderNumber,
            OrderField::Total,
            OrderField::Items,
        ],
    }
}

fn opt_in(store: &Store, customer: &str, granted: bool, at: i64) {
    consent::record(
        store,
        Record {
            customer: customer.into(),
            purpose: Purpose::OrderUpdates,
            granted,
            source: Source::Checkout,
            text: "Send me updates about this order on WhatsApp".into(),
            order_id: Some(7),
            at,
        },
    )
    .unwrap();
}

fn key<'a>(template: &'a EventTemplate, event: OrderEvent) -> UpdateKey<'a> {
    UpdateKey {
        order_id: 7,
        event,
        vendor_id: 11,
        customer: CUSTOMER,
        template,
    }
}

#[test]
fn a_mapping_is_checked_and_blank_rows_are_unmapped() {
    let mapping = Mapping::from_json(json!({
        "processing": {"name": "order_processing", "language": "en_US", "params": ["order_number", "total", "items"]},
        "shipped": {"name": " order_shipped ", "language": "de", "params": ["tracking", "link"]},
        "completed": {"name": "", "language": "en_US", "params": []},
    }))
    .unwrap();
    assert_eq!(
        mapping.template(OrderEvent::Processing),
        Some(&processing_template())
    );
    assert_eq!(
        mapping.template(OrderEvent::Shipped).unwrap().name,
        "order_shipped"
    );
    assert_eq!(mapping.template(OrderEvent::Completed), None);
    assert_eq!(
        mapping.usages(),
        vec![
            (
                "order_processing".into(),
                "en_US".into(),
                OrderEvent::Processing
            ),
            ("order_shipped".into(), "de".into(), OrderEvent::Shipped),
        ]
    );
    for bad in [
        json!({"processing": {"name": "Order Processing", "language": "en_US"}}),
        json!({"processing": {"name": "ok", "language": "english"}}),
        json!({"processing": {"name": "ok", "language": "en", "params": ["password"]}}),
        json!({"dispatched": {"name": "ok", "language": "en"}}),
        json!({"processing": {"name": "ok", "language": "en", "header": "x"}}),
        json!({"processing": {"name": "ok", "language": "en", "params": vec!["total"; MAX_PARAMS + 1]}}),
    ] {
        assert!(Mapping::from_json(bad.clone()).is_err(), "{bad}");
    }
}

#[test]
fn statuses_name_their_events() {
    assert_eq!(OrderEvent::of_status("on-hold"), Some(OrderEvent::OnHold));
    assert_eq!(
        OrderEvent::of_status("processing"),
        Some(OrderEvent::Processing)
    );
    assert_eq!(OrderEvent::of_status("pending"), None);
    for event in OrderEvent::ALL {
        assert_eq!(OrderEvent::parse(event.as_str()), Some(event));
    }
}

#[test]
fn the_message_carries_the_orders_data_as_whatsapp_takes_it() {
    let data = OrderData {
        order_number: "1042".into(),
        total: "25.00 USD".into(),
        items: vec!["2 × Blue tee".into(), "1 × Mug\nwith\tlid".into()],
        ..OrderData::default()
    };
    let mut template = processing_template();
    template.params.push(OrderField::Tracking);
    let Outbound::Template {
        name,
        language,
        components,
    } = message(&template, &data)
    else {
        panic!("a template");
    };
    assert_eq!(
        (name.as_str(), language.as_str()),
        ("order_processing", "en_US")
    );
    assert_eq!(
        components,
        json!([{"type": "body", "parameters": [
            {"type": "text", "text": "1042"},
            {"type": "text", "text": "25.00 USD"},
            {"type": "text", "text": "2 × Blue tee, 1 × Mug with lid"},
            {"type": "text", "text": "-"},
        ]}])
    );
    let long = param_text(&"x".repeat(MAX_PARAM_CHARS + 50));
    assert_eq!(long.chars().count(), MAX_PARAM_CHARS);
    assert!(long.ends_with('…'));
    let bare = EventTemplate {
        params: Vec::new(),
        ..processing_template()
    };
    assert!(
        matches!(message(&bare, &data), Outbound::Template { components, .. } if components.is_null())
    );
}

#[test]
fn nothing_is_claimed_for_a_customer_who_did_not_opt_in() {
    let store = Store::open_in_memory().unwrap();
    let template = processing_template();
    assert_eq!(
        claim(&store, &key(&template, OrderEvent::Processing), 100).unwrap(),
        Claim::NoConsent
    );
    let views = for_orders(&store, &[7]).unwrap();
    assert_eq!(
        (views[0].state, views[0].error.as_deref()),
        (UpdateState::Skipped, Some("no_consent"))
    );
    opt_in(&store, CUSTOMER, true, 150);
    opt_in(&store, CUSTOMER, false, 160);
    assert_eq!(
        claim(&store, &key(&template, OrderEvent::Completed), 200).unwrap(),
        Claim::NoConsent,
        "withdrawn consent is no consent"
    );
    opt_in(&store, CUSTOMER, true, 300);
    assert_eq!(
        claim(&store, &key(&template, OrderEvent::Processing), 400).unwrap(),
        Claim::Send { attempt: 1 },
        "a skipped event may still go once the customer opted in"
    );
}

#[test]
fn each_order_event_is_claimed_once() {
    let store = Store::open_in_memory().unwrap();
    opt_in(&store, CUSTOMER, true, 1);
    let template = processing_template();
    let processing = key(&template, OrderEvent::Processing);
    assert_eq!(
        claim(&store, &processing, 100).unwrap(),
        Claim::Send { attempt: 1 }
    );
    assert_eq!(
        claim(&store, &processing, 101).unwrap(),
        Claim::Done {
            state: UpdateState::Sending
        },
        "a doubled action while the first is sending"
    );
    let sent = SendOutcome::Sent {
        wamid: "wamid.U1".into(),
    };
    assert_eq!(
        finish(&store, 7, OrderEvent::Processing, &sent, 102).unwrap(),
        Next::Done
    );
    assert_eq!(
        claim(&store, &processing, 103).unwrap(),
        Claim::Done {
            state: UpdateState::Sent
        },
        "a retried action after the send"
    );
    assert_eq!(
        finish(&store, 7, OrderEvent::Processing, &sent, 104).unwrap(),
        Next::Done,
        "a second finish changes nothing"
    );
    assert_eq!(
        claim(&store, &key(&template, OrderEvent::Completed), 105).unwrap(),
        Claim::Send { attempt: 1 },
        "another event of the same order is its own update"
    );
    let other_order = UpdateKey {
        order_id: 8,
        ..processing.clone()
    };
    assert_eq!(
        claim(&store, &other_order, 106).unwrap(),
        Claim::Send { attempt: 1 }
    );
    assert!(matches!(
        finish(&store, 9, OrderEvent::Processing, &sent, 107),
        Err(OrderUpdateError::Invalid(_))
    ));
    assert!(matches!(
        claim(
            &store,
            &UpdateKey {
                order_id: 0,
                ..processing.clone()
            },
            1
        ),
        Err(OrderUpdateError::Invalid(_))
    ));
    assert!(matches!(
        claim(
            &store,
            &UpdateKey {
                customer: "+1 555",
                ..processing
            },
            1
        ),
        Err(OrderUpdateError::Invalid(_))
    ));
}

#[test]
fn retryable_failures_are_retried_a_bounded_number_of_times() {
    let store = Store::open_in_memory().unwrap();
    opt_in(&store, CUSTOMER, true, 1);
    let template = processing_template();
    let processing = key(&template, OrderEvent::Processing);
    let transport = SendOutcome::Failed {
        error: "wpwa_transport_error".into(),
    };
    let mut waits = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        assert_eq!(
            claim(&store, &processing, 100).unwrap(),
            Claim::Send { attempt }
        );
        match finish(&store, 7, OrderEvent::Processing, &transport, 100).unwrap() {
            Next::RetryIn { seconds } => waits.push(seconds),
            Next::Done => assert_eq!(attempt, MAX_ATTEMPTS, "given up only at the last"),
        }
    }
    assert_eq!(
        waits,
        vec![60, 120, 240, 480],
        "backing off between attempts"
    );
    assert_eq!(
        claim(&store, &processing, 200).unwrap(),
        Claim::Done {
            state: UpdateState::Failed
        }
    );

    let shipped = key(&template, OrderEvent::Shipped);
    claim(&store, &shipped, 300).unwrap();
    let refused = SendOutcome::Failed {
        error: "wpwa_invalid_input".into(),
    };
    assert_eq!(
        finish(&store, 7, OrderEvent::Shipped, &refused, 301).unwrap(),
        Next::Done,
        "a refused message is not tried again"
    );
    let views = for_orders(&store, &[7]).unwrap();
    let shipped = views
        .iter()
        .find(|v| v.event == OrderEvent::Shipped)
        .unwrap();
    assert_eq!(
        (shipped.state, shipped.error.as_deref(), shipped.attempts),
        (UpdateState::Failed, Some("wpwa_invalid_input"), 1)
    );
}

#[test]
fn pacing_reschedules_without_spending_an_attempt() {
    let store = Store::open_in_memory().unwrap();
    opt_in(&store, CUSTOMER, true, 1);
    let template = processing_template();
    let processing = key(&template, OrderEvent::Processing);
    for _ in 0..(MAX_ATTEMPTS + 2) {
        assert_eq!(
            claim(&store, &processing, 100).unwrap(),
            Claim::Send { attempt: 1 }
        );
        assert_eq!(
            finish(
                &store,
                7,
                OrderEvent::Processing,
                &SendOutcome::Paced { retry_after: 6 },
                100
            )
            .unwrap(),
            Next::RetryIn { seconds: 6 }
        );
    }
    let views = for_orders(&store, &[7]).unwrap();
    assert_eq!(
        (views[0].state, views[0].attempts),
        (UpdateState::Waiting, 0)
    );
}

#[test]
fn delivery_statuses_reach_the_orders_update() {
    let store = Store::open_in_memory().unwrap();
    opt_in(&store, CUSTOMER, true, 1);
    opt_in(&store, "15550002", true, 1);
    let template = processing_template();
    for (order_id, customer, wamid) in [(7, CUSTOMER, "wamid.U7"), (8, "15550002", "wamid.U8")] {
        let key = UpdateKey {
            order_id,
            customer,
            ..key(&template, OrderEvent::Processing)
        };
        claim(&store, &key, 100).unwrap();
        // What messaging::send records once the API accepted the template.
        let tx = store.write_transaction().unwrap();
        tx.messages()
            .record_sent(
                None,
                &SentRecord {
                    vendor_id: 11,
                    customer,
                    wamid,
                    kind: "template",
                    preview: "[template order_processing]",
                    raw: "{}",
                    at: 100,
                    pricing_category: "utility",
                },
            )
            .unwrap();
        tx.commit().unwrap();
        finish(
            &store,
            order_id,
            OrderEvent::Processing,
            &SendOutcome::Sent {
                wamid: wamid.into(),
            },
            100,
        )
        .unwrap();
    }
    let statuses = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
    "metadata": {"phone_number_id": "42"},
    "statuses": [
        {"id": "wamid.U7", "status": "delivered", "timestamp": "110", "recipient_id": CUSTOMER},
        {"id": "wamid.U7", "status": "sent", "timestamp": "105", "recipient_id": CUSTOMER},
        {"id": "wamid.U7", "status": "read", "timestamp": "120", "recipient_id": CUSTOMER},
        {"id": "wamid.U8", "status": "failed", "timestamp": "111", "recipient_id": "15550002",
         "errors": [{"code": 131026, "title": "Message undeliverable"}]},
    ]}}]}]});
    crate::conversation::ingest(
        &store,
        statuses.to_string().as_bytes(),
        &[],
        &RoutingConfig::default(),
        130,
    )
    .unwrap();
    let views = for_orders(&store, &[7, 8]).unwrap();
    assert_eq!(
        (
            views[0].order_id,
            views[0].wamid.as_deref(),
            views[0].delivery.as_deref()
        ),
        (7, Some("wamid.U7"), Some("read"))
    );
    assert_eq!(
        views[0]
            .statuses
            .iter()
            .map(|s| (s.status.as_str(), s.at))
            .collect::<Vec<_>>(),
        vec![("sent", 105), ("delivered", 110), ("read", 120)]
    );
    assert_eq!(
        (
            views[1].delivery.as_deref(),
            views[1].failure_code,
            views[1].failure_reason
        ),
        (Some("failed"), Some(131_026), Some("undeliverable"))
    );
    let vendor = for_vendor(&store, 11, 10).unwrap();
    assert_eq!(vendor.len(), 2);
    assert!(
        for_vendor(&store, 12, 10).unwrap().is_empty(),
        "each vendor their own"
    );
}

#[test]
fn stop_in_a_webhook_opts_out_and_the_next_event_sends_nothing() {
    let store = Store::open_in_memory().unwrap();
    opt_in(&store, CUSTOMER, true, 1);
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": "42"}, "contacts": [{"profile": {"name": "Dana"}, "wa_id": CUSTOMER}],
        "messages": [{"from": CUSTOMER, "id": "wamid.STOP", "timestamp": "1000", "type": "text", "text": {"body": " stop "}}]}}]}]});
    let report = crate::conversation::ingest(
        &store,
        body.to_string().as_bytes(),
        &[],
        &RoutingConfig::default(),
        1000,
    )
    .unwrap();
    assert_eq!(report.consent_changes.len(), 1);
    let reply = &report.consent_changes[0];
    assert_eq!(
        (
            reply.vendor_id,
            reply.change.code,
            reply.change.customer.as_str()
        ),
        (0, "consent_withdrawn", CUSTOMER)
    );
    assert_eq!(report.stored.len(), 1, "the message itself is still stored");
    let again = crate::conversation::ingest(
        &store,
        body.to_string().as_bytes(),
        &[],
        &RoutingConfig::default(),
        1001,
    )
    .unwrap();
    assert!(
        again.consent_changes.is_empty(),
        "a redelivered STOP is not confirmed twice"
    );
    let template = processing_template();
    assert_eq!(
        claim(&store, &key(&template, OrderEvent::Completed), 1100).unwrap(),
        Claim::NoConsent
    );
}

#[test]
fn the_privacy_export_and_eraser_cover_consent_and_updates() {
    let store = Store::open_in_memory().unwrap();
    opt_in(&store, CUSTOMER, true, 1);
    let template = processing_template();
    claim(&store, &key(&template, OrderEvent::Processing), 100).unwrap();
    consent::invite(&store, CUSTOMER, Some(7), "Reply YES for updates", 50).unwrap();
    let data = crate::privacy::customer_data(&store, CUSTOMER).unwrap();
    assert_eq!(data.consents.len(), 1);
    assert_eq!(
        (data.consents[0].text.as_str(), data.consents[0].order_id),
        ("Send me updates about this order on WhatsApp", Some(7))
    );
    assert_eq!(data.order_updates.len(), 1);
    let removed = crate::privacy::erase_customer(&store, CUSTOMER).unwrap();
    assert_eq!(removed.other, 3, "consent, invitation and update");
    assert!(store.privacy().mentions(CUSTOMER).unwrap().is_empty());
    assert!(!consent::granted(&store, CUSTOMER, Purpose::OrderUpdates).unwrap());
}
