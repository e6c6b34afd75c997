use super::*;
use crate::signature::hmac_sha512_hex;
use crate::store::testing;

const KEY: &[u8] = b"webhook-key-for-tests";
const NOW: i64 = 1_800_000_000;

fn store_with(vendors: &[(u64, SessionState)]) -> Store {
    let store = Store::open_in_memory().unwrap();
    for &(vendor, state) in vendors {
        let mut row = Row::new(vendor, session_name("site", vendor), NOW - 100);
        row.state = state;
        save(&store, &row).unwrap();
    }
    store
}

fn envelope(
    id: &str,
    session: &str,
    status: &str,
    timestamp_ms: i64,
    phone: Option<&str>,
) -> Vec<u8> {
    let me = phone.map(
        |p| json!({"id": format!("{}@c.us", p.trim_start_matches('+')), "pushName": "Shop phone"}),
    );
    json!({
        "id": id,
        "timestamp": timestamp_ms,
        "event": "session.status",
        "session": session,
        "metadata": {"wpwa.vendor_id": "1"},
        "me": me,
        "payload": {"status": status},
        "engine": "WEBJS",
    })
    .to_string()
    .into_bytes()
}

fn deliver(store: &Store, body: &[u8]) -> Result<WebhookOutcome, SessionError> {
    let signature = hmac_sha512_hex(KEY, body);
    handle_webhook(store, body, Some(&signature), KEY, NOW)
}

fn state_of(store: &Store, vendor: u64) -> SessionStatus {
    status(store, vendor, &Policy::default(), NOW).unwrap()
}

#[test]
fn a_vendor_who_never_connected_is_disconnected() {
    let store = Store::open_in_memory().unwrap();
    let s = state_of(&store, 12);
    assert_eq!(s.state, SessionState::Disconnected);
    assert_eq!((s.phone, s.since, s.qr), (None, None, None));
    assert!(matches!(
        status(&store, 0, &Policy::default(), NOW),
        Err(SessionError::InvalidVendor)
    ));
}

#[test]
fn webhooks_walk_the_lifecycle_to_connected() {
    let store = store_with(&[(1, SessionState::Starting)]);
    let name = session_name("site", 1);
    assert_eq!(
        deliver(&store, &envelope("e1", &name, "SCAN_QR_CODE", 1_000, None)).unwrap(),
        WebhookOutcome::Applied {
            vendor_id: 1,
            from: SessionState::Starting,
            state: SessionState::WaitingForScan
        }
    );
    deliver(
        &store,
        &envelope("e2", &name, "WORKING", 2_000, Some("+15550001")),
    )
    .unwrap();
    let s = state_of(&store, 1);
    assert_eq!(s.state, SessionState::Connected);
    assert_eq!(s.phone.as_deref(), Some("+15550001"));
    assert_eq!(s.push_name.as_deref(), Some("Shop phone"));
    assert_eq!(s.since, Some(NOW));

    let history = history(&store, 1, 10).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].input, "gateway:WORKING");
    assert_eq!(
        (history[0].from_state.as_str(), history[0].to_state.as_str()),
        ("waiting_for_scan", "connected")
    );
    assert!(history.iter().all(|h| h.applied && h.source == "webhook"));
}

#[test]
fn a_duplicate_webhook_is_applied_once() {
    let store = store_with(&[(1, SessionState::Starting)]);
    let body = envelope("dup", &session_name("site", 1), "SCAN_QR_CODE", 1_000, None);
    assert!(matches!(
        deliver(&store, &body).unwrap(),
        WebhookOutcome::Applied { .. }
    ));
    assert_eq!(deliver(&store, &body).unwrap(), WebhookOutcome::Duplicate);
    assert_eq!(history(&store, 1, 10).unwrap().len(), 1);
}

