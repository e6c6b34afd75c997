//! Unpredictable-looking identifiers without a `rand` dependency: std's `RandomState`
//! is seeded from the OS, and a counter keeps two draws in the same nanosecond apart.
//! Nothing here is security-relevant; it only has to look and behave like the real ids.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Unix time in milliseconds, as WAHA stamps its events.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn next_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    hasher.finish()
}

fn bytes(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        out.extend_from_slice(&next_u64().to_le_bytes());
    }
    out.truncate(n);
    out
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A value shaped like WhatsApp's multi-device pairing QR:
/// `2@<ref>,<noise public key>,<identity public key>,<adv secret>`.
pub(crate) fn qr_value() -> String {
    format!(
        "2@{},{},{},{}",
        base64(&bytes(60)),
        base64(&bytes(32)),
        base64(&bytes(32)),
        base64(&bytes(32))
    )
}

/// A pairing code as WhatsApp shows it: eight characters of its linking alphabet
/// (digits and capitals without the look-alikes 0, O, I and U), as `ABCD-EFGH`.
pub(crate) fn pairing_code() -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTVWXYZ";
    let chars: Vec<char> = bytes(8)
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let (left, right) = chars.split_at(4);
    format!(
        "{}-{}",
        left.iter().collect::<String>(),
        right.iter().collect::<String>()
    )
}

/// A ULID-like id (time-ordered, 26 Crockford base32 characters), as WAHA uses for
/// event ids after its `evt_` prefix.
pub(crate) fn ulid() -> String {
    const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let time = u128::from(now_ms() & 0xFFFF_FFFF_FFFF);
    let random = (u128::from(next_u64()) << 16) | u128::from(next_u64() & 0xFFFF);
    let value = (time << 80) | random;
    (0..26)
        .rev()
        .map(|i| CROCKFORD[((value >> (5 * i)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn qr_values_look_like_whatsapp_and_differ() {
        let a = qr_value();
        let b = qr_value();
        assert!(a.starts_with("2@"));
        assert_eq!(a.split(',').count(), 4);
        assert_ne!(a, b);
        assert_eq!(ulid().len(), 26);
        assert_ne!(ulid(), ulid());
    }

    #[test]
    fn pairing_codes_are_eight_linking_characters() {
        let code = pairing_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(
            code.chars()
                .filter(|c| *c != '-')
                .all(|c| c.is_ascii_digit() && c != '0' || "ABCDEFGHJKLMNPQRSTVWXYZ".contains(c)),
            "{code}"
        );
    }
}
