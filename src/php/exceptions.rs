//! The `Wpwa\` exception tree, and the mapping from each core error enum onto it.
//!
//! PHP code catches by meaning: `Wpwa\ValidationException` is the caller's fault and
//! shown to the user, `Wpwa\StorageException` is the server's, token failures are all
//! `Wpwa\AuthException`s. Every class extends `Wpwa\Exception`, so one catch covers all.

use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::ce;

use crate::catalog::sync::SyncError;
use crate::cloud::CloudError;
use crate::conversation::ConversationError;
use crate::gateway::GatewayError;
use crate::jwt::JwtError;
use crate::log::LogError;
use crate::messaging::MessagingError;
use crate::privacy::PrivacyError;
use crate::secret::SecretError;
use crate::session::SessionError;
use crate::store::StoreError;
use crate::templates::{Refusal, TemplatesError};

/// Base class of every exception the extension throws.
#[php_class]
#[php(name = "Wpwa\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Default)]
pub struct WpwaException;

/// A WhatsApp template may not be sent: unknown, not approved, paused, disabled, or
/// sent with the wrong parameters. The code is the Cloud API's error code for the same
/// refusal (132001, 132015, 132016, 132000, or another 132xxx), whether the core
/// refused before any call or the API did.
#[php_class]
#[php(name = "Wpwa\\TemplateException")]
#[php(extends(ValidationException))]
#[derive(Default)]
pub struct TemplateException;

/// A pairing code cannot be issued. The code says why, for the plugin to word:
/// 1 the number is not a WhatsApp number, 2 the session is not waiting to be linked,
/// 3 the number is linked to another vendor.
#[php_class]
#[php(name = "Wpwa\\PairingException")]
#[php(extends(ValidationException))]
#[derive(Default)]
pub struct PairingException;

/// The caller passed a value the core cannot accept; the message says which and why.
#[php_class]
#[php(name = "Wpwa\\ValidationException")]
#[php(extends(WpwaException))]
#[derive(Default)]
pub struct ValidationException;

/// Authentication failed.
#[php_class]
#[php(name = "Wpwa\\AuthException")]
#[php(extends(WpwaException))]
#[derive(Default)]
pub struct AuthException;

/// The token's lifetime has passed.
#[php_class]
#[php(name = "Wpwa\\TokenExpiredException")]
#[php(extends(AuthException))]
#[derive(Default)]
pub struct TokenExpiredException;

/// The token's signature does not verify with this site's secret.
#[php_class]
#[php(name = "Wpwa\\TokenSignatureException")]
#[php(extends(AuthException))]
#[derive(Default)]
pub struct TokenSignatureException;

/// The token was issued for another audience.
#[php_class]
#[php(name = "Wpwa\\TokenAudienceException")]
#[php(extends(AuthException))]
#[derive(Default)]
pub struct TokenAudienceException;

/// The token is not a well-formed wpwa token.
#[php_class]
#[php(name = "Wpwa\\TokenMalformedException")]
#[php(extends(AuthException))]
#[derive(Default)]
pub struct TokenMalformedException;

/// The thing asked for does not exist.
#[php_class]
#[php(name = "Wpwa\\NotFoundException")]
#[php(extends(WpwaException))]
#[derive(Default)]
pub struct NotFoundException;

/// A limit was reached; the code holds the seconds to wait before retrying.
#[php_class]
#[php(name = "Wpwa\\RateLimitedException")]
#[php(extends(WpwaException))]
#[derive(Default)]
pub struct RateLimitedException;

/// The vendor's messages this month, at the rate card's prices, have reached the
/// monthly cost cap. The code is the seconds until the month turns (UTC), as for every
/// `Wpwa\RateLimitedException`; the message names the cap as `<decimal> <ISO 4217
/// code>` and the day sends resume as `YYYY-MM-DD`.
#[php_class]
#[php(name = "Wpwa\\CostCapException")]
#[php(extends(RateLimitedException))]
#[derive(Default)]
pub struct CostCapException;

/// A remote service could not be reached or answered badly.
#[php_class]
#[php(name = "Wpwa\\TransportException")]
#[php(extends(WpwaException))]
#[derive(Default)]
pub struct TransportException;

/// The operational store failed or is unusable.
#[php_class]
#[php(name = "Wpwa\\StorageException")]
#[php(extends(WpwaException))]
#[derive(Default)]
pub struct StorageException;

/// The code of the `Wpwa\ValidationException` for a free-form message outside the
/// 24-hour window: WhatsApp's error code for the same refusal (131047).
pub const OUTSIDE_WINDOW_CODE: i32 = 131_047;

