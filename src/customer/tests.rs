use serde_json::{Value, json};

use super::*;
use crate::conversation::ingest;
use crate::routing::{RoutingConfig, VendorEntry};
use crate::store::Store;

const BSUID: &str = "US.13491208655302741918";
const NEW_BSUID: &str = "US.20000000000000000001";

fn vendors() -> Vec<VendorEntry> {
    [(11, "ACME", "Acme Store"), (12, "BOLT", "Bolt Gadgets")]
        .into_iter()
        .map(|(vendor_id, code, name)| VendorEntry {
            vendor_id,
            code: code.into(),
            store_name: name.into(),
        })
        .collect()
}

/// A customer's text as Meta sends it since 2026: `from`/`wa_id` only when the phone
/// may be seen, `from_user_id`/`user_id` always (here: when given).
fn text(
    phone: Option<&str>,
    bsuid: Option<&str>,
    username: Option<&str>,
    id: &str,
    body: &str,
    at: i64,
) -> Vec<u8> {
    let mut contact = json!({"profile": {"name": "Dana"}});
    let mut message =
        json!({"id": id, "timestamp": at.to_string(), "type": "text", "text": {"body": body}});
    if let Some(phone) = phone {
        contact["wa_id"] = json!(phone);
        message["from"] = json!(phone);
    }
    if let Some(bsuid) = bsuid {
        contact["user_id"] = json!(bsuid);
        message["from_user_id"] = json!(bsuid);
    }
    if let Some(username) = username {
        contact["profile"]["username"] = json!(username);
    }
    envelope(
        "messages",
        json!({"contacts": [contact], "messages": [message]}),
    )
}

fn envelope(field: &str, mut value: Value) -> Vec<u8> {
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({"phone_number_id": "42", "display_phone_number": "15550009999"});
    json!({"object": "whatsapp_business_account", "entry": [{"id": "777", "changes": [{"field": field, "value": value}]}]})
        .to_string()
        .into_bytes()
}

fn user_id_update(previous: &str, current: &str) -> Vec<u8> {
    envelope(
        "user_id_update",
        json!({"contacts": [{"profile": {"name": "Dana", "username": "@dana.shops"}}],
               "user_id_update": [{"detail": "User id for Dana has been updated.",
                                   "user_id": {"previous": previous, "current": current},
                                   "timestamp": "1700"}]}),
    )
}

fn receive(store: &Store, body: &[u8], now: i64) -> crate::conversation::IngestReport {
    ingest(store, body, &vendors(), &RoutingConfig::default(), now).expect("ingests")
}

fn conversations(store: &Store, vendor_id: u64) -> Vec<(String, i64)> {
    store
        .conversations()
        .summaries(vendor_id, 10)
        .unwrap()
        .into_iter()
        .map(|s| (s.customer, s.unread))
        .collect()
}

#[test]
fn a_customer_without_a_phone_is_kept_by_bsuid_and_reached_by_it() {
    let store = Store::open_in_memory().unwrap();
    let first = receive(
        &store,
        &text(
            None,
            Some(BSUID),
            Some("@dana.shops"),
            "wamid.1",
            "#ACME is the lamp in stock?",
            1000,
        ),
        1000,
    );
    assert_eq!(first.stored.len(), 1);
    assert_eq!(first.stored[0].vendor_id, 11);
    let again = receive(
        &store,
        &text(
            None,
            Some(BSUID),
            Some("@dana.shops"),
            "wamid.2",
            "and in blue?",
            1100,
        ),
        1100,
    );
    // Routed by the ongoing conversation, to the same one.
    assert_eq!(again.stored[0].vendor_id, 11);
    assert_eq!(
        again.stored[0].conversation_id,
        first.stored[0].conversation_id
    );
    assert_eq!(conversations(&store, 11), vec![(BSUID.to_owned(), 2)]);

    let stored = store.customers().get(BSUID).unwrap().expect("recorded");
    assert_eq!(stored.identity.username.as_deref(), Some("@dana.shops"));
    assert_eq!(stored.identity.phone, None);
    assert_eq!(
        recipient(BSUID, Some(&stored)),
        Some(Recipient::Bsuid(BSUID.into()))
    );
    assert_eq!(Recipient::Bsuid(BSUID.into()).field(), ("recipient", BSUID));
}

