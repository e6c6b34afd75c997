//! The rulebook: every numeric bound, text format and credential rule that settings and
//! the plugin's option arrays obey, written once.
//!
//! The plugin's settings forms are checked here ([`check`]) and draw their HTML
//! `min`/`max`/`maxlength`/`pattern` from here ([`limits`]); the option arrays the
//! binding receives are read into the typed inputs of [`options`], whose `validate()`
//! uses the same constants; and the core's own clients ([`crate::cloud`],
//! [`crate::gateway`], catalog sync) refuse with the same values. A limit changed here
//! changes everywhere.

pub mod options;

use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

/// Failures of the rulebook: an input the caller should not have sent.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RulesError {
    /// A settings group the rulebook does not know.
    #[error("unknown settings group {0:?}; use one of: {1}")]
    UnknownGroup(String, String),
    /// A field the group does not have.
    #[error("{group} has no field {field:?}")]
    UnknownField {
        /// The group checked.
        group: String,
        /// The field refused (shortened).
        field: String,
    },
    /// An option array that does not have the expected shape (wrong types, unknown
    /// keys, missing fields).
    #[error("{what}: {detail}")]
    Malformed {
        /// Which argument.
        what: String,
        /// What is wrong, as serde says it.
        detail: String,
    },
    /// A value outside its rule.
    #[error("{what}: {problem}")]
    Invalid {
        /// Which argument.
        what: String,
        /// The field's problem.
        problem: FieldProblem,
    },
}

/// An inclusive range of whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// Smallest value allowed.
    pub min: i64,
    /// Largest value allowed.
    pub max: i64,
}

impl Bounds {
    /// `min..=max`.
    pub const fn new(min: i64, max: i64) -> Self {
        Self { min, max }
    }

