//! The gateway (WAHA) webhook route (`Wpwa\session_webhook()`): any body, correctly
//! signed, is an outcome or an error from [`wpwa::session::handle_webhook`], never a
//! panic; the same body with a forged signature is always refused.
//!
//! Invariants: a refused signature never reaches the parser; the `me` object, when it
//! reads as a [`wpwa::gateway::Me`], survives its JSON round trip and gives a phone of
//! digits only.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wpwa::gateway::{GatewayStatus, Me};
use wpwa::session::{self, SessionError};
use wpwa::signature::hmac_sha512_hex;
use wpwa::store::Store;

const KEY: &[u8] = b"fuzz-webhook-key-0123456789";
const NOW: i64 = 1_800_000_000;

thread_local! {
    // No session row exists, so no input writes to it: one store serves the whole run.
    static STORE: Store = Store::open_in_memory().expect("an in-memory store opens");
}

fuzz_target!(|data: &[u8]| {
    STORE.with(|store| {
        let signature = hmac_sha512_hex(KEY, data);
        let _ = session::handle_webhook(store, data, Some(&signature), KEY, NOW);

        let forged = hmac_sha512_hex(b"another-key-entirely-0123456789", data);
        assert!(
            matches!(
                session::handle_webhook(store, data, Some(&forged), KEY, NOW),
                Err(SessionError::Signature(_) | SessionError::BadWebhook(_))
            ),
            "a forged signature was not refused"
        );
    });

    // The pieces the handler reads from the envelope, checked on their own.
    let Ok(envelope) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Some(status) = envelope.pointer("/payload/status").and_then(Value::as_str) {
        let _ = GatewayStatus::parse(status);
    }
    if let Some(me) = envelope
        .get("me")
        .and_then(|m| serde_json::from_value::<Me>(m.clone()).ok())
        && let Some(phone) = me.phone()
    {
        let json = serde_json::to_value(&me).expect("me serializes");
        assert_eq!(serde_json::from_value::<Me>(json).ok().as_ref(), Some(&me));
        assert!(
            phone
                .trim_start_matches('+')
                .bytes()
                .all(|b| b.is_ascii_digit()),
            "phone {phone:?} from {me:?}"
        );
    }
});