#[test]
fn one_gateway_event_reaching_several_nodes_at_once_is_applied_once() {
    let location = testing::SharedLocation::fresh("session");
    {
        let store = location.open().unwrap();
        let mut row = Row::new(1, session_name("site", 1), NOW - 100);
        row.state = SessionState::Starting;
        save(&store, &row).unwrap();
    }
    let body = envelope(
        "once",
        &session_name("site", 1),
        "SCAN_QR_CODE",
        1_000,
        None,
    );
    let outcomes: Vec<WebhookOutcome> = std::thread::scope(|scope| {
        let nodes: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| deliver(&location.open().unwrap(), &body).unwrap()))
            .collect();
        nodes.into_iter().map(|node| node.join().unwrap()).collect()
    });
    let applied = outcomes
        .iter()
        .filter(|o| matches!(o, WebhookOutcome::Applied { .. }))
        .count();
    assert_eq!(applied, 1, "{outcomes:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == WebhookOutcome::Duplicate)
            .count(),
        5
    );
    let store = location.open().unwrap();
    assert_eq!(history(&store, 1, 10).unwrap().len(), 1);
    assert_eq!(state_of(&store, 1).state, SessionState::WaitingForScan);
}

#[test]
fn an_older_webhook_arriving_late_changes_nothing() {
    let store = store_with(&[(1, SessionState::Starting)]);
    let name = session_name("site", 1);
    deliver(
        &store,
        &envelope("late-2", &name, "WORKING", 2_000, Some("+15550001")),
    )
    .unwrap();
    assert_eq!(
        deliver(
            &store,
            &envelope("late-1", &name, "SCAN_QR_CODE", 1_000, None)
        )
        .unwrap(),
        WebhookOutcome::Stale
    );
    assert_eq!(state_of(&store, 1).state, SessionState::Connected);
    let history = history(&store, 1, 10).unwrap();
    assert!(
        !history[0].applied,
        "the stale event is kept in the history, unapplied"
    );
}

#[test]
fn a_webhook_from_before_a_disconnect_does_not_revive_the_session() {
    let store = store_with(&[(1, SessionState::Connected)]);
    // The vendor disconnected (a vendor event stamps the current time) …
    let row = load(&store, 1).unwrap();
    let event = Event {
        input: Input::Disconnect,
        source: Source::Vendor,
        id: None,
        occurred_ms: 5_000,
        me: None,
        qr_value: None,
        pairing: None,
    };
    apply(&store, row, 1, &session_name("site", 1), &event, NOW).unwrap();
    // … then a WORKING webhook stamped earlier arrives.
    let outcome = deliver(
        &store,
        &envelope(
            "old",
            &session_name("site", 1),
            "WORKING",
            4_000,
            Some("+15550001"),
        ),
    )
    .unwrap();
    assert_eq!(outcome, WebhookOutcome::Stale);
    // And a newer one is ignored because a disconnected session only starts on request.
    let outcome = deliver(
        &store,
        &envelope(
            "new",
            &session_name("site", 1),
            "WORKING",
            6_000,
            Some("+15550001"),
        ),
    )
    .unwrap();
    assert!(matches!(outcome, WebhookOutcome::Ignored { .. }));
    assert_eq!(state_of(&store, 1).state, SessionState::Disconnected);
}