    /// Whether `value` is inside.
    pub fn contains(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// `value`, or the out-of-range problem of `field`.
    pub fn check(&self, field: &str, value: i64) -> Result<i64, FieldProblem> {
        if self.contains(value) {
            Ok(value)
        } else {
            Err(FieldProblem::new(field, ProblemCode::OutOfRange).bounds(*self))
        }
    }
}

// Session policy (session::Policy).
/// Session starts a vendor may make per hour.
pub const MAX_STARTS_PER_HOUR: Bounds = Bounds::new(1, 100);
/// Lifetime of the first QR code, seconds.
pub const QR_FIRST_SECONDS: Bounds = Bounds::new(1, 600);
/// Lifetime of each later QR code, seconds.
pub const QR_NEXT_SECONDS: Bounds = Bounds::new(1, 600);
/// How long a pairing code may be typed on the phone, seconds.
pub const PAIRING_CODE_SECONDS: Bounds = Bounds::new(5, 600);
/// Days a linked device survives with the phone offline.
pub const OFFLINE_EXPIRY_DAYS: Bounds = Bounds::new(1, 365);
/// Days the activity log is kept.
pub const LOG_RETENTION_DAYS: Bounds = Bounds::new(1, 3650);

// Catalog (catalog::Rules, catalog::sync::SyncOptions).
/// Items per `items_batch` call (the product brief's limit is 100).
pub const BATCH_SIZE: Bounds = Bounds::new(1, 100);
/// Batch calls in flight at once.
pub const CONCURRENCY: Bounds = Bounds::new(1, 16);
/// How often a sent batch's status is asked for, milliseconds.
pub const POLL_INTERVAL_MS: Bounds = Bounds::new(10, 600_000);
/// The image size limit the admin sets, in MiB.
pub const IMAGE_MAX_MB: Bounds = Bounds::new(1, 8);
/// The image size limit as the catalog rules take it, in bytes.
pub const MAX_IMAGE_BYTES: Bounds = Bounds::new(1, IMAGE_MAX_MB.max * 1024 * 1024);
/// Day of the weekly sync (0 = Sunday, as PHP's `w`).
pub const SCHEDULE_DAY: Bounds = Bounds::new(0, 6);
/// Hour of the weekly sync.
pub const SCHEDULE_HOUR: Bounds = Bounds::new(0, 23);
/// Minutes between a product change and the sync it triggers.
pub const CHANGE_DELAY_MINUTES: Bounds = Bounds::new(0, 60);
/// Longest default brand (the vendor's store name), in characters.
pub const MAX_BRAND_CHARS: usize = 100;
/// Session events one history call returns.
pub const HISTORY_PAGE_SIZE: Bounds = Bounds::new(1, 500);
/// Conversations one call returns.
pub const CONVERSATIONS_PAGE_SIZE: Bounds = Bounds::new(1, 200);
/// Milliseconds one sync slice may work.
pub const SYNC_BUDGET_MS: Bounds = Bounds::new(1, 60_000);

// Customer messages (routing::RoutingConfig, messaging::Limits).
/// How long a conversation keeps routing a customer to its vendor, hours.
pub const WINDOW_HOURS: Bounds = Bounds::new(0, 2160);
/// The same, in seconds, as routing takes it.
pub const WINDOW_SECONDS: Bounds = Bounds::new(0, WINDOW_HOURS.max * 3600);
/// Messages a vendor may send per month, as the admin sets it.
pub const MONTHLY_ALLOWANCE: Bounds = Bounds::new(0, 1_000_000);
/// The monthly allowance the core takes (the marketplace's own sends are unbounded).
pub const CORE_MONTHLY_ALLOWANCE: Bounds = Bounds::new(0, u32::MAX as i64);
/// Seconds between two messages to one customer.
pub const PACING_SECONDS: Bounds = Bounds::new(0, 86_400);
/// The rate card's price of one message, micro-units of its currency (up to a million
/// units: enough for currencies with large numbers, such as IDR).
pub const PRICE_MICROS: Bounds = Bounds::new(0, 1_000_000 * crate::pricing::MICROS_PER_UNIT);
/// A vendor's monthly cost cap, micro-units of the rate card's currency (0 = no cap).
pub const COST_CAP_MICROS: Bounds = Bounds::new(0, 1_000_000_000 * crate::pricing::MICROS_PER_UNIT);
/// Days customer messages are kept (0 = until erased).
pub const MESSAGE_RETENTION_DAYS: Bounds = Bounds::new(31, 36_500);
/// Longest vendor-menu question, in characters.
pub const MAX_MENU_INTRO_CHARS: usize = 1000;
/// Longest list of consent words (opt-out, opt-in), in characters.
pub const MAX_CONSENT_WORDS_CHARS: usize = 200;
/// Longest connection label, in characters.
pub const MAX_LABEL_CHARS: usize = 100;

// Vendor preferences (messaging::auto::AutoReplies, the vendor's notification number).
/// Longest automatic reply (acknowledgement, away message), in characters.
pub const MAX_AUTO_REPLY_CHARS: usize = 1000;
/// Longest free-form text message WhatsApp takes, in characters.
pub const MAX_MESSAGE_TEXT_CHARS: usize = 4096;
/// Longest WhatsApp username the plugin keeps for a customer, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Digits of a WhatsApp number (E.164 numbers have at most 15).
pub const WHATSAPP_NUMBER_DIGITS: Bounds = Bounds::new(6, 15);
/// Weekday of the opening hours (0 = Monday): the seven days `AutoRepliesInput` takes.
pub const WEEKDAY: Bounds = Bounds::new(0, 6);
/// Minutes in a day: the latest closing time is `24:00`.
pub const DAY_MINUTES: u16 = 1440;
/// Opening minute of a day (an opening at `24:00` opens at the day's last minute).
pub const OPEN_MINUTE: Bounds = Bounds::new(0, DAY_MINUTES as i64 - 1);
/// Closing minute of a day, `24:00` included.
pub const CLOSE_MINUTE: Bounds = Bounds::new(0, DAY_MINUTES as i64);

// Chat buttons (chat_link).
/// Longest prefilled-message pattern of the chat button, in characters.
pub const MAX_CHAT_MESSAGE_CHARS: usize = 300;
/// Longest product name a chat button's message carries, in characters.
pub const MAX_CHAT_PRODUCT_CHARS: usize = 80;
/// Longest chat button wording, in characters.
pub const MAX_CHAT_LABEL_CHARS: usize = 80;

// Activity log, REST tokens, privacy tools, webhooks.
/// Longest activity-log kind (`session.connected`, `catalog.sync`).
pub const MAX_LOG_KIND: usize = 40;
/// Longest bearer token accepted for verification ([`crate::jwt`]).
pub const MAX_TOKEN_BYTES: usize = 4096;
/// Longest webhook body of the Cloud API ([`crate::inbound`]).
pub const CLOUD_WEBHOOK_BYTES: Bounds = Bounds::new(0, 256 * 1024);
/// Longest webhook body of a session gateway ([`crate::session`]).
pub const GATEWAY_WEBHOOK_BYTES: Bounds = Bounds::new(0, 64 * 1024);
/// How long a drain holds the queued webhook deliveries it took, seconds
/// ([`crate::early_ingest`]): one that dies leaves them to the next drain after this.
pub const WEBHOOK_QUEUE_LEASE_SECONDS: Bounds = Bounds::new(0, 60);
/// How long a queued webhook delivery waits after the store failed while processing
/// it, seconds ([`crate::early_ingest`]).
pub const WEBHOOK_QUEUE_RETRY_SECONDS: Bounds = Bounds::new(0, 30);
/// Longest gateway URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// A text format a field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A Meta numeric ID (catalog, phone number, WABA): 1 to 32 digits.
    NumericId,
    /// A Graph API version such as `v21.0`.
    GraphVersion,
    /// An ISO 4217 currency code: three upper-case letters.
    Currency,
    /// A WhatsApp template name: lower-case letters, digits, `_`.
    TemplateName,
    /// A template language such as `en_US` or `de`.
    Language,
    /// The webhook verify token: 16 to 128 of `A-Za-z0-9_-`.
    VerifyToken,
    /// A connection ID: a lower-case letter or digit, then up to 39 of `a-z0-9_-`.
    ConnectionId,
    /// A WhatsApp number as a vendor types it once spaces, dashes and brackets are
    /// gone: an optional `+`, then 6 to 15 digits.
    PhoneNumber,
    /// An activity-log kind: 1 to 40 of `a-z0-9_.-`.
    LogKind,
    /// A compact JWS: three URL-safe Base64 segments (the last may be empty), at most
    /// [`MAX_TOKEN_BYTES`].
    BearerToken,
    /// A country calling code: `+` and 1 to 4 digits.
    CallingCode,
    /// A session gateway's base URL: `http` or `https`, a host, no user or password,
    /// no spaces or control characters.
    GatewayUrl,
}