/// A `Wpwa\ValidationException` with `message`.
pub fn validation(message: impl Into<String>) -> PhpException {
    PhpException::from_class::<ValidationException>(message.into())
}

/// A `Wpwa\Exception` for a failure inside the extension itself.
pub fn internal(e: impl std::fmt::Display) -> PhpException {
    PhpException::from_class::<WpwaException>(format!("wpwa internal error: {e}"))
}

/// A `Wpwa\StorageException` with `message`.
pub fn storage(message: impl Into<String>) -> PhpException {
    PhpException::from_class::<StorageException>(message.into())
}

impl From<StoreError> for PhpException {
    fn from(e: StoreError) -> Self {
        storage(e.to_string())
    }
}

impl From<JwtError> for PhpException {
    fn from(e: JwtError) -> Self {
        let message = e.to_string();
        match e {
            JwtError::Expired => PhpException::from_class::<TokenExpiredException>(message),
            JwtError::BadSignature => PhpException::from_class::<TokenSignatureException>(message),
            JwtError::WrongAudience => PhpException::from_class::<TokenAudienceException>(message),
            JwtError::Malformed(_) => PhpException::from_class::<TokenMalformedException>(message),
            JwtError::NotYetValid => PhpException::from_class::<AuthException>(message),
            JwtError::InvalidRequest(_) => validation(message),
        }
    }
}

impl From<LogError> for PhpException {
    fn from(e: LogError) -> Self {
        match e {
            LogError::Invalid(message) => validation(message),
            LogError::Store(e) => e.into(),
        }
    }
}

impl From<PrivacyError> for PhpException {
    fn from(e: PrivacyError) -> Self {
        match e {
            PrivacyError::BadNumber(_) | PrivacyError::Retention(_) => validation(e.to_string()),
            PrivacyError::Store(e) => e.into(),
        }
    }
}

impl From<GatewayError> for PhpException {
    fn from(e: GatewayError) -> Self {
        let message = e.to_string();
        match e {
            GatewayError::Config(_) => validation(message),
            GatewayError::NotFound(_) => PhpException::from_class::<NotFoundException>(message),
            GatewayError::Unreachable { .. }
            | GatewayError::Unauthorized
            | GatewayError::Rejected(_)
            | GatewayError::Server { .. }
            | GatewayError::InvalidResponse(_) => {
                PhpException::from_class::<TransportException>(message)
            }
        }
    }
}

impl From<SessionError> for PhpException {
    fn from(e: SessionError) -> Self {
        let message = e.to_string();
        match e {
            SessionError::InvalidVendor | SessionError::BadWebhook(_) => validation(message),
            SessionError::RateLimited { retry_after } => rate_limited(message, retry_after),
            SessionError::Gateway(e) => e.into(),
            SessionError::Signature(_) => PhpException::from_class::<AuthException>(message),
            SessionError::Qr(e) => internal(e),
            SessionError::Store(e) => e.into(),
            SessionError::BadPhone => pairing(message, 1),
            SessionError::NotWaitingForLink(_) => pairing(message, 2),
            SessionError::PhoneInUse => pairing(message, 3),
        }
    }
}

fn pairing(message: String, code: i32) -> PhpException {
    PhpException::new(message, code, PairingException::get_metadata().ce())
}

/// A `Wpwa\RateLimitedException` whose code is the seconds to wait.
pub fn rate_limited(message: String, retry_after: i64) -> PhpException {
    let code = i32::try_from(retry_after.max(1)).unwrap_or(i32::MAX);
    PhpException::new(message, code, RateLimitedException::get_metadata().ce())
}

impl From<SecretError> for PhpException {
    fn from(e: SecretError) -> Self {
        let message = e.to_string();
        match e {
            SecretError::WeakKey | SecretError::BadContext | SecretError::TooLong => {
                validation(message)
            }
            SecretError::Malformed | SecretError::Undecryptable => {
                PhpException::from_class::<AuthException>(message)
            }
            SecretError::Random => internal(message),
        }
    }
}

impl From<CloudError> for PhpException {
    fn from(e: CloudError) -> Self {
        let message = e.to_string();
        match e {
            CloudError::Config(_) => validation(message),
            CloudError::RateLimited { retry_after, .. } => {
                rate_limited(message, retry_after.map_or(60, |d| d.as_secs() as i64))
            }
            _ => PhpException::from_class::<TransportException>(message),
        }
    }
}

