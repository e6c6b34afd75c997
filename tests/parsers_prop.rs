//! Properties of the parsers every outside input goes through: the Cloud API and
//! gateway webhooks and the REST API's tokens. Whatever arrives gives a value or an
//! error, never a panic, and a parsed webhook does not depend on how its JSON was
//! written. The shared Cloud API samples (`shared/fixtures/cloud-api`, as the
//! inbound module's own tests read them) are the starting points; `tests/fuzz` runs
//! the same parsers under coverage-guided fuzzing.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use wpwa::inbound::{self, Notification, OrderLine};
use wpwa::jwt;
use wpwa::session::{self, SessionError};
use wpwa::signature::hmac_sha512_hex;
use wpwa::store::Store;

const KEY: &[u8] = b"property-test-webhook-key";
const SECRET: &[u8] = b"property-test-secret-of-32-bytes-or-more";
const NOW: i64 = 1_800_000_000;

/// Every sample of every shared Cloud API fixture file, as (file/name, body).
fn samples() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/cloud-api");
    let mut all = Vec::new();
    for file in [
        "message.json",
        "message_status.json",
        "system.json",
        "outgoing_message.json",
    ] {
        let path = dir.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Value::Object(map) = serde_json::from_str(&text).unwrap() else {
            panic!("{file} is not an object of samples");
        };
        all.extend(
            map.into_iter()
                .map(|(name, body)| (format!("{file}/{name}"), body)),
        );
    }
    assert!(
        all.len() >= 30,
        "the shared fixtures hold {} samples",
        all.len()
    );
    all
}

/// The notification as JSON: compared this way, a float that is not a number would
/// still compare (and the property below makes sure there is none).
fn as_json(notification: &Notification) -> Value {
    serde_json::to_value(notification).unwrap()
}

/// Any JSON value, a few levels deep, with the strings and numbers the parsers
/// convert (numeric strings, `NaN`, huge numbers) among arbitrary ones.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "NaN",
            "inf",
            "-inf",
            "1e400",
            " 42 ",
            "",
            "wamid.x",
            "text",
            "order",
            "9223372036854775808",
        ])
        .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,10}", inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A Cloud API webhook whose every part below `value` is arbitrary.
fn cloud_webhook() -> impl Strategy<Value = Value> {
    (any_json(), any_json(), any_json(), any_json()).prop_map(
        |(messages, statuses, contacts, extra)| {
            json!({
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                    "metadata": {"phone_number_id": "1122334455667"},
                    "contacts": contacts,
                    "messages": messages,
                    "message_echoes": extra,
                    "statuses": statuses,
                }}]}]
            })
        },
    )
}

/// Every JSON pointer to a leaf of `value`.
fn leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            leaves(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

/// Parses `body` and checks what must hold of any notification: it does not depend on
/// the JSON's formatting, and every order line survives the JSON the store keeps it in.
fn parse_checked(body: &Value) -> Option<Notification> {
    let compact = serde_json::to_vec(body).unwrap();
    let pretty = serde_json::to_vec_pretty(body).unwrap();
    let notification = inbound::parse(&compact).ok()?;
    let again = inbound::parse(&pretty).expect("the same JSON, pretty, parses");
    assert_eq!(as_json(&notification), as_json(&again));
    for line in notification.messages.iter().flat_map(|m| &m.order) {
        let json = serde_json::to_string(line).unwrap();
        let back: OrderLine =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{line:?} as {json}: {e}"));
        assert_eq!(&back, line);
    }
    Some(notification)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_a_cloud_notification_or_an_error(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = inbound::parse(&body);
    }

    #[test]
    fn any_cloud_webhook_shape_parses_the_same_however_written(body in cloud_webhook()) {
        prop_assert!(parse_checked(&body).is_some());
    }

    #[test]
    fn a_fixture_with_one_field_replaced_still_parses_or_errs(which in any::<Index>(), leaf in any::<Index>(), value in any_json()) {
        let all = samples();
        let (name, mut body) = all[which.index(all.len())].clone();
        let mut pointers = Vec::new();
        leaves(&body, String::new(), &mut pointers);
        let pointer = &pointers[leaf.index(pointers.len())];
        *body.pointer_mut(pointer).unwrap() = value;
        let _ = parse_checked(&body);
        let _ = name;
    }

    #[test]
    fn any_signed_bytes_are_a_gateway_outcome_or_an_error(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let store = Store::open_in_memory().unwrap();
        let signature = hmac_sha512_hex(KEY, &body);
        let _ = session::handle_webhook(&store, &body, Some(&signature), KEY, NOW);
    }

    #[test]
    fn any_signed_gateway_envelope_is_an_outcome_or_an_error(
        event in prop::sample::select(vec!["session.status", "message.any", "message", "state.change"]),
        status in prop_oneof![
            prop::sample::select(vec!["STOPPED", "STARTING", "SCAN_QR_CODE", "WORKING", "FAILED"]).prop_map(Value::from),
            any_json(),
        ],
        me in any_json(),
        payload in any_json(),
        timestamp in any_json(),
    ) {
        let store = Store::open_in_memory().unwrap();
        let mut payload = payload;
        if let Value::Object(map) = &mut payload {
            map.insert("status".into(), status);
        }
        let body = json!({"id": "evt", "event": event, "session": "site_v7", "me": me, "payload": payload, "timestamp": timestamp});
        let body = serde_json::to_vec(&body).unwrap();
        let signature = hmac_sha512_hex(KEY, &body);
        let _ = session::handle_webhook(&store, &body, Some(&signature), KEY, NOW);
        // Forged, the same body is refused before it is read.
        let forged = hmac_sha512_hex(b"not-the-key", &body);
        prop_assert!(matches!(
            session::handle_webhook(&store, &body, Some(&forged), KEY, NOW),
            Err(SessionError::Signature(_))
        ));
    }

    #[test]
    fn any_string_is_refused_as_a_token(token in any::<String>()) {
        prop_assert!(jwt::verify(SECRET, &token, "https://shop.example").is_err());
    }

    #[test]
    fn any_three_segments_are_refused_as_a_token(segments in prop::collection::vec("[A-Za-z0-9_=+/-]{0,80}", 3)) {
        prop_assert!(jwt::verify(SECRET, &segments.join("."), "https://shop.example").is_err());
    }
}

#[test]
fn every_fixture_parses_the_same_through_its_own_raw_messages() {
    for (name, body) in samples() {
        let notification = parse_checked(&body).unwrap_or_else(|| panic!("{name} does not parse"));
        // Each message's raw JSON, sent again in a webhook of its own, parses to the
        // same message: parse → serialize → parse is stable.
        for message in &notification.messages {
            let list = match message.direction {
                inbound::Direction::Inbound => "messages",
                inbound::Direction::Echo => "message_echoes",
            };
            let contacts = body
                .pointer("/entry/0/changes/0/value/contacts")
                .cloned()
                .unwrap_or(Value::Null);
            let again = json!({
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                    "metadata": {"phone_number_id": message.phone_number_id},
                    "contacts": contacts,
                    list: [message.raw],
                }}]}]
            });
            let parsed = parse_checked(&again).unwrap_or_else(|| panic!("{name} again"));
            assert_eq!(parsed.messages.len(), 1, "{name}");
            assert_eq!(
                serde_json::to_value(&parsed.messages[0]).unwrap(),
                serde_json::to_value(message).unwrap(),
                "{name}"
            );
        }
    }
}