/// Most digits of a Meta numeric ID.
pub const MAX_ID_DIGITS: usize = 32;
/// Longest template name.
pub const MAX_TEMPLATE_NAME: usize = 512;

impl Format {
    /// Whether `value` has this format.
    pub fn matches(self, value: &str) -> bool {
        let b = value.as_bytes();
        match self {
            Format::NumericId => {
                (1..=MAX_ID_DIGITS).contains(&b.len()) && b.iter().all(u8::is_ascii_digit)
            }
            Format::GraphVersion => value
                .strip_prefix('v')
                .and_then(|rest| rest.split_once('.'))
                .is_some_and(|(major, minor)| {
                    [major, minor].iter().all(|p| {
                        (1..=3).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
                    })
                }),
            Format::Currency => b.len() == 3 && b.iter().all(u8::is_ascii_uppercase),
            Format::TemplateName => {
                (1..=MAX_TEMPLATE_NAME).contains(&b.len())
                    && b.iter()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
            }
            Format::Language => {
                let (lang, region) = match value.split_once('_') {
                    Some((l, r)) => (l, Some(r)),
                    None => (value, None),
                };
                (2..=3).contains(&lang.len())
                    && lang.bytes().all(|c| c.is_ascii_lowercase())
                    && region
                        .is_none_or(|r| r.len() == 2 && r.bytes().all(|c| c.is_ascii_uppercase()))
            }
            Format::VerifyToken => {
                (16..=128).contains(&b.len())
                    && b.iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            }
            Format::ConnectionId => {
                (1..=40).contains(&b.len())
                    && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
                    && b.iter().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-'
                    })
            }
            Format::PhoneNumber => {
                let digits = value.strip_prefix('+').unwrap_or(value);
                WHATSAPP_NUMBER_DIGITS.contains(digits.len() as i64)
                    && digits.bytes().all(|c| c.is_ascii_digit())
            }
            Format::LogKind => {
                (1..=MAX_LOG_KIND).contains(&b.len())
                    && b.iter()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"_.-".contains(c))
            }
            Format::BearerToken => {
                let segments: Vec<&str> = value.split('.').collect();
                b.len() <= MAX_TOKEN_BYTES
                    && segments.len() == 3
                    && segments.iter().enumerate().all(|(i, segment)| {
                        (i == 2 || !segment.is_empty())
                            && segment
                                .bytes()
                                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                    })
            }
            Format::CallingCode => value.strip_prefix('+').is_some_and(|digits| {
                (1..=4).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit())
            }),
            Format::GatewayUrl => gateway_url(value),
        }
    }

    /// The same rule as an HTML `pattern` attribute (anchored by the browser).
    pub fn html_pattern(self) -> &'static str {
        match self {
            Format::NumericId => "[0-9]{1,32}",
            Format::GraphVersion => "v[0-9]{1,3}\\.[0-9]{1,3}",
            Format::Currency => "[A-Z]{3}",
            Format::TemplateName => "[a-z0-9_]{1,512}",
            Format::Language => "[a-z]{2,3}(_[A-Z]{2})?",
            Format::VerifyToken => "[A-Za-z0-9_\\-]{16,128}",
            Format::ConnectionId => "[a-z0-9][a-z0-9_\\-]{0,39}",
            Format::PhoneNumber => "\\+?[0-9]{6,15}",
            Format::LogKind => "[a-z0-9_.\\-]{1,40}",
            Format::BearerToken => "[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]*",
            Format::CallingCode => "\\+[0-9]{1,4}",
            Format::GatewayUrl => "[Hh][Tt][Tt][Pp][Ss]?://\\S+",
        }
    }

    /// Longest value of this format, in bytes.
    pub fn max_length(self) -> usize {
        match self {
            Format::NumericId => MAX_ID_DIGITS,
            Format::GraphVersion => 8,
            Format::Currency => 3,
            Format::TemplateName => MAX_TEMPLATE_NAME,
            Format::Language => 6,
            Format::VerifyToken => 128,
            Format::ConnectionId => 40,
            Format::PhoneNumber => WHATSAPP_NUMBER_DIGITS.max as usize + 1,
            Format::LogKind => MAX_LOG_KIND,
            Format::BearerToken => MAX_TOKEN_BYTES,
            Format::CallingCode => 5,
            Format::GatewayUrl => MAX_URL_BYTES,
        }
    }
}

