//! Credentials at rest: API keys and tokens are sealed with XChaCha20-Poly1305 under a
//! key derived from site key material (WordPress's salts or a generated key), so a
//! database dump or a backup does not reveal them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::signature;

/// Marks a sealed value and the scheme that sealed it.
const PREFIX: &str = "wpwa:v1:";
const NONCE_LEN: usize = 24;
/// Shortest key material accepted.
pub const MIN_KEY_MATERIAL: usize = 32;
/// Longest secret sealed; credentials are far shorter.
pub const MAX_PLAINTEXT: usize = 8 * 1024;

/// Why a secret could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The key material is too short to derive a key from.
    #[error("the encryption key material must be at least 32 bytes")]
    WeakKey,
    /// The context label is not acceptable.
    #[error("the secret's context label must be 1 to 64 characters of a-z, 0-9, '_' or '.'")]
    BadContext,
    /// The value is too long to be a credential.
    #[error("the secret is longer than 8 KiB")]
    TooLong,
    /// The value is not something this module sealed.
    #[error("the stored secret is not a wpwa sealed value")]
    Malformed,
    /// The value was sealed under other key material or for another context, or altered.
    #[error(
        "the stored secret cannot be decrypted: the site's keys changed or the value was altered; enter the credential again"
    )]
    Undecryptable,
    /// The operating system gave no randomness.
    #[error("no randomness available for encryption")]
    Random,
}

fn cipher(key_material: &[u8]) -> Result<XChaCha20Poly1305, SecretError> {
    if key_material.len() < MIN_KEY_MATERIAL {
        return Err(SecretError::WeakKey);
    }
    // Derive rather than use the material directly: salts are text of any length, and
    // the derivation keeps this key apart from every other use of the same salts.
    let derived = signature::hmac_sha256(key_material, b"wpwa secret sealing v1");
    Ok(XChaCha20Poly1305::new(&Key::from(derived)))
}

fn check_context(context: &str) -> Result<(), SecretError> {
    let ok = (1..=64).contains(&context.len())
        && context
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(SecretError::BadContext)
    }
}

/// Seals `plaintext` for `context` (e.g. `gateway.api_key`): a value sealed for one
/// field cannot be opened as another.
pub fn seal(key_material: &[u8], context: &str, plaintext: &str) -> Result<String, SecretError> {
    check_context(context)?;
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(SecretError::TooLong);
    }
    let cipher = cipher(key_material)?;
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::getrandom(&mut nonce).map_err(|_| SecretError::Random)?;
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SecretError::Random)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
}

/// Opens a value [`seal`] produced for the same context.
pub fn open(key_material: &[u8], context: &str, sealed: &str) -> Result<String, SecretError> {
    check_context(context)?;
    let encoded = sealed.strip_prefix(PREFIX).ok_or(SecretError::Malformed)?;
    if encoded.len() > MAX_PLAINTEXT * 2 {
        return Err(SecretError::Malformed);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| SecretError::Malformed)?;
    if bytes.len() < NONCE_LEN + 16 {
        return Err(SecretError::Malformed);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SecretError::Malformed)?;
    let plain = cipher(key_material)?
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SecretError::Undecryptable)?;
    String::from_utf8(plain).map_err(|_| SecretError::Undecryptable)
}

/// Whether `value` is a sealed value (as opposed to a plaintext credential).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// How a credential is shown once saved: its last four characters, the rest hidden.
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    if count <= 8 {
        return "•".repeat(8);
    }
    let tail: String = secret.chars().skip(count - 4).collect();
    format!("{}{tail}", "•".repeat(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"site-salts-0123456789abcdefghijklmnopqrstuvwxyz";

    #[test]
    fn round_trip() {
        let sealed = seal(KEY, "gateway.api_key", "super-secret-api-key").unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("super-secret"));
        assert_eq!(
            open(KEY, "gateway.api_key", &sealed).unwrap(),
            "super-secret-api-key"
        );
        // A fresh nonce each time: equal secrets do not look equal at rest.
        assert_ne!(
            sealed,
            seal(KEY, "gateway.api_key", "super-secret-api-key").unwrap()
        );
    }

    #[test]
    fn another_key_context_or_alteration_cannot_open_it() {
        let sealed = seal(KEY, "gateway.api_key", "secret").unwrap();
        assert_eq!(
            open(
                b"another-site-salts-0123456789abcdefghijkl",
                "gateway.api_key",
                &sealed
            ),
            Err(SecretError::Undecryptable)
        );
        assert_eq!(
            open(KEY, "cloud.access_token", &sealed),
            Err(SecretError::Undecryptable)
        );
        let mut altered = sealed.clone().into_bytes();
        let at = altered.len() - 5;
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            open(KEY, "gateway.api_key", &String::from_utf8(altered).unwrap()),
            Err(SecretError::Undecryptable)
        );
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(seal(b"short", "x", "s"), Err(SecretError::WeakKey));
        assert_eq!(seal(KEY, "Bad Context", "s"), Err(SecretError::BadContext));
        assert_eq!(
            seal(KEY, "x", &"s".repeat(MAX_PLAINTEXT + 1)),
            Err(SecretError::TooLong)
        );
        for bad in ["plain", "wpwa:v1:", "wpwa:v1:!!!", "wpwa:v1:AAAA"] {
            assert_eq!(open(KEY, "x", bad), Err(SecretError::Malformed), "{bad}");
        }
    }

    #[test]
    fn masks_show_only_the_tail() {
        assert_eq!(mask("EAAGabcdefghijkl1234"), "••••••••1234");
        assert_eq!(mask("short"), "••••••••");
        assert!(!mask("sandbox-key-long-enough").contains("sandbox"));
    }
}
