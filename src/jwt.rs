//! Short-lived, vendor-scoped tokens for the plugin's REST API (HS256, RFC 7519).
//!
//! JWTs are URL-safe Base64 without padding by definition; `jsonwebtoken` produces and
//! expects exactly that. Only HS256 is accepted, so a token cannot choose a weaker
//! algorithm (`alg: none`) or confuse a key type.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::clock;

/// Shortest secret accepted: HS256 keys should carry at least the hash's 256 bits.
pub const MIN_SECRET_LEN: usize = 32;
/// Longest lifetime a token may be issued for: these tokens stand in for a session cookie.
pub const MAX_TTL_SECONDS: i64 = 86_400;
/// Clock skew tolerated between the web nodes that issue and verify a token.
const LEEWAY_SECONDS: u64 = 30;
/// Longest token accepted for verification; anything longer is not one of ours.
const MAX_TOKEN_LEN: usize = crate::rules::MAX_TOKEN_BYTES;

/// Why a token could not be issued or was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    /// The token's `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// The token's `nbf` lies in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The signature does not match, or the token is not HS256.
    #[error("the token signature is invalid")]
    BadSignature,
    /// The token was issued for another audience.
    #[error("the token was issued for another audience")]
    WrongAudience,
    /// The token is not a well-formed JWT with our claims.
    #[error("the token is malformed: {0}")]
    Malformed(String),
    /// The caller asked for something that cannot be issued.
    #[error("invalid token request: {0}")]
    InvalidRequest(&'static str),
}

/// The claims wpwa puts in every token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Audience: the site the token is valid for.
    pub aud: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Not before (Unix seconds).
    pub nbf: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// The vendor (WordPress user ID) the token acts for.
    pub vendor_id: u64,
    /// Space-separated permissions, OAuth style, e.g. `status:read`.
    pub scope: String,
}

impl Claims {
    /// Whether the token grants `wanted` (one scope item).
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scope.split(' ').any(|s| s == wanted)
    }
}

/// Issues a token for `vendor_id` valid for `ttl_seconds` from now.
pub fn issue(
    secret: &[u8],
    vendor_id: u64,
    scope: &str,
    audience: &str,
    ttl_seconds: i64,
) -> Result<String, JwtError> {
    check_secret(secret)?;
    if vendor_id == 0 {
        return Err(JwtError::InvalidRequest("the vendor id must be positive"));
    }
    if !(1..=MAX_TTL_SECONDS).contains(&ttl_seconds) {
        return Err(JwtError::InvalidRequest(
            "the lifetime must be between 1 second and 24 hours",
        ));
    }
    if audience.is_empty() || audience.len() > 512 || audience.chars().any(char::is_control) {
        return Err(JwtError::InvalidRequest(
            "the audience must be 1 to 512 characters, none of them control characters",
        ));
    }
    let scope_ok = !scope.is_empty()
        && scope.len() <= 256
        && scope
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" :_-.".contains(&b));
    if !scope_ok {
        return Err(JwtError::InvalidRequest(
            "the scope must be space-separated words of letters, digits and ':_-.'",
        ));
    }
    let now = clock::now();
    let claims = Claims {
        aud: audience.to_owned(),
        iat: now,
        nbf: now,
        exp: now + ttl_seconds,
        vendor_id,
        scope: scope.to_owned(),
    };
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|e| JwtError::Malformed(e.to_string()))?;
    // What is issued must pass `verify`: its length bound holds for every token
    // (characters JSON escapes, such as quotes, grow in the encoding).
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::InvalidRequest(
            "the audience and scope are too long for a token",
        ));
    }
    Ok(token)
}

/// Verifies `token` for `audience` and returns its claims.
pub fn verify(secret: &[u8], token: &str, audience: &str) -> Result<Claims, JwtError> {
    check_secret(secret)?;
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::Malformed(
            "not a token of a plausible length".into(),
        ));
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud"]);
    let data =
        jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => JwtError::Expired,
                ErrorKind::ImmatureSignature => JwtError::NotYetValid,
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => JwtError::BadSignature,
                ErrorKind::InvalidAudience => JwtError::WrongAudience,
                _ => JwtError::Malformed(e.to_string()),
            })?;
    if data.claims.vendor_id == 0 {
        return Err(JwtError::Malformed("the token names no vendor".into()));
    }
    Ok(data.claims)
}