/// Whether `url` is a usable gateway base URL: scheme `http` or `https`, a non-empty
/// host, no user or password, no whitespace or control characters.
fn gateway_url(url: &str) -> bool {
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.split(':').next().unwrap_or_default();
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && !authority.contains('@')
        && !host.is_empty()
}

/// What a credential (an access token, an app secret, an API key) may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Credential {
    /// Longest value, in bytes.
    pub max_bytes: usize,
    /// Whether spaces are allowed (control characters never are).
    pub spaces: bool,
}

/// A Cloud API access token (system-user tokens are a few hundred characters).
pub const CLOUD_ACCESS_TOKEN: Credential = Credential {
    max_bytes: 1024,
    spaces: false,
};
/// A Cloud API app secret, or a connection's webhook verify token.
pub const CLOUD_SECRET: Credential = Credential {
    max_bytes: 512,
    spaces: false,
};
/// A session gateway's API key.
pub const GATEWAY_API_KEY: Credential = Credential {
    max_bytes: 512,
    spaces: true,
};

impl Credential {
    /// Whether `value` is acceptable (non-empty, short enough, allowed characters).
    pub fn accepts(&self, value: &str) -> bool {
        self.problem("", value).is_none()
    }

    /// The problem of a non-empty `value` in `field`, if any.
    pub fn problem(&self, field: &str, value: &str) -> Option<FieldProblem> {
        if value.is_empty() {
            return Some(FieldProblem::new(field, ProblemCode::Missing));
        }
        if value.len() > self.max_bytes {
            return Some(FieldProblem::new(field, ProblemCode::TooLong).max_length(self.max_bytes));
        }
        let bad = |c: char| c.is_control() || (!self.spaces && c.is_whitespace());
        if value.chars().any(bad) {
            return Some(FieldProblem::new(field, ProblemCode::BadCharacters));
        }
        None
    }
}

/// What went wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// Not a whole number.
    NotAnInteger,
    /// A whole number outside `min..=max`.
    OutOfRange,
    /// Not a string where text is expected.
    NotAString,
    /// Text that does not have the field's format.
    BadFormat,
    /// Longer than `max_length`.
    TooLong,
    /// Spaces or control characters where none are allowed.
    BadCharacters,
    /// A required value is empty.
    Missing,
    /// Not a decimal amount of at most six decimals (`amount` fields).
    NotAnAmount,
    /// An amount outside `min..=max` (both in micro-units).
    AmountOutOfRange,
}

/// One field's problem, with what the plugin needs to say it: the bounds, the longest
/// length or the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field.
    pub field: String,
    /// What is wrong.
    pub code: ProblemCode,
    /// Smallest allowed value (`out_of_range`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest allowed value (`out_of_range`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Longest allowed value (`too_long`), bytes for credentials, characters for text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The format expected (`bad_format`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
}