impl From<SyncError> for PhpException {
    fn from(e: SyncError) -> Self {
        let message = e.to_string();
        match e {
            SyncError::Invalid(_) => validation(message),
            SyncError::NoSuchJob(_) | SyncError::PlanGivenUp(_) => {
                PhpException::from_class::<NotFoundException>(message)
            }
            SyncError::Thread(_) => internal(message),
            SyncError::Store(e) => e.into(),
        }
    }
}

impl From<ConversationError> for PhpException {
    fn from(e: ConversationError) -> Self {
        let message = e.to_string();
        match e {
            ConversationError::Signature(_) => PhpException::from_class::<AuthException>(message),
            ConversationError::Inbound(_) => validation(message),
            ConversationError::Store(e) => e.into(),
            ConversationError::Consent(e) => e.into(),
        }
    }
}

/// The code of the `Wpwa\ValidationException` for a webhook body larger than accepted
/// (HTTP's 413, the status the routes answer).
pub const TOO_LARGE_CODE: i32 = 413;

impl From<crate::early_ingest::EarlyIngestError> for PhpException {
    fn from(e: crate::early_ingest::EarlyIngestError) -> Self {
        use crate::early_ingest::EarlyIngestError;
        let message = e.to_string();
        match e {
            EarlyIngestError::TooLarge { .. } => PhpException::new(
                message,
                TOO_LARGE_CODE,
                ValidationException::get_metadata().ce(),
            ),
            EarlyIngestError::Signature(_) => PhpException::from_class::<AuthException>(message),
            EarlyIngestError::Malformed(_) => validation(message),
            EarlyIngestError::Store(e) => e.into(),
        }
    }
}

impl From<crate::consent::ConsentError> for PhpException {
    fn from(e: crate::consent::ConsentError) -> Self {
        use crate::consent::ConsentError;
        let message = e.to_string();
        match e {
            ConsentError::Store(e) => e.into(),
            ConsentError::BadCustomer
            | ConsentError::UnknownPurpose(_)
            | ConsentError::UnknownSource(_)
            | ConsentError::MissingText => validation(message),
        }
    }
}

impl From<crate::order_updates::OrderUpdateError> for PhpException {
    fn from(e: crate::order_updates::OrderUpdateError) -> Self {
        use crate::order_updates::OrderUpdateError;
        let message = e.to_string();
        match e {
            OrderUpdateError::Store(e) => e.into(),
            OrderUpdateError::Consent(e) => e.into(),
            OrderUpdateError::Rules(e) => e.into(),
            OrderUpdateError::Invalid(_) => validation(message),
        }
    }
}

impl From<MessagingError> for PhpException {
    fn from(e: MessagingError) -> Self {
        let message = e.to_string();
        match e {
            // WhatsApp's own code for it, so the plugin words it without reading English.
            MessagingError::OutsideWindow => PhpException::new(
                message,
                OUTSIDE_WINDOW_CODE,
                ValidationException::get_metadata().ce(),
            ),
            MessagingError::Invalid(_) => validation(message),
            MessagingError::Paced { retry_after }
            | MessagingError::AllowanceUsed { retry_after, .. } => {
                rate_limited(message, retry_after)
            }
            MessagingError::CostCapReached { retry_after, .. } => PhpException::new(
                message,
                i32::try_from(retry_after.max(1)).unwrap_or(i32::MAX),
                CostCapException::get_metadata().ce(),
            ),
            MessagingError::Template(refusal) => refusal.into(),
            MessagingError::Cloud(e) => e.into(),
            MessagingError::Store(e) => e.into(),
        }
    }
}

impl From<Refusal> for PhpException {
    fn from(refusal: Refusal) -> Self {
        let code = i32::try_from(refusal.graph_code()).unwrap_or(0);
        PhpException::new(
            refusal.to_string(),
            code,
            TemplateException::get_metadata().ce(),
        )
    }
}

impl From<crate::business_account::BusinessAccountError> for PhpException {
    fn from(e: crate::business_account::BusinessAccountError) -> Self {
        match e {
            crate::business_account::BusinessAccountError::Store(e) => e.into(),
        }
    }
}

impl From<TemplatesError> for PhpException {
    fn from(e: TemplatesError) -> Self {
        let message = e.to_string();
        match e {
            TemplatesError::Refused(refusal) => refusal.into(),
            TemplatesError::NoAccount => validation(message),
            TemplatesError::Cloud(e) => e.into(),
            TemplatesError::Store(e) => e.into(),
        }
    }
}

impl From<crate::rules::RulesError> for PhpException {
    fn from(e: crate::rules::RulesError) -> Self {
        validation(e.to_string())
    }
}
