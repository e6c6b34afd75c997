//! Webhook signatures: HMAC over the raw request body, compared in constant time.
//!
//! The Cloud API signs with HMAC-SHA256 (`X-Hub-Signature-256: sha256=<hex>`), the
//! session gateway with HMAC-SHA512 (`X-Webhook-Hmac: <hex>`). Both are verified on the
//! exact bytes received: re-encoding the JSON first would change what was signed.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature came with the request.
    #[error("the request is not signed")]
    Missing,
    /// The signature header is not in the expected format.
    #[error("the signature header is malformed")]
    Malformed,
    /// The signature does not match the body.
    #[error("the signature does not match the request body")]
    Mismatch,
    /// No key is configured to verify with.
    #[error("no signing secret is configured")]
    NoKey,
}

/// The hex HMAC-SHA256 of `body` under `key`.
pub fn hmac_sha256_hex(key: &[u8], body: &[u8]) -> String {
    to_hex(&hmac_sha256(key, body))
}

/// The HMAC-SHA256 of `body` under `key`.
pub fn hmac_sha256(key: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The hex HMAC-SHA512 of `body` under `key`.
pub fn hmac_sha512_hex(key: &[u8], body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha512> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(body);
    to_hex(&mac.finalize().into_bytes())
}

/// Verifies a Cloud API `X-Hub-Signature-256` header (`sha256=<hex>`).
pub fn verify_sha256_header(
    key: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let header = header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(SignatureError::Missing)?;
    let hex = header
        .strip_prefix("sha256=")
        .ok_or(SignatureError::Malformed)?;
    verify::<Hmac<Sha256>>(key, body, hex)
}

/// Verifies a gateway `X-Webhook-Hmac` header (hex HMAC-SHA512).
pub fn verify_sha512_hex(
    key: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let hex = header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(SignatureError::Missing)?;
    verify::<Hmac<Sha512>>(key, body, hex)
}

/// `verify_slice` compares in constant time, so a forger learns nothing from timing.
fn verify<M: Mac + KeyInit>(key: &[u8], body: &[u8], hex: &str) -> Result<(), SignatureError> {
    if key.is_empty() {
        return Err(SignatureError::NoKey);
    }
    let expected = from_hex(hex)?;
    let mut mac = <M as KeyInit>::new_from_slice(key).map_err(|_| SignatureError::NoKey)?;
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// Lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn from_hex(hex: &str) -> Result<Vec<u8>, SignatureError> {
    if hex.len() % 2 != 0 || hex.len() > 256 {
        return Err(SignatureError::Malformed);
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(SignatureError::Malformed),
    };
    hex.as_bytes()
        .chunks(2)
        .map(|pair| Ok(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hmac_sha512_hex(b"Jefe", b"what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn verifies_cloud_api_headers() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let good = format!("sha256={}", hmac_sha256_hex(b"app-secret", body));
        assert_eq!(
            verify_sha256_header(b"app-secret", body, Some(&good)),
            Ok(())
        );
        assert_eq!(
            verify_sha256_header(
                b"app-secret",
                body,
                Some(&good.to_uppercase().replace("SHA256=", "sha256="))
            ),
            Ok(())
        );
        assert_eq!(
            verify_sha256_header(b"other", body, Some(&good)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_sha256_header(b"app-secret", b"{}", Some(&good)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_sha256_header(b"app-secret", body, None),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_sha256_header(b"app-secret", body, Some("")),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_sha256_header(b"app-secret", body, Some("md5=abc")),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_sha256_header(b"app-secret", body, Some("sha256=zz")),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_sha256_header(b"app-secret", body, Some("sha256=abc")),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_sha256_header(b"", body, Some(&good)),
            Err(SignatureError::NoKey)
        );
    }

    #[test]
    fn verifies_gateway_headers() {
        let body = br#"{"event":"session.status"}"#;
        let good = hmac_sha512_hex(b"session-key", body);
        assert_eq!(verify_sha512_hex(b"session-key", body, Some(&good)), Ok(()));
        assert_eq!(
            verify_sha512_hex(b"session-key", body, Some(&good[..64])),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_sha512_hex(b"wrong", body, Some(&good)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_sha512_hex(b"session-key", body, None),
            Err(SignatureError::Missing)
        );
    }
}
