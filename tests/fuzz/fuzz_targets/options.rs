//! The option and connection arrays the PHP binding reads (`from_array()` in
//! `src/php/convert.rs`: the PHP array as JSON, read with
//! [`wpwa::rules::options::read`], then validated): any JSON gives the core's value
//! or a [`wpwa::rules::RulesError`], never a panic.
//!
//! The first byte picks the input type, as each binding function reads one; the rest
//! is the array's JSON. Invariants: a refusal names what was read; validating twice
//! gives the same answer.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wpwa::messaging::Outbound;
use wpwa::rules::options::{
    self, AutoRepliesInput, CatalogOptionsInput, CloudInput, DatabaseInput, GatewayInput,
    LimitsInput, LocalTimeInput, LogFilterInput, OutboundInput, PolicyInput, RoutingInput,
    VendorInput,
};

/// Reads `value` as the binding does, checking that a refusal names the argument.
fn read<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> Option<T> {
    match options::read::<T>(what, value) {
        Ok(input) => Some(input),
        Err(e) => {
            assert!(e.to_string().contains(what), "{e} does not name {what}");
            None
        }
    }
}

/// Validates twice: validation reads its input only, so both answers agree.
fn twice<T: std::fmt::Debug, E: std::fmt::Debug>(validate: impl Fn() -> Result<T, E>) {
    let (a, b) = (format!("{:?}", validate()), format!("{:?}", validate()));
    assert_eq!(a, b, "validation is not deterministic");
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    let Ok(value) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    match which % 12 {
        0 => {
            if let Some(i) = read::<PolicyInput>("policy", value) {
                twice(|| i.validate());
            }
        }
        1 => {
            if let Some(i) = read::<CatalogOptionsInput>("options", value) {
                twice(|| i.validate());
            }
        }
        2 => {
            if let Some(i) = read::<LimitsInput>("limits", value) {
                twice(|| i.validate());
            }
        }
        3 => {
            if let Some(i) = read::<RoutingInput>("routing", value) {
                twice(|| i.validate());
            }
        }
        4 => {
            if let Some(i) = read::<LogFilterInput>("filter", value) {
                twice(|| i.validate());
            }
        }
        5 => {
            if let Some(i) = read::<GatewayInput>("gateway", value) {
                twice(|| i.webhook());
                let _ = wpwa::gateway::GatewayClient::new(&i.url, &i.api_key);
            }
        }
        6 => {
            if let Some(i) = read::<CloudInput>("connection", value) {
                twice(|| i.catalog_id().map(str::to_owned));
                twice(|| i.phone_number_id().map(str::to_owned));
                twice(|| i.waba_id().map(str::to_owned));
                let _ = wpwa::cloud::CloudClient::new(&i.url, &i.version, &i.token);
            }
        }
        7 => {
            if let Ok(list) = options::read_list::<VendorInput>("vendors", value) {
                twice(|| options::vendor_directory(&list));
                if let Ok(directory) = options::vendor_directory(&list) {
                    for entry in &directory {
                        assert!(entry.code.chars().count() <= wpwa::routing::MAX_CODE);
                    }
                }
            }
        }
        8 => {
            if let Some(i) = read::<AutoRepliesInput>("replies", value) {
                twice(|| i.validate());
            }
        }
        9 => {
            if let Some(i) = read::<LocalTimeInput>("local_time", value) {
                twice(|| i.validate());
            }
        }
        10 => {
            if let Some(i) = read::<OutboundInput>("message", value) {
                let _: Outbound = i.into();
            }
        }
        _ => {
            if let Some(i) = read::<DatabaseInput>("options", value) {
                let _ = i.into_options();
            }
        }
    }
});