fn check_secret(secret: &[u8]) -> Result<(), JwtError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(JwtError::InvalidRequest(
            "the signing secret must be at least 32 bytes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";
    const AUD: &str = "wpwa:https://shop.example";

    /// Signs arbitrary header and claims, so tests can build tokens the issuer never would.
    fn forge(header: &str, claims: &serde_json::Value, secret: &[u8]) -> String {
        let signing_input = format!(
            "{}.{}",
            base64_url(header.as_bytes()),
            base64_url(claims.to_string().as_bytes())
        );
        let signature = jsonwebtoken::crypto::sign(
            signing_input.as_bytes(),
            &EncodingKey::from_secret(secret),
            Algorithm::HS256,
        )
        .unwrap();
        format!("{signing_input}.{signature}")
    }

    fn base64_url(bytes: &[u8]) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn round_trip_keeps_every_claim() {
        let token = issue(SECRET, 42, "status:read sync:write", AUD, 900).unwrap();
        assert!(!token.contains('='), "no padding");
        assert!(
            !token.contains('+') && !token.contains('/'),
            "URL-safe alphabet"
        );
        let claims = verify(SECRET, &token, AUD).unwrap();
        assert_eq!(claims.vendor_id, 42);
        assert_eq!(claims.aud, AUD);
        assert_eq!(claims.exp - claims.iat, 900);
        assert_eq!(claims.nbf, claims.iat);
        assert!(claims.has_scope("status:read"));
        assert!(claims.has_scope("sync:write"));
        assert!(!claims.has_scope("status"));
    }

    #[test]
    fn a_tampered_payload_fails_the_signature() {
        let token = issue(SECRET, 42, "status:read", AUD, 900).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let forged = serde_json::json!({"aud": AUD, "iat": 1, "nbf": 1, "exp": clock::now() + 900, "vendor_id": 7, "scope": "status:read"});
        parts[1] = base64_url(forged.to_string().as_bytes());
        assert_eq!(
            verify(SECRET, &parts.join("."), AUD),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn another_secret_fails_the_signature() {
        let token = issue(SECRET, 42, "status:read", AUD, 900).unwrap();
        let other = b"another-secret-that-is-long-enough-for-hs256";
        assert_eq!(verify(other, &token, AUD), Err(JwtError::BadSignature));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let now = clock::now();
        let claims = serde_json::json!({"aud": AUD, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600, "vendor_id": 42, "scope": "status:read"});
        let token = forge(r#"{"alg":"HS256","typ":"JWT"}"#, &claims, SECRET);
        assert_eq!(verify(SECRET, &token, AUD), Err(JwtError::Expired));
    }

    #[test]
    fn future_tokens_are_refused() {
        let now = clock::now();
        let claims = serde_json::json!({"aud": AUD, "iat": now, "nbf": now + 3600, "exp": now + 7200, "vendor_id": 42, "scope": "status:read"});
        let token = forge(r#"{"alg":"HS256","typ":"JWT"}"#, &claims, SECRET);
        assert_eq!(verify(SECRET, &token, AUD), Err(JwtError::NotYetValid));
    }

    #[test]
    fn every_token_issued_passes_the_verifiers_length_bound() {
        // Found by fuzzing: 512 NUL characters are six bytes each once JSON-escaped,
        // so the token outgrew what verify() accepts.
        let nuls = "\0".repeat(512);
        assert!(matches!(
            issue(SECRET, 7, "orders:read", &nuls, 60),
            Err(JwtError::InvalidRequest(_))
        ));
        let quotes = "\"".repeat(512);
        match issue(SECRET, 7, "orders:read", &quotes, 60) {
            Ok(token) => assert!(verify(SECRET, &token, &quotes).is_ok()),
            Err(e) => assert!(matches!(e, JwtError::InvalidRequest(_)), "{e}"),
        }
    }

    #[test]
    fn another_audience_is_refused() {
        let token = issue(SECRET, 42, "status:read", "wpwa:https://other.example", 900).unwrap();
        assert_eq!(verify(SECRET, &token, AUD), Err(JwtError::WrongAudience));
    }

    #[test]
    fn alg_none_is_refused() {
        let now = clock::now();
        let claims = serde_json::json!({"aud": AUD, "iat": now, "nbf": now, "exp": now + 60, "vendor_id": 42, "scope": "status:read"});
        let unsigned = format!(
            "{}.{}.",
            base64_url(br#"{"alg":"none","typ":"JWT"}"#),
            base64_url(claims.to_string().as_bytes())
        );
        assert!(verify(SECRET, &unsigned, AUD).is_err());
    }

    #[test]
    fn garbage_is_malformed() {
        for bad in ["", "abc", "a.b.c", "....", &"x".repeat(5000)] {
            assert!(
                matches!(verify(SECRET, bad, AUD), Err(JwtError::Malformed(_))),
                "{bad:.20} should be malformed"
            );
        }
    }

    #[test]
    fn a_token_without_a_vendor_is_malformed() {
        let now = clock::now();
        let claims = serde_json::json!({"aud": AUD, "iat": now, "nbf": now, "exp": now + 60, "scope": "status:read"});
        let token = forge(r#"{"alg":"HS256","typ":"JWT"}"#, &claims, SECRET);
        assert!(matches!(
            verify(SECRET, &token, AUD),
            Err(JwtError::Malformed(_))
        ));
    }

    #[test]
    fn bad_requests_are_refused_before_signing() {
        assert!(matches!(
            issue(b"short", 1, "status:read", AUD, 60),
            Err(JwtError::InvalidRequest(_))
        ));
        assert!(matches!(
            issue(SECRET, 0, "status:read", AUD, 60),
            Err(JwtError::InvalidRequest(_))
        ));
        assert!(matches!(
            issue(SECRET, 1, "status:read", AUD, 0),
            Err(JwtError::InvalidRequest(_))
        ));
        assert!(matches!(
            issue(SECRET, 1, "status:read", AUD, MAX_TTL_SECONDS + 1),
            Err(JwtError::InvalidRequest(_))
        ));
        assert!(matches!(
            issue(SECRET, 1, "bad\"scope", AUD, 60),
            Err(JwtError::InvalidRequest(_))
        ));
        assert!(matches!(
            issue(SECRET, 1, "status:read", "", 60),
            Err(JwtError::InvalidRequest(_))
        ));
    }
}