impl FieldProblem {
    /// A problem without parameters.
    pub fn new(field: &str, code: ProblemCode) -> Self {
        Self {
            field: field.to_owned(),
            code,
            min: None,
            max: None,
            max_length: None,
            format: None,
        }
    }

    pub(crate) fn bounds(mut self, bounds: Bounds) -> Self {
        self.min = Some(bounds.min);
        self.max = Some(bounds.max);
        self
    }

    fn max_length(mut self, max: usize) -> Self {
        self.max_length = Some(max);
        self
    }

    pub(crate) fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let field = &self.field;
        match self.code {
            ProblemCode::NotAnInteger => write!(f, "{field} must be a whole number"),
            ProblemCode::OutOfRange => write!(
                f,
                "{field} must be between {} and {}",
                self.min.unwrap_or_default(),
                self.max.unwrap_or_default()
            ),
            ProblemCode::NotAString => write!(f, "{field} must be a string"),
            ProblemCode::BadFormat => match self.format {
                Some(format) => write!(f, "{field} must match {}", format.html_pattern()),
                None => write!(f, "{field} has the wrong format"),
            },
            ProblemCode::TooLong => write!(
                f,
                "{field} is longer than {}",
                self.max_length.unwrap_or_default()
            ),
            ProblemCode::BadCharacters => {
                write!(f, "{field} contains spaces or control characters")
            }
            ProblemCode::Missing => write!(f, "{field} is missing"),
            ProblemCode::NotAnAmount | ProblemCode::AmountOutOfRange => write!(
                f,
                "{field} must be an amount from {} to {} with at most six decimals",
                crate::pricing::format_amount(self.min.unwrap_or_default(), "").trim_end(),
                crate::pricing::format_amount(self.max.unwrap_or_default(), "").trim_end()
            ),
        }
    }
}

/// The rule of one settings field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A whole number inside the bounds.
    Integer(Bounds),
    /// 0 (off), or a whole number inside the bounds.
    ZeroOr(Bounds),
    /// Text of this format; empty allowed when `optional`.
    Format {
        /// The format.
        format: Format,
        /// Whether an empty value is allowed (the setting is unset).
        optional: bool,
    },
    /// A credential; empty means "keep the saved one".
    Credential(Credential),
    /// Free text of at most this many characters (longer text is cut).
    Text(usize),
    /// A decimal amount of money (`12.5`, at most six decimals) inside the bounds,
    /// which are micro-units; accepted as a whole number of micro-units.
    Amount(Bounds),
}

/// A settings group: the fields the rulebook checks, by the names the option stores.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// The group's name (`settings`, `catalog`, `messages`, `cloud_connection`,
    /// `gateway_connection`, `preferences`, `chat_button`, `log`, `auth`, `privacy`, `gateway`,
    /// `webhooks`, `order_updates`).
    pub name: &'static str,
    /// Its ruled fields.
    pub fields: &'static [(&'static str, Rule)],
}

const fn id(optional: bool) -> Rule {
    Rule::Format {
        format: Format::NumericId,
        optional,
    }
}

