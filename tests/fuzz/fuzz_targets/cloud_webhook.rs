//! The Cloud API webhook route (`Wpwa\cloud_webhook()`): after the signature, any body
//! becomes a notification or an error ([`wpwa::inbound::parse`]), and a notification is
//! stored by [`wpwa::conversation::ingest`] without a panic.
//!
//! Invariants: parsing depends on the JSON value only, not on how it is written (the
//! compact re-serialization parses to the same notification); every order line survives
//! the JSON round trip the store gives it (`route.order_lines`).

#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wpwa::conversation;
use wpwa::inbound::{self, OrderLine};
use wpwa::routing::{self, RoutingConfig, VendorListing};
use wpwa::store::Store;

/// Inputs stored in one store before it is replaced: a fresh store for every input
/// would cost its migrations each time, one store for the whole run would grow.
const INPUTS_PER_STORE: u32 = 256;

thread_local! {
    static STORE: RefCell<(Store, u32)> = RefCell::new((fresh_store(), 0));
}

fn fresh_store() -> Store {
    Store::open_in_memory().expect("an in-memory store opens")
}

fn vendors() -> Vec<routing::VendorEntry> {
    routing::directory(&[
        VendorListing {
            vendor_id: 7,
            chosen_code: "ACME".into(),
            store_name: "Acme Store".into(),
        },
        VendorListing {
            vendor_id: 12,
            chosen_code: String::new(),
            store_name: "Bolt &amp; Co".into(),
        },
    ])
}

fuzz_target!(|data: &[u8]| {
    let Ok(notification) = inbound::parse(data) else {
        return;
    };
    // The body parsed, so it is JSON: written compactly it must mean the same.
    let value: Value = serde_json::from_slice(data).expect("a parsed body is JSON");
    let compact = serde_json::to_vec(&value).expect("JSON serializes");
    let again = inbound::parse(&compact).expect("the compact body parses too");
    assert_eq!(
        serde_json::to_value(&notification).expect("a notification serializes"),
        serde_json::to_value(&again).expect("a notification serializes"),
        "the notification depends on the body's formatting"
    );
    for line in notification.messages.iter().flat_map(|m| &m.order) {
        let json = serde_json::to_string(line).expect("an order line serializes");
        let back: OrderLine = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("order line {line:?} does not read back ({json}): {e}"));
        assert_eq!(&back, line, "an order line changes in the store's JSON");
    }

    STORE.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.1 >= INPUTS_PER_STORE {
            *cell = (fresh_store(), 0);
        }
        cell.1 += 1;
        let result = conversation::ingest(
            &cell.0,
            data,
            &vendors(),
            &RoutingConfig::default(),
            1_800_000_000,
        );
        // A store error is an answer too; only a panic is a finding.
        let _ = result;
    });
});