#[test]
fn a_customer_seen_with_a_phone_keeps_the_phone_as_key_when_it_is_hidden_later() {
    let store = Store::open_in_memory().unwrap();
    let first = receive(
        &store,
        &text(
            Some("15550001"),
            Some(BSUID),
            None,
            "wamid.1",
            "#ACME hello",
            1000,
        ),
        1000,
    );
    let hidden = receive(
        &store,
        &text(
            None,
            Some(BSUID),
            Some("@dana.shops"),
            "wamid.2",
            "still there?",
            1100,
        ),
        1100,
    );
    assert_eq!(
        hidden.stored[0].conversation_id,
        first.stored[0].conversation_id
    );
    let stored = store
        .customers()
        .get("15550001")
        .unwrap()
        .expect("recorded");
    assert_eq!(stored.identity.bsuid.as_deref(), Some(BSUID));
    assert_eq!(stored.identity.username.as_deref(), Some("@dana.shops"));
    // Meta's advice: send to the phone while it is known.
    assert_eq!(
        recipient("15550001", Some(&stored)),
        Some(Recipient::Phone("15550001".into()))
    );
}

#[test]
fn a_webhook_naming_phone_and_bsuid_together_merges_two_customers() {
    let store = Store::open_in_memory().unwrap();
    // Before BSUIDs: known by phone only.
    receive(
        &store,
        &text(Some("15550001"), None, None, "wamid.1", "#ACME hello", 1000),
        1000,
    );
    // Then by BSUID only (phone hidden): a second customer as far as anyone can tell.
    receive(
        &store,
        &text(None, Some(BSUID), None, "wamid.2", "#ACME me again", 1100),
        1100,
    );
    receive(
        &store,
        &text(None, Some(BSUID), None, "wamid.3", "#BOLT and you?", 1150),
        1150,
    );
    assert_eq!(conversations(&store, 11).len(), 2);

    // A webhook carrying both shows they are one person.
    receive(
        &store,
        &text(
            Some("15550001"),
            Some(BSUID),
            None,
            "wamid.4",
            "thanks",
            1200,
        ),
        1200,
    );
    // The two Acme conversations became one; "thanks" continues the latest (Bolt).
    assert_eq!(conversations(&store, 11), vec![("15550001".to_owned(), 2)]);
    assert_eq!(conversations(&store, 12), vec![("15550001".to_owned(), 2)]);
    assert!(store.customers().get(BSUID).unwrap().is_none());
    let kept = store.customers().get("15550001").unwrap().unwrap();
    assert_eq!(kept.identity.bsuid.as_deref(), Some(BSUID));
    let acme = &store.conversations().summaries(11, 1).unwrap()[0];
    assert_eq!(acme.last_text.as_deref(), Some("#ACME me again"));
    let bolt = &store.conversations().summaries(12, 1).unwrap()[0];
    assert_eq!(bolt.last_text.as_deref(), Some("thanks"));
}