/// Every settings group.
pub const GROUPS: &[Group] = &[
    Group {
        name: "settings",
        fields: &[
            ("max_starts_per_hour", Rule::Integer(MAX_STARTS_PER_HOUR)),
            ("qr_first_seconds", Rule::Integer(QR_FIRST_SECONDS)),
            ("qr_next_seconds", Rule::Integer(QR_NEXT_SECONDS)),
            ("pairing_code_seconds", Rule::Integer(PAIRING_CODE_SECONDS)),
            ("offline_expiry_days", Rule::Integer(OFFLINE_EXPIRY_DAYS)),
            ("log_retention_days", Rule::Integer(LOG_RETENTION_DAYS)),
            ("gateway_api_key", Rule::Credential(GATEWAY_API_KEY)),
        ],
    },
    Group {
        name: "catalog",
        fields: &[
            ("catalog_id", id(true)),
            (
                "graph_version",
                Rule::Format {
                    format: Format::GraphVersion,
                    optional: false,
                },
            ),
            ("access_token", Rule::Credential(CLOUD_ACCESS_TOKEN)),
            ("batch_size", Rule::Integer(BATCH_SIZE)),
            ("image_max_mb", Rule::Integer(IMAGE_MAX_MB)),
            ("schedule_day", Rule::Integer(SCHEDULE_DAY)),
            ("schedule_hour", Rule::Integer(SCHEDULE_HOUR)),
            ("change_delay", Rule::Integer(CHANGE_DELAY_MINUTES)),
            (
                "currency",
                Rule::Format {
                    format: Format::Currency,
                    optional: false,
                },
            ),
        ],
    },
    Group {
        name: "messages",
        fields: &[
            ("app_secret", Rule::Credential(CLOUD_SECRET)),
            (
                "verify_token",
                Rule::Format {
                    format: Format::VerifyToken,
                    optional: true,
                },
            ),
            ("phone_number_id", id(true)),
            ("waba_id", id(true)),
            ("window_hours", Rule::Integer(WINDOW_HOURS)),
            ("allowance", Rule::Integer(MONTHLY_ALLOWANCE)),
            ("cost_cap", Rule::Amount(COST_CAP_MICROS)),
            (
                "rate_currency",
                Rule::Format {
                    format: Format::Currency,
                    optional: false,
                },
            ),
            ("price_marketing", Rule::Amount(PRICE_MICROS)),
            ("price_marketing_lite", Rule::Amount(PRICE_MICROS)),
            ("price_utility", Rule::Amount(PRICE_MICROS)),
            ("price_authentication", Rule::Amount(PRICE_MICROS)),
            (
                "price_authentication_international",
                Rule::Amount(PRICE_MICROS),
            ),
            ("price_service", Rule::Amount(PRICE_MICROS)),
            ("price_referral_conversion", Rule::Amount(PRICE_MICROS)),
            ("retention_days", Rule::ZeroOr(MESSAGE_RETENTION_DAYS)),
            (
                "notify_template",
                Rule::Format {
                    format: Format::TemplateName,
                    optional: true,
                },
            ),
            (
                "notify_language",
                Rule::Format {
                    format: Format::Language,
                    optional: false,
                },
            ),
            ("menu_intro", Rule::Text(MAX_MENU_INTRO_CHARS)),
        ],
    },
    Group {
        name: "cloud_connection",
        fields: &[
            (
                "id",
                Rule::Format {
                    format: Format::ConnectionId,
                    optional: false,
                },
            ),
            ("label", Rule::Text(MAX_LABEL_CHARS)),
            ("phone_number_id", id(false)),
            ("waba_id", id(true)),
            ("catalog_id", id(true)),
            (
                "display_number",
                Rule::Format {
                    format: Format::PhoneNumber,
                    optional: true,
                },
            ),
            ("access_token", Rule::Credential(CLOUD_ACCESS_TOKEN)),
            ("app_secret", Rule::Credential(CLOUD_SECRET)),
            ("verify_token", Rule::Credential(CLOUD_SECRET)),
        ],
    },
    Group {
        name: "gateway_connection",
        fields: &[
            (
                "id",
                Rule::Format {
                    format: Format::ConnectionId,
                    optional: false,
                },
            ),
            ("label", Rule::Text(MAX_LABEL_CHARS)),
            ("api_key", Rule::Credential(GATEWAY_API_KEY)),
        ],
    },
    Group {
        name: "preferences",
        fields: &[
            (
                "whatsapp_number",
                Rule::Format {
                    format: Format::PhoneNumber,
                    optional: true,
                },
            ),
            ("acknowledgement", Rule::Text(MAX_AUTO_REPLY_CHARS)),
            ("away_message", Rule::Text(MAX_AUTO_REPLY_CHARS)),
            ("weekday", Rule::Integer(WEEKDAY)),
            ("open_minute", Rule::Integer(OPEN_MINUTE)),
            ("close_minute", Rule::Integer(CLOSE_MINUTE)),
        ],
    },
    Group {
        name: "reply",
        fields: &[("text", Rule::Text(MAX_MESSAGE_TEXT_CHARS))],
    },
    Group {
        name: "customer_account",
        fields: &[("whatsapp_username", Rule::Text(MAX_USERNAME_CHARS))],
    },
    Group {
        name: "chat_button",
        fields: &[
            (
                "number",
                Rule::Format {
                    format: Format::PhoneNumber,
                    optional: true,
                },
            ),
            ("label", Rule::Text(MAX_CHAT_LABEL_CHARS)),
            ("message", Rule::Text(MAX_CHAT_MESSAGE_CHARS)),
        ],
    },
    Group {
        name: "log",
        fields: &[(
            "kind",
            Rule::Format {
                format: Format::LogKind,
                optional: true,
            },
        )],
    },
    Group {
        name: "auth",
        fields: &[(
            "bearer_token",
            Rule::Format {
                format: Format::BearerToken,
                optional: false,
            },
        )],
    },
    Group {
        name: "privacy",
        fields: &[(
            "calling_code",
            Rule::Format {
                format: Format::CallingCode,
                optional: false,
            },
        )],
    },
    Group {
        name: "gateway",
        fields: &[(
            "gateway_url",
            Rule::Format {
                format: Format::GatewayUrl,
                optional: true,
            },
        )],
    },
    Group {
        name: "webhooks",
        fields: &[
            ("cloud_body_bytes", Rule::Integer(CLOUD_WEBHOOK_BYTES)),
            ("gateway_body_bytes", Rule::Integer(GATEWAY_WEBHOOK_BYTES)),
            (
                "queue_lease_seconds",
                Rule::Integer(WEBHOOK_QUEUE_LEASE_SECONDS),
            ),
            (
                "queue_retry_seconds",
                Rule::Integer(WEBHOOK_QUEUE_RETRY_SECONDS),
            ),
        ],
    },
    Group {
        name: "order_updates",
        fields: &[
            ("consent_text", Rule::Text(crate::consent::MAX_TEXT_CHARS)),
            ("opt_out_words", Rule::Text(MAX_CONSENT_WORDS_CHARS)),
            ("opt_in_words", Rule::Text(MAX_CONSENT_WORDS_CHARS)),
            (
                "template",
                Rule::Format {
                    format: Format::TemplateName,
                    optional: true,
                },
            ),
            (
                "language",
                Rule::Format {
                    format: Format::Language,
                    optional: false,
                },
            ),
        ],
    },
];