#[test]
fn forged_unsigned_and_malformed_webhooks_change_nothing() {
    let store = store_with(&[(1, SessionState::Starting)]);
    let body = envelope(
        "f1",
        &session_name("site", 1),
        "WORKING",
        1_000,
        Some("+15550001"),
    );
    let forged = hmac_sha512_hex(b"attacker-key", &body);
    assert!(matches!(
        handle_webhook(&store, &body, Some(&forged), KEY, NOW),
        Err(SessionError::Signature(SignatureError::Mismatch))
    ));
    assert!(matches!(
        handle_webhook(&store, &body, None, KEY, NOW),
        Err(SessionError::Signature(SignatureError::Missing))
    ));
    assert!(matches!(
        handle_webhook(&store, &body, Some("zz"), KEY, NOW),
        Err(SessionError::Signature(SignatureError::Malformed))
    ));
    for bad in [
        &b"not json"[..],
        br#"{"event":"session.status"}"#,
        br#"{"event":"session.status","session":"site_v1","payload":{"status":"DANCING"}}"#,
    ] {
        assert!(
            matches!(deliver(&store, bad), Err(SessionError::BadWebhook(_))),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let huge = vec![b' '; MAX_WEBHOOK_BYTES + 1];
    assert!(matches!(
        deliver(&store, &huge),
        Err(SessionError::BadWebhook(_))
    ));
    assert_eq!(state_of(&store, 1).state, SessionState::Starting);
    assert!(history(&store, 1, 10).unwrap().is_empty());
}

#[test]
fn webhooks_for_unknown_sessions_and_other_events_are_ignored() {
    let store = store_with(&[(1, SessionState::Starting)]);
    let outcome = deliver(
        &store,
        &envelope("u1", "someone_else_v9", "WORKING", 1_000, None),
    )
    .unwrap();
    assert!(matches!(outcome, WebhookOutcome::Ignored { .. }));
    let message = json!({"id": "m1", "timestamp": 1, "event": "message", "session": session_name("site", 1), "payload": {}}).to_string();
    assert!(matches!(
        deliver(&store, message.as_bytes()).unwrap(),
        WebhookOutcome::Ignored { .. }
    ));
}

fn message_any(session: &str, payload: Value) -> Vec<u8> {
    json!({"id": "evt_m", "timestamp": NOW * 1000, "event": "message.any", "session": session, "payload": payload})
        .to_string()
        .into_bytes()
}

#[test]
fn the_vendors_own_messages_to_customers_are_recorded_once_as_replies() {
    let store = store_with(&[(1, SessionState::Connected)]);
    let name = session_name("site", 1);
    let reply = message_any(
        &name,
        json!({"id": "true_15550009@c.us_3EB0AA", "timestamp": NOW - 60, "from": "15550001@c.us", "fromMe": true, "to": "15550009@c.us", "body": "Yes, in stock!"}),
    );
    assert_eq!(
        deliver(&store, &reply).unwrap(),
        WebhookOutcome::Reply {
            vendor_id: 1,
            recorded: true
        }
    );
    assert_eq!(
        deliver(&store, &reply).unwrap(),
        WebhookOutcome::Reply {
            vendor_id: 1,
            recorded: false
        },
        "a redelivery is not a second reply"
    );
    let replies = testing::vendor_replies(&store);
    assert_eq!(replies.len(), 1);
    let (customer, at) = &replies[0];
    assert_eq!((customer.as_str(), *at), ("15550009", NOW - 60));

    for (payload, why) in [
        (
            json!({"id": "false_15550009@c.us_X", "fromMe": false, "from": "15550009@c.us", "to": "15550001@c.us"}),
            "a customer writing to the vendor",
        ),
        (
            json!({"id": "true_1203@g.us_X", "fromMe": true, "to": "120363000000@g.us"}),
            "a group chat",
        ),
        (
            json!({"id": "true_status_X", "fromMe": true, "to": "status@broadcast"}),
            "a status update",
        ),
    ] {
        assert!(
            matches!(
                deliver(&store, &message_any(&name, payload)).unwrap(),
                WebhookOutcome::Ignored { .. }
            ),
            "{why} is not a reply"
        );
    }
    assert!(matches!(
        deliver(
            &store,
            &message_any(&name, json!({"fromMe": true, "to": "15550009@c.us"}))
        ),
        Err(SessionError::BadWebhook(_))
    ));
    assert!(matches!(
        deliver(
            &store,
            &message_any(
                "someone_else_v9",
                json!({"id": "x", "fromMe": true, "to": "15550009@c.us"})
            )
        )
        .unwrap(),
        WebhookOutcome::Ignored { .. }
    ));
    assert_eq!(testing::vendor_replies(&store).len(), 1);

    // A forged one records nothing.
    let forged = message_any(
        &name,
        json!({"id": "true_15550009@c.us_F", "fromMe": true, "to": "15550009@c.us"}),
    );
    assert!(handle_webhook(&store, &forged, Some("00"), KEY, NOW).is_err());
    assert_eq!(testing::vendor_replies(&store).len(), 1);
}

#[test]
fn one_phone_number_links_to_one_vendor() {
    let store = store_with(&[
        (1, SessionState::WaitingForScan),
        (2, SessionState::WaitingForScan),
    ]);
    deliver(
        &store,
        &envelope(
            "a",
            &session_name("site", 1),
            "WORKING",
            1_000,
            Some("+15550001"),
        ),
    )
    .unwrap();
    deliver(
        &store,
        &envelope(
            "b",
            &session_name("site", 2),
            "WORKING",
            1_000,
            Some("+15550001"),
        ),
    )
    .unwrap();
    assert_eq!(state_of(&store, 1).state, SessionState::Connected);
    let second = state_of(&store, 2);
    assert_eq!(second.state, SessionState::Failed);
    assert_eq!(second.reason, Some(Reason::PhoneInUse));
    assert_eq!(
        second.phone.as_deref(),
        Some("+15550001"),
        "the refusal names the number"
    );
}

#[test]
fn qr_codes_running_out_expires_the_session() {
    let store = store_with(&[(1, SessionState::WaitingForScan)]);
    deliver(
        &store,
        &envelope("x", &session_name("site", 1), "FAILED", 1_000, None),
    )
    .unwrap();
    let s = state_of(&store, 1);
    assert_eq!(
        (s.state, s.reason),
        (SessionState::Expired, Some(Reason::QrExpired))
    );
}

#[test]
fn fourteen_days_without_the_phone_expires_the_session() {
    let store = store_with(&[(1, SessionState::WaitingForScan)]);
    deliver(
        &store,
        &envelope(
            "w",
            &session_name("site", 1),
            "WORKING",
            1_000,
            Some("+15550001"),
        ),
    )
    .unwrap();
    let policy = Policy::default();
    let thirteen_days = status(&store, 1, &policy, NOW + 13 * 86_400).unwrap();
    assert_eq!(thirteen_days.state, SessionState::Connected);
    let fifteen_days = status(&store, 1, &policy, NOW + 15 * 86_400).unwrap();
    assert_eq!(
        (fifteen_days.state, fifteen_days.reason),
        (SessionState::Expired, Some(Reason::OfflineTooLong))
    );
}

#[test]
fn a_polled_qr_code_is_rendered_with_its_countdown_and_rotates() {
    let store = store_with(&[(1, SessionState::Starting)]);
    let name = session_name("site", 1);
    let policy = Policy::default();
    for (value, seq, at, lifetime) in [
        ("2@first", 1, NOW, 60),
        ("2@first", 1, NOW + 5, 60),
        ("2@second", 2, NOW + 61, 20),
    ] {
        let row = load(&store, 1).unwrap();
        let event = Event {
            input: Input::Gateway(GatewayStatus::ScanQrCode),
            source: Source::Poll,
            id: None,
            occurred_ms: at * 1000,
            me: None,
            qr_value: Some(value),
            pairing: None,
        };
        apply(&store, row, 1, &name, &event, at).unwrap();
        let qr = status(&store, 1, &policy, at)
            .unwrap()
            .qr
            .expect("a QR code while waiting");
        assert_eq!(qr.seq, seq);
        assert!(qr.svg.contains("<svg"));
        let issued = if seq == 1 { NOW } else { NOW + 61 };
        assert_eq!(qr.expires_at, issued + lifetime);
    }
}

#[test]
fn connect_attempts_are_rate_limited_per_vendor() {
    let store = Store::open_in_memory().unwrap();
    // Nothing listens on the discard port: every attempt fails, and still counts.
    let gateway = GatewayClient::new("http://127.0.0.1:9", "key").unwrap();
    let webhook = WebhookTarget {
        url: "http://127.0.0.1/hook".into(),
        hmac_key: "k".into(),
    };
    let policy = Policy {
        max_starts_per_hour: 3,
        ..Policy::default()
    };
    for _ in 0..3 {
        let error =
            crate::runtime::block_on(connect(&store, &gateway, 1, "site", &webhook, &policy, NOW))
                .unwrap_err();
        assert!(
            matches!(
                error,
                SessionError::Gateway(GatewayError::Unreachable { .. })
            ),
            "{error}"
        );
    }
    let error = crate::runtime::block_on(connect(
        &store,
        &gateway,
        1,
        "site",
        &webhook,
        &policy,
        NOW + 600,
    ))
    .unwrap_err();
    match error {
        SessionError::RateLimited { retry_after } => assert_eq!(retry_after, 3000),
        other => panic!("expected a rate limit, got {other}"),
    }
    // Another vendor has their own allowance, and the window slides.
    assert!(matches!(
        crate::runtime::block_on(connect(&store, &gateway, 2, "site", &webhook, &policy, NOW)),
        Err(SessionError::Gateway(_))
    ));
    assert!(matches!(
        crate::runtime::block_on(connect(
            &store,
            &gateway,
            1,
            "site",
            &webhook,
            &policy,
            NOW + 3601
        )),
        Err(SessionError::Gateway(_))
    ));
}

#[test]
fn session_names_are_safe_for_the_gateway() {
    assert_eq!(session_name("Shop-Example.COM!", 7), "shopexamplecom_v7");
    assert_eq!(session_name("", 7), "wpwa_v7");
    assert_eq!(session_name("<script>", 7), "script_v7");
    assert_eq!(session_name(&"a".repeat(50), 7).len(), 16 + 3);
}

/// Applies a pairing code the gateway issued at `at`.
fn issue_pairing_code(store: &Store, code: &str, at: i64) {
    let row = load(store, 1).unwrap();
    let event = Event {
        input: Input::PairingCode,
        source: Source::Vendor,
        id: None,
        // Before the webhooks these tests send, which are stamped from 1 000 ms on.
        occurred_ms: at - NOW,
        me: None,
        qr_value: None,
        pairing: Some((code, "+15550001")),
    };
    apply(store, row, 1, &session_name("site", 1), &event, at).unwrap();
}

#[test]
fn a_pairing_code_is_shown_with_its_expiry_beside_the_qr_code() {
    let store = store_with(&[(1, SessionState::WaitingForScan)]);
    let policy = Policy::default();
    issue_pairing_code(&store, "ABCD-EFGH", NOW);
    let s = status(&store, 1, &policy, NOW + 10).unwrap();
    assert_eq!(s.state, SessionState::WaitingForScan);
    assert_eq!(
        s.pairing,
        Some(PairingCode {
            code: "ABCD-EFGH".into(),
            phone: "+15550001".into(),
            expires_at: NOW + policy.pairing_code_seconds,
        })
    );
    // A second request replaces the code and restarts its time.
    issue_pairing_code(&store, "WXYZ-2345", NOW + 100);
    let s = status(&store, 1, &policy, NOW + 110).unwrap();
    let pairing = s.pairing.expect("the new code");
    assert_eq!(
        (pairing.code.as_str(), pairing.expires_at),
        ("WXYZ-2345", NOW + 100 + policy.pairing_code_seconds)
    );
}

#[test]
fn a_pairing_code_not_typed_in_time_expires_the_session_like_a_qr_code() {
    let store = store_with(&[(1, SessionState::WaitingForScan)]);
    let policy = Policy::default();
    issue_pairing_code(&store, "ABCD-EFGH", NOW);
    let before = status(&store, 1, &policy, NOW + policy.pairing_code_seconds - 1).unwrap();
    assert_eq!(before.state, SessionState::WaitingForScan);
    let after = status(&store, 1, &policy, NOW + policy.pairing_code_seconds).unwrap();
    assert_eq!(
        (after.state, after.reason, after.pairing),
        (
            SessionState::Expired,
            Some(Reason::PairingCodeExpired),
            None
        )
    );
    let history = history(&store, 1, 1).unwrap();
    assert_eq!(
        (history[0].input.as_str(), history[0].source.as_str()),
        ("pairing_code_expired", "system")
    );
}

#[test]
fn the_gateway_giving_up_on_a_pairing_code_is_told_as_the_code_expiring() {
    let store = store_with(&[(1, SessionState::WaitingForScan)]);
    issue_pairing_code(&store, "ABCD-EFGH", NOW);
    deliver(
        &store,
        &envelope("f", &session_name("site", 1), "FAILED", 1_000, None),
    )
    .unwrap();
    let s = state_of(&store, 1);
    assert_eq!(
        (s.state, s.reason),
        (SessionState::Expired, Some(Reason::PairingCodeExpired))
    );
}

#[test]
fn typing_the_pairing_code_connects_and_forgets_the_code() {
    let store = store_with(&[(1, SessionState::WaitingForScan)]);
    let policy = Policy::default();
    issue_pairing_code(&store, "ABCD-EFGH", NOW);
    deliver(
        &store,
        &envelope(
            "w",
            &session_name("site", 1),
            "WORKING",
            1_000,
            Some("+15550001"),
        ),
    )
    .unwrap();
    let s = status(&store, 1, &policy, NOW + 5).unwrap();
    assert_eq!(
        (s.state, s.phone.as_deref(), s.pairing),
        (SessionState::Connected, Some("+15550001"), None)
    );
    let row = load(&store, 1).unwrap().unwrap();
    assert_eq!(
        (row.pairing_code, row.pairing_phone, row.pairing_issued_at),
        (None, None, None)
    );
}