#[test]
fn a_new_bsuid_continues_the_conversation_once_announced() {
    let store = Store::open_in_memory().unwrap();
    let first = receive(
        &store,
        &text(None, Some(BSUID), None, "wamid.1", "#ACME hello", 1000),
        1000,
    );
    let update = receive(&store, &user_id_update(BSUID, NEW_BSUID), 1700);
    assert_eq!(update.identity_changes, 1);
    // Redelivered: already applied, nothing changes.
    assert_eq!(
        receive(&store, &user_id_update(BSUID, NEW_BSUID), 1710).identity_changes,
        0
    );
    // Unknown previous id: nothing to change.
    assert_eq!(
        receive(&store, &user_id_update("US.9", "US.10"), 1720).identity_changes,
        0
    );

    let next = receive(
        &store,
        &text(
            None,
            Some(NEW_BSUID),
            None,
            "wamid.2",
            "new phone, same me",
            1800,
        ),
        1800,
    );
    assert_eq!(next.stored[0].vendor_id, 11);
    assert_eq!(
        next.stored[0].conversation_id,
        first.stored[0].conversation_id
    );
    let stored = store.customers().get(BSUID).unwrap().expect("key kept");
    assert_eq!(stored.identity.bsuid.as_deref(), Some(NEW_BSUID));
    assert_eq!(stored.identity.username.as_deref(), Some("@dana.shops"));
    assert!(store.customers().by_bsuid(BSUID).unwrap().is_none());
}

#[test]
fn a_message_under_the_new_bsuid_before_the_announcement_is_merged_back() {
    let store = Store::open_in_memory().unwrap();
    let first = receive(
        &store,
        &text(None, Some(BSUID), None, "wamid.1", "#ACME hello", 1000),
        1000,
    );
    receive(
        &store,
        &text(
            None,
            Some(NEW_BSUID),
            None,
            "wamid.2",
            "#ACME it's me",
            1100,
        ),
        1100,
    );
    assert_eq!(conversations(&store, 11).len(), 2);
    receive(&store, &user_id_update(BSUID, NEW_BSUID), 1200);
    let merged = store.conversations().summaries(11, 10).unwrap();
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].id, first.stored[0].conversation_id);
    assert_eq!(merged[0].customer, BSUID);
}

#[test]
fn system_messages_announce_a_new_number_or_bsuid() {
    let store = Store::open_in_memory().unwrap();
    receive(
        &store,
        &text(
            Some("15550001"),
            Some(BSUID),
            None,
            "wamid.1",
            "#ACME hello",
            1000,
        ),
        1000,
    );
    let changed = envelope(
        "messages",
        json!({"messages": [{"from": "15550001", "from_user_id": BSUID, "id": "wamid.S", "timestamp": "1100", "type": "system",
               "system": {"body": "User Dana changed from 15550001 to 15550002", "type": "user_changed_number",
                          "wa_id": "15550002", "user_id": NEW_BSUID}}]}),
    );
    assert_eq!(receive(&store, &changed, 1100).identity_changes, 1);
    let stored = store.customers().get("15550001").unwrap().unwrap();
    assert_eq!(stored.identity.phone.as_deref(), Some("15550002"));
    assert_eq!(stored.identity.bsuid.as_deref(), Some(NEW_BSUID));
    assert_eq!(
        recipient("15550001", Some(&stored)),
        Some(Recipient::Phone("15550002".into()))
    );
    let next = receive(
        &store,
        &text(
            Some("15550002"),
            Some(NEW_BSUID),
            None,
            "wamid.2",
            "hi again",
            1200,
        ),
        1200,
    );
    assert_eq!(next.stored[0].vendor_id, 11);
    assert_eq!(conversations(&store, 11).len(), 1);
}

#[test]
fn identifiers_are_told_apart_by_shape() {
    for good in [BSUID, "BR.1", "US.ENT.11815799212886844830", "IN.abc123"] {
        assert!(is_bsuid(good), "{good}");
    }
    for bad in [
        "15550001", "us.123", "USA.1", "US.", "US.12 3", "US.ENT.", ".1", "",
    ] {
        assert!(!is_bsuid(bad), "{bad}");
    }
    assert!(is_phone("15550001") && !is_phone("12345") && !is_phone(BSUID));
    assert_eq!(
        recipient("15550001", None),
        Some(Recipient::Phone("15550001".into()))
    );
    assert_eq!(recipient(BSUID, None), Some(Recipient::Bsuid(BSUID.into())));
    assert_eq!(recipient("someone", None), None);
}