/// The group called `name`.
pub fn group(name: &str) -> Result<&'static Group, RulesError> {
    GROUPS.iter().find(|g| g.name == name).ok_or_else(|| {
        RulesError::UnknownGroup(
            name.chars().take(40).collect(),
            GROUPS.iter().map(|g| g.name).collect::<Vec<_>>().join(", "),
        )
    })
}

/// The outcome of checking submitted settings: the accepted values (numbers as
/// numbers, text trimmed or cut), and a problem for every refused field. A refused
/// field is absent from `values`: the caller keeps its old value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checked {
    /// Accepted values by field.
    pub values: Map<String, Value>,
    /// Refused fields.
    pub problems: Vec<FieldProblem>,
}

/// Checks the submitted `values` of group `group` (form strings or typed values).
/// Fields the group does not have are refused as a whole: the caller sends only the
/// ruled fields (their names are the keys of [`limits`]).
pub fn check(group_name: &str, values: &Map<String, Value>) -> Result<Checked, RulesError> {
    let group = group(group_name)?;
    let mut checked = Checked::default();
    for (field, value) in values {
        let rule = group
            .fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, rule)| *rule)
            .ok_or_else(|| RulesError::UnknownField {
                group: group.name.to_owned(),
                field: field.chars().take(40).collect(),
            })?;
        match check_field(field, rule, value) {
            Ok(accepted) => {
                checked.values.insert(field.clone(), accepted);
            }
            Err(problem) => checked.problems.push(problem),
        }
    }
    Ok(checked)
}

/// A whole number from JSON: an integer, or a string of digits (what forms send).
fn integer(field: &str, value: &Value) -> Result<i64, FieldProblem> {
    let parsed = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            let digits = s.strip_prefix('-').unwrap_or(s);
            if !digits.is_empty()
                && digits.len() <= 18
                && digits.bytes().all(|b| b.is_ascii_digit())
            {
                s.parse().ok()
            } else {
                None
            }
        }
        _ => None,
    };
    parsed.ok_or_else(|| FieldProblem::new(field, ProblemCode::NotAnInteger))
}

fn text<'a>(field: &str, value: &'a Value) -> Result<&'a str, FieldProblem> {
    match value {
        Value::String(s) => Ok(s.trim()),
        Value::Null => Ok(""),
        _ => Err(FieldProblem::new(field, ProblemCode::NotAString)),
    }
}

