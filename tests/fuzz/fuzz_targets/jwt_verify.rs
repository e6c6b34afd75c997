//! Token verification (`Wpwa\jwt_verify()`, every REST request): any string is refused
//! or accepted by [`wpwa::jwt::verify`], never a panic, and only a token this secret
//! signed is accepted.
//!
//! Invariants: an input accepted as a token starts with the signed part of a token we
//! issued; a token issued with parameters taken from the input verifies to exactly
//! those claims.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wpwa::jwt;

const SECRET: &[u8] = b"fuzz-secret-of-at-least-32-bytes-0123456789";
const AUDIENCE: &str = "https://shop.example";

fn valid_token() -> String {
    jwt::issue(SECRET, 42, "status:read", AUDIENCE, 3600).expect("a token issues")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let issued = valid_token();
    let signed_part = issued.rsplit_once('.').map(|(s, _)| s).unwrap_or_default();

    // The input as a whole token, and as each segment of a real one.
    let parts: Vec<&str> = issued.split('.').collect();
    let mut candidates = vec![text.to_string()];
    for i in 0..parts.len() {
        let mut spliced = parts.clone();
        spliced[i] = &text;
        candidates.push(spliced.join("."));
    }
    for token in &candidates {
        if let Ok(claims) = jwt::verify(SECRET, token, AUDIENCE) {
            assert!(
                token.starts_with(signed_part) || token.split('.').count() != 3,
                "accepted a token we did not sign: {token:?} -> {claims:?}"
            );
            assert_eq!(claims.vendor_id, 42);
        }
        // The wrong secret refuses everything.
        assert!(jwt::verify(b"another-secret-of-at-least-32-bytes-xyz", token, AUDIENCE).is_err());
    }

    // Issue with what the input says, then verify: the same claims come back.
    if data.len() >= 10 {
        let vendor_id = u64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
        let ttl = i64::from(u16::from_le_bytes([data[8], data[9]]));
        let rest = String::from_utf8_lossy(&data[10..]);
        let (scope, audience) = rest.split_once('\n').unwrap_or((&rest, AUDIENCE));
        if let Ok(token) = jwt::issue(SECRET, vendor_id, scope, audience, ttl) {
            let claims = jwt::verify(SECRET, &token, audience)
                .unwrap_or_else(|e| panic!("our own token is refused: {e} ({token})"));
            assert_eq!(
                (claims.vendor_id, claims.scope.as_str(), claims.aud.as_str()),
                (vendor_id, scope, audience)
            );
            assert_eq!(claims.exp - claims.iat, ttl);
        }
    }
});