fn check_field(field: &str, rule: Rule, value: &Value) -> Result<Value, FieldProblem> {
    match rule {
        Rule::Integer(bounds) => {
            let n = integer(field, value).map_err(|p| p.bounds(bounds))?;
            bounds.check(field, n).map(Value::from)
        }
        Rule::ZeroOr(bounds) => match integer(field, value).map_err(|p| p.bounds(bounds))? {
            0 => Ok(Value::from(0)),
            n if bounds.contains(n) => Ok(Value::from(n)),
            _ => Err(FieldProblem::new(field, ProblemCode::OutOfRange).bounds(bounds)),
        },
        Rule::Format { format, optional } => {
            let s = text(field, value)?;
            if s.is_empty() && optional {
                Ok(Value::from(""))
            } else if s.is_empty() {
                Err(FieldProblem::new(field, ProblemCode::Missing))
            } else if s.len() > format.max_length() {
                Err(FieldProblem::new(field, ProblemCode::TooLong).max_length(format.max_length()))
            } else if format.matches(s) {
                Ok(Value::from(s))
            } else {
                Err(FieldProblem::new(field, ProblemCode::BadFormat).format(format))
            }
        }
        Rule::Credential(credential) => {
            let s = text(field, value)?;
            if s.is_empty() {
                return Ok(Value::from(""));
            }
            match credential.problem(field, s) {
                Some(problem) => Err(problem),
                None => Ok(Value::from(s)),
            }
        }
        Rule::Text(max_chars) => {
            let s = text(field, value)?;
            Ok(Value::from(s.chars().take(max_chars).collect::<String>()))
        }
        Rule::Amount(bounds) => {
            let micros = match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => n
                    .as_i64()
                    .and_then(|units| units.checked_mul(crate::pricing::MICROS_PER_UNIT)),
                Value::Number(n) => parse_micros(&n.to_string()),
                Value::String(s) => parse_micros(s.trim()),
                _ => None,
            }
            .ok_or_else(|| FieldProblem::new(field, ProblemCode::NotAnAmount).bounds(bounds))?;
            if bounds.contains(micros) {
                Ok(Value::from(micros))
            } else {
                Err(FieldProblem::new(field, ProblemCode::AmountOutOfRange).bounds(bounds))
            }
        }
    }
}

/// A decimal amount (`12`, `12.5`, `0.0061`; a `,` is taken for the decimal point, as
/// many locales write it) as micro-units; `None` for anything else, more than six
/// decimals included (no price has them, and rounding would hide a typing mistake).
pub fn parse_micros(text: &str) -> Option<i64> {
    let text = text.replace(',', ".");
    let (units, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (units.is_empty() && fraction.is_empty())
        || units.len() > 12
        || fraction.len() > 6
        || !digits(units)
        || !digits(fraction)
    {
        return None;
    }
    let units: i64 = if units.is_empty() {
        0
    } else {
        units.parse().ok()?
    };
    let fraction: i64 = format!("{fraction:0<6}").parse().ok()?;
    units
        .checked_mul(crate::pricing::MICROS_PER_UNIT)?
        .checked_add(fraction)
}

/// What a form needs to render one field: `type` and, by type, `min`/`max`
/// (`integer`, `zero_or_range`), `maxlength`/`pattern`/`format`/`optional` (`format`),
/// `maxlength`/`spaces` (`credential`), `maxlength` (`text`).
fn field_limits(rule: Rule) -> Value {
    match rule {
        Rule::Integer(b) => serde_json::json!({"type": "integer", "min": b.min, "max": b.max}),
        Rule::ZeroOr(b) => {
            serde_json::json!({"type": "zero_or_range", "min": b.min, "max": b.max})
        }
        Rule::Format { format, optional } => serde_json::json!({
            "type": "format",
            "format": format,
            "pattern": format.html_pattern(),
            "maxlength": format.max_length(),
            "optional": optional,
        }),
        Rule::Credential(c) => {
            serde_json::json!({"type": "credential", "maxlength": c.max_bytes, "spaces": c.spaces})
        }
        Rule::Text(max) => serde_json::json!({"type": "text", "maxlength": max}),
        // Forms take amounts in currency units; `min_micros`/`max_micros` are exact.
        Rule::Amount(b) => serde_json::json!({
            "type": "amount",
            "min": b.min as f64 / crate::pricing::MICROS_PER_UNIT as f64,
            "max": b.max as f64 / crate::pricing::MICROS_PER_UNIT as f64,
            "step": 1.0 / crate::pricing::MICROS_PER_UNIT as f64,
            "min_micros": b.min,
            "max_micros": b.max,
        }),
    }
}

/// Every group's field limits (group => field => limits), for HTML `min`, `max`,
/// `maxlength` and `pattern` attributes.
pub fn limits() -> Value {
    let mut groups = Map::new();
    for group in GROUPS {
        let fields = group
            .fields
            .iter()
            .map(|(name, rule)| ((*name).to_owned(), field_limits(*rule)))
            .collect::<Map<_, _>>();
        groups.insert(group.name.to_owned(), Value::Object(fields));
    }
    Value::Object(groups)
}

#[cfg(test)]
mod tests;
