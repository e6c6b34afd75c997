//! The option arrays the plugin passes to the core, as typed inputs. Each is read with
//! serde (unknown keys refused, wrong types refused) and turned into the core's own
//! type by `validate()`, which applies the rulebook's bounds. The binding only
//! converts the PHP array to JSON and calls [`read`].

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::DAY_MINUTES;
use super::{
    BATCH_SIZE, Bounds, CONCURRENCY, CORE_MONTHLY_ALLOWANCE, COST_CAP_MICROS, FieldProblem, Format,
    MAX_AUTO_REPLY_CHARS, MAX_BRAND_CHARS, MAX_IMAGE_BYTES, MAX_STARTS_PER_HOUR,
    OFFLINE_EXPIRY_DAYS, OPEN_MINUTE, PACING_SECONDS, PAIRING_CODE_SECONDS, POLL_INTERVAL_MS,
    PRICE_MICROS, ProblemCode, QR_FIRST_SECONDS, QR_NEXT_SECONDS, RulesError, WEEKDAY,
    WINDOW_SECONDS,
};
use crate::log::{Filter, Level};
use crate::messaging::auto::{AutoReplies, DayHours, LocalTime};
use crate::pricing::{PricingCategory, RateCard};
use crate::{catalog, messaging, routing, session};

/// Reads `value` (the JSON of a PHP array named `what`) as `T`. An empty PHP array
/// arrives as an empty JSON list and reads as an empty object.
/// A list (a PHP array with other keys) is refused: options are named.
pub fn read<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, RulesError> {
    let value = match value {
        Value::Array(items) if items.is_empty() => Value::Object(Default::default()),
        Value::Array(_) => {
            return Err(RulesError::Malformed {
                what: what.to_owned(),
                detail: "expected an array with string keys, got a list".into(),
            });
        }
        other => other,
    };
    deserialize(what, value)
}

/// Reads `value` (the JSON of a PHP array named `what`) as a list of `T`; the keys of
/// a PHP array that is not a list are ignored, as `array_values()` would.
pub fn read_list<T: DeserializeOwned>(what: &str, value: Value) -> Result<Vec<T>, RulesError> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        _ => {
            return Err(RulesError::Malformed {
                what: what.to_owned(),
                detail: "expected a list".into(),
            });
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| read(&format!("{what} #{index}"), item))
        .collect()
}

fn deserialize<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, RulesError> {
    serde_json::from_value::<T>(value.clone()).map_err(|e| {
        let detail = e.to_string();
        let detail = match culprit::<T>(&value, &detail) {
            Some(key) => format!("{key}: {detail}"),
            None => detail,
        };
        RulesError::Malformed {
            what: what.to_owned(),
            detail,
        }
    })
}

/// The key of `value` that `error` is about, when serde does not say (a wrong type).
/// Keys are read in order and a wrong type stops the reading, so the culprit is the
/// last key of the shortest prefix of the object that already gives the same error.
/// Runs only on the error path, over the few keys an option array has.
fn culprit<T: DeserializeOwned>(value: &Value, error: &str) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    if !error.starts_with("invalid type") && !error.starts_with("invalid value") {
        return None;
    }
    let mut prefix = serde_json::Map::new();
    for (key, item) in map {
        prefix.insert(key.clone(), item.clone());
        if let Err(e) = serde_json::from_value::<T>(Value::Object(prefix.clone())) {
            if e.to_string() == error {
                return Some(key.clone());
            }
        }
    }
    None
}

fn ranged(what: &str, field: &str, bounds: Bounds, value: i64) -> Result<i64, RulesError> {
    bounds
        .check(field, value)
        .map_err(|problem| invalid(what, problem))
}

fn invalid(what: &str, problem: FieldProblem) -> RulesError {
    RulesError::Invalid {
        what: what.to_owned(),
        problem,
    }
}

/// The session policy (`session_status()` and friends).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// Session starts a vendor may make per hour.
    pub max_starts_per_hour: Option<i64>,
    /// Lifetime of the first QR code, seconds.
    pub qr_first_seconds: Option<i64>,
    /// Lifetime of each later QR code, seconds.
    pub qr_next_seconds: Option<i64>,
    /// How long a pairing code may be typed on the phone, seconds.
    pub pairing_code_seconds: Option<i64>,
    /// Days a linked device survives with the phone offline.
    pub offline_expiry_days: Option<i64>,
}

impl PolicyInput {
    /// The policy, defaults for what is unset.
    pub fn validate(&self) -> Result<session::Policy, RulesError> {
        const WHAT: &str = "policy";
        let mut policy = session::Policy::default();
        if let Some(n) = self.max_starts_per_hour {
            let n = ranged(WHAT, "max_starts_per_hour", MAX_STARTS_PER_HOUR, n)?;
            policy.max_starts_per_hour = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = self.qr_first_seconds {
            policy.qr_first_seconds = ranged(WHAT, "qr_first_seconds", QR_FIRST_SECONDS, n)?;
        }
        if let Some(n) = self.qr_next_seconds {
            policy.qr_next_seconds = ranged(WHAT, "qr_next_seconds", QR_NEXT_SECONDS, n)?;
        }
        if let Some(n) = self.pairing_code_seconds {
            policy.pairing_code_seconds =
                ranged(WHAT, "pairing_code_seconds", PAIRING_CODE_SECONDS, n)?;
        }
        if let Some(n) = self.offline_expiry_days {
            policy.offline_expiry_seconds =
                ranged(WHAT, "offline_expiry_days", OFFLINE_EXPIRY_DAYS, n)? * 86_400;
        }
        Ok(policy)
    }
}

/// The catalog rules and sync options (`catalog_prepare()`, `catalog_sync_*()`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogOptionsInput {
    /// ISO 4217 code of the shop's currency.
    pub currency: Option<String>,
    /// Largest image accepted, in bytes.
    pub max_image_bytes: Option<i64>,
    /// Brand of products without one (cut to [`MAX_BRAND_CHARS`]).
    pub default_brand: Option<String>,
    /// Items per batch call.
    pub batch_size: Option<i64>,
    /// Batch calls in flight at once.
    pub concurrency: Option<i64>,
    /// How often a batch's status is asked for.
    pub poll_interval_ms: Option<i64>,
}

impl CatalogOptionsInput {
    /// The rules and sync options, defaults for what is unset.
    pub fn validate(&self) -> Result<(catalog::Rules, catalog::sync::SyncOptions), RulesError> {
        const WHAT: &str = "catalog options";
        let mut rules = catalog::Rules::default();
        let mut options = catalog::sync::SyncOptions::default();
        if let Some(code) = &self.currency {
            if !Format::Currency.matches(code) {
                return Err(invalid(
                    WHAT,
                    FieldProblem::new("currency", ProblemCode::BadFormat).format(Format::Currency),
                ));
            }
            rules.currency = code.clone();
        }
        if let Some(n) = self.max_image_bytes {
            rules.max_image_bytes = ranged(WHAT, "max_image_bytes", MAX_IMAGE_BYTES, n)? as u64;
        }
        if let Some(brand) = &self.default_brand {
            rules.default_brand = brand.chars().take(MAX_BRAND_CHARS).collect();
        }
        if let Some(n) = self.batch_size {
            options.batch_size = ranged(WHAT, "batch_size", BATCH_SIZE, n)? as usize;
        }
        if let Some(n) = self.concurrency {
            options.concurrency = ranged(WHAT, "concurrency", CONCURRENCY, n)? as usize;
        }
        if let Some(n) = self.poll_interval_ms {
            options.poll_interval = Duration::from_millis(ranged(
                WHAT,
                "poll_interval_ms",
                POLL_INTERVAL_MS,
                n,
            )? as u64);
        }
        Ok((rules, options))
    }
}

/// The sending limits (`message_send()` and friends).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsInput {
    /// Messages the vendor may send per month.
    pub monthly_allowance: Option<i64>,
    /// Seconds between two messages to one customer.
    pub pacing_seconds: Option<i64>,
    /// What the vendor's messages may cost per month, micro-units of the rate card's
    /// currency; 0 or unset: no cap.
    pub cost_cap_micros: Option<i64>,
    /// The prices messages are counted at.
    pub rate_card: Option<RateCardInput>,
}

/// The admin's rate card (`limits['rate_card']`, `message_usage()`): the currency and
/// a price per message for each pricing category, in micro-units; a category left out
/// costs 0.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateCardInput {
    /// ISO 4217 code; `USD` when unset.
    pub currency: Option<String>,
    /// Category (`marketing`, `marketing_lite`, `utility`, `authentication`,
    /// `authentication_international`, `service`, `referral_conversion`) => price.
    #[serde(default)]
    pub prices: std::collections::BTreeMap<String, i64>,
}

impl RateCardInput {
    /// The rate card: a known currency format, known categories, prices in bounds.
    pub fn validate(&self) -> Result<RateCard, RulesError> {
        const WHAT: &str = "rate card";
        let mut card = RateCard::default();
        if let Some(code) = &self.currency {
            if !Format::Currency.matches(code) {
                return Err(invalid(
                    WHAT,
                    FieldProblem::new("currency", ProblemCode::BadFormat).format(Format::Currency),
                ));
            }
            card.currency = code.clone();
        }
        for (name, price) in &self.prices {
            let category = PricingCategory::parse(name).ok_or_else(|| RulesError::Malformed {
                what: WHAT.to_owned(),
                detail: format!(
                    "unknown pricing category {:?}; use one of: {}",
                    name.chars().take(40).collect::<String>(),
                    PricingCategory::ALL.map(PricingCategory::as_str).join(", ")
                ),
            })?;
            let price = ranged(WHAT, name, PRICE_MICROS, *price)?;
            card.prices.insert(category, price);
        }
        Ok(card)
    }
}

impl LimitsInput {
    /// The limits, defaults for what is unset.
    pub fn validate(&self) -> Result<messaging::Limits, RulesError> {
        const WHAT: &str = "limits";
        let mut limits = messaging::Limits::default();
        if let Some(n) = self.monthly_allowance {
            let n = ranged(WHAT, "monthly_allowance", CORE_MONTHLY_ALLOWANCE, n)?;
            limits.monthly_allowance = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = self.pacing_seconds {
            limits.pacing_seconds = ranged(WHAT, "pacing_seconds", PACING_SECONDS, n)?;
        }
        if let Some(n) = self.cost_cap_micros {
            // 0 is "no cap", as the settings field says: a vendor who may send nothing
            // has a monthly allowance of 0.
            let n = ranged(WHAT, "cost_cap_micros", COST_CAP_MICROS, n)?;
            limits.cost_cap_micros = (n > 0).then_some(n);
        }
        if let Some(card) = &self.rate_card {
            limits.rate_card = card.validate()?;
        }
        Ok(limits)
    }
}

/// Who gets a message no rule routes: `team`, `menu`, or a vendor id.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FallbackInput {
    /// A vendor id.
    Vendor(i64),
    /// `team` or `menu`.
    Named(String),
}

/// The routing settings (`cloud_webhook()`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingInput {
    /// How long a conversation keeps routing a customer to its vendor.
    pub window_seconds: Option<i64>,
    /// The fallback.
    pub fallback: Option<FallbackInput>,
    /// The admin's opt-out words, comma-separated (default STOP).
    pub opt_out_words: Option<String>,
    /// The admin's opt-in words, comma-separated (default YES, START).
    pub opt_in_words: Option<String>,
    /// The business numbers that each belong to one vendor (model 2).
    pub vendor_numbers: Option<Vec<VendorNumberInput>>,
}

/// A business number that belongs to one vendor.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorNumberInput {
    /// The number's `phone_number_id`.
    pub phone_number_id: String,
    /// The vendor it belongs to.
    pub vendor_id: i64,
}

/// Most business numbers the routing settings may name (a marketplace's vendors).
const MAX_VENDOR_NUMBERS: usize = 100_000;

impl RoutingInput {
    /// The routing config, defaults for what is unset.
    pub fn validate(&self) -> Result<routing::RoutingConfig, RulesError> {
        const WHAT: &str = "routing";
        let mut config = routing::RoutingConfig::default();
        if let Some(n) = self.window_seconds {
            config.window_seconds = ranged(WHAT, "window_seconds", WINDOW_SECONDS, n)?;
        }
        config.consent_words = crate::consent::Words::parse(
            self.opt_out_words.as_deref().unwrap_or_default(),
            self.opt_in_words.as_deref().unwrap_or_default(),
        );
        if let Some(numbers) = &self.vendor_numbers {
            let malformed = |detail: String| RulesError::Malformed {
                what: WHAT.into(),
                detail,
            };
            if numbers.len() > MAX_VENDOR_NUMBERS {
                return Err(malformed(format!(
                    "vendor_numbers names more than {MAX_VENDOR_NUMBERS} numbers"
                )));
            }
            for VendorNumberInput {
                phone_number_id: number,
                vendor_id,
            } in numbers
            {
                let vendor_id = *vendor_id;
                let digits = !number.is_empty()
                    && number.len() <= 32
                    && number.bytes().all(|b| b.is_ascii_digit());
                if !digits || vendor_id <= 0 {
                    return Err(malformed(
                        "vendor_numbers maps phone number ids (digits) to vendor ids (positive)"
                            .into(),
                    ));
                }
                config
                    .vendor_numbers
                    .insert(number.clone(), vendor_id as u64);
            }
        }
        if let Some(fallback) = &self.fallback {
            config.fallback = match fallback {
                FallbackInput::Named(name) if name == "team" => routing::Fallback::MarketplaceTeam,
                FallbackInput::Named(name) if name == "menu" => routing::Fallback::Menu,
                FallbackInput::Vendor(id) if *id > 0 => {
                    routing::Fallback::DefaultVendor(*id as u64)
                }
                _ => {
                    return Err(RulesError::Malformed {
                        what: WHAT.into(),
                        detail: "fallback must be 'team', 'menu' or a vendor id".into(),
                    });
                }
            };
        }
        Ok(config)
    }
}

/// An activity-log filter (`log_query()`, `log_export_csv()`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogFilterInput {
    /// Only this vendor's entries (0: site-wide ones).
    pub vendor_id: Option<i64>,
    /// Only this level.
    pub level: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<i64>,
    /// Only entries at or before this time.
    pub until: Option<i64>,
    /// Page size (the log checks its range).
    pub limit: Option<i64>,
    /// Entries to skip.
    pub offset: Option<i64>,
}

impl LogFilterInput {
    /// The filter.
    pub fn validate(&self) -> Result<Filter, RulesError> {
        const WHAT: &str = "filter";
        let non_negative = |field: &str, n: i64| {
            u64::try_from(n).map_err(|_| {
                invalid(
                    WHAT,
                    FieldProblem::new(field, ProblemCode::OutOfRange)
                        .bounds(Bounds::new(0, i64::MAX)),
                )
            })
        };
        Ok(Filter {
            vendor_id: self
                .vendor_id
                .map(|n| non_negative("vendor_id", n))
                .transpose()?,
            level: self
                .level
                .as_deref()
                .map(Level::parse)
                .transpose()
                .map_err(|e| RulesError::Malformed {
                    what: WHAT.into(),
                    detail: e.to_string(),
                })?,
            kind: self.kind.clone(),
            since: self.since,
            until: self.until,
            limit: self
                .limit
                .map(|n| {
                    u32::try_from(n).map_err(|_| {
                        invalid(
                            WHAT,
                            FieldProblem::new("limit", ProblemCode::OutOfRange)
                                .bounds(Bounds::new(1, i64::from(crate::log::MAX_PAGE_SIZE))),
                        )
                    })
                })
                .transpose()?,
            offset: match self.offset {
                Some(n) => u32::try_from(n).map_err(|_| {
                    invalid(
                        WHAT,
                        FieldProblem::new("offset", ProblemCode::OutOfRange)
                            .bounds(Bounds::new(0, i64::from(u32::MAX))),
                    )
                })?,
                None => 0,
            },
        })
    }
}

/// A session gateway connection as the plugin resolves it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayInput {
    /// The connection's id (for the plugin's own bookkeeping).
    pub id: Option<String>,
    /// The gateway's base URL.
    pub url: String,
    /// Its API key, in clear.
    pub api_key: String,
    /// Where the gateway posts its webhooks.
    pub webhook_url: Option<String>,
    /// The HMAC key of those webhooks.
    pub webhook_key: Option<String>,
    /// Prefix of the gateway's session names.
    #[serde(default)]
    pub name_prefix: String,
}

/// Shortest webhook HMAC key a gateway is given.
pub const MIN_WEBHOOK_KEY: usize = 16;

impl GatewayInput {
    /// The webhook target, which starting a session needs.
    pub fn webhook(&self) -> Result<crate::gateway::WebhookTarget, RulesError> {
        match (&self.webhook_url, &self.webhook_key) {
            (Some(url), Some(key)) if !url.is_empty() && key.len() >= MIN_WEBHOOK_KEY => {
                Ok(crate::gateway::WebhookTarget {
                    url: url.clone(),
                    hmac_key: key.clone(),
                })
            }
            _ => Err(RulesError::Malformed {
                what: "gateway".into(),
                detail: format!(
                    "the connection needs a webhook_url and a webhook_key of at least {MIN_WEBHOOK_KEY} characters"
                ),
            }),
        }
    }
}

/// A Cloud API connection as the plugin resolves it: one shape for catalog sync,
/// sending and the connection test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudInput {
    /// The Graph API (or sandbox) base URL.
    pub url: String,
    /// The Graph API version (empty: the default).
    #[serde(default)]
    pub version: String,
    /// The access token, in clear.
    pub token: String,
    /// The catalog synced to.
    #[serde(default)]
    pub catalog_id: String,
    /// The number messages are sent from.
    #[serde(default)]
    pub phone_number_id: String,
    /// The WhatsApp Business account.
    #[serde(default)]
    pub waba_id: String,
}

impl CloudInput {
    /// The catalog id, which catalog sync needs.
    pub fn catalog_id(&self) -> Result<&str, RulesError> {
        self.id("catalog_id", &self.catalog_id)
    }

    /// The phone number id, which sending needs.
    pub fn phone_number_id(&self) -> Result<&str, RulesError> {
        self.id("phone_number_id", &self.phone_number_id)
    }

    /// The WhatsApp Business account id, which template listing needs.
    pub fn waba_id(&self) -> Result<&str, RulesError> {
        self.id("waba_id", &self.waba_id)
    }

    fn id<'a>(&self, field: &str, value: &'a str) -> Result<&'a str, RulesError> {
        if value.is_empty() {
            return Err(invalid(
                "connection",
                FieldProblem::new(field, ProblemCode::Missing),
            ));
        }
        if !Format::NumericId.matches(value) {
            return Err(invalid(
                "connection",
                FieldProblem::new(field, ProblemCode::BadFormat).format(Format::NumericId),
            ));
        }
        Ok(value)
    }
}

/// One vendor of the routing directory, as the plugin lists them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorInput {
    /// The vendor's user id.
    pub vendor_id: i64,
    /// The code the vendor chose, or empty.
    #[serde(default)]
    pub code: String,
    /// The store name as the marketplace answers it.
    #[serde(default)]
    pub store_name: String,
}

/// The vendor directory (`cloud_webhook()`, `vendor_directory()`, the vendor menu).
pub fn vendor_directory(vendors: &[VendorInput]) -> Result<Vec<routing::VendorEntry>, RulesError> {
    Ok(routing::directory(&vendor_listings(vendors)?))
}

/// The vendors as listed, checked (`vendor_directory_store()` keeps these).
pub fn vendor_listings(vendors: &[VendorInput]) -> Result<Vec<routing::VendorListing>, RulesError> {
    vendors
        .iter()
        .enumerate()
        .map(|(index, v)| {
            if v.vendor_id <= 0 {
                return Err(invalid(
                    &format!("vendor #{index}"),
                    FieldProblem::new("vendor_id", ProblemCode::OutOfRange)
                        .bounds(Bounds::new(1, i64::MAX)),
                ));
            }
            Ok(routing::VendorListing {
                vendor_id: v.vendor_id as u64,
                chosen_code: v.code.clone(),
                store_name: v.store_name.clone(),
            })
        })
        .collect()
}

/// One day's opening hours: `HH:MM` to `HH:MM`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// Opening time.
    pub open: String,
    /// Closing time (`24:00` is midnight at the end of the day).
    pub close: String,
}

/// `HH:MM` as minutes since midnight, `24:00` included.
pub fn clock_minute(value: &str) -> Option<u16> {
    let (h, m) = value.trim().split_once(':')?;
    if h.is_empty() || m.is_empty() || h.len() > 2 || m.len() > 2 {
        return None;
    }
    let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
    (m < 60 && h * 60 + m <= DAY_MINUTES).then_some(h * 60 + m)
}

/// The automatic replies (`message_auto_reply()`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRepliesInput {
    /// The acknowledgement; empty or null is off.
    pub acknowledgement: Option<String>,
    /// The away message; empty or null is off.
    pub away_message: Option<String>,
    /// Null (always open) or seven days, Monday first, each null (closed) or hours.
    pub hours: Option<Vec<Option<DayInput>>>,
}

impl AutoRepliesInput {
    /// The replies.
    pub fn validate(&self) -> Result<AutoReplies, RulesError> {
        const WHAT: &str = "replies";
        for (field, text) in [
            ("acknowledgement", &self.acknowledgement),
            ("away_message", &self.away_message),
        ] {
            if text
                .as_deref()
                .is_some_and(|t| t.chars().count() > MAX_AUTO_REPLY_CHARS)
            {
                return Err(invalid(
                    WHAT,
                    FieldProblem::new(field, ProblemCode::TooLong).max_length(MAX_AUTO_REPLY_CHARS),
                ));
            }
        }
        let text = |t: &Option<String>| t.clone().filter(|s| !s.trim().is_empty());
        let hours = match &self.hours {
            None => None,
            Some(days) if days.len() != WEEKDAY.max as usize + 1 => {
                return Err(RulesError::Malformed {
                    what: WHAT.into(),
                    detail: "hours must be null or seven days, Monday first".into(),
                });
            }
            Some(days) => {
                let mut week = [None; 7];
                for (slot, day) in week.iter_mut().zip(days) {
                    let Some(day) = day else { continue };
                    let minute = |field: &str, value: &str| {
                        clock_minute(value).ok_or_else(|| RulesError::Malformed {
                            what: WHAT.into(),
                            detail: format!("{field} must be a time like 09:30"),
                        })
                    };
                    *slot = Some(DayHours {
                        open: minute("open", &day.open)?.min(DAY_MINUTES - 1),
                        close: minute("close", &day.close)?,
                    });
                }
                Some(week)
            }
        };
        Ok(AutoReplies {
            acknowledgement: text(&self.acknowledgement),
            hours,
            away_message: text(&self.away_message),
        })
    }
}

/// The site's local time (`message_auto_reply()`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalTimeInput {
    /// 0 (Monday) to 6.
    pub weekday: i64,
    /// 0 to 1439.
    pub minute: i64,
}

impl LocalTimeInput {
    /// The local time.
    pub fn validate(&self) -> Result<LocalTime, RulesError> {
        const WHAT: &str = "local_time";
        let weekday = ranged(WHAT, "weekday", WEEKDAY, self.weekday)?;
        let minute = ranged(WHAT, "minute", OPEN_MINUTE, self.minute)?;
        Ok(LocalTime {
            weekday: weekday as u8,
            minute: minute as u16,
        })
    }
}

/// One section of a product list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    /// The section's title.
    #[serde(default)]
    pub title: String,
    /// Its products.
    pub retailer_ids: Vec<String>,
}

/// A message to send (`message_send()`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OutboundInput {
    /// Free-form text.
    Text {
        /// The text.
        body: String,
    },
    /// An approved template.
    Template {
        /// Its name.
        name: String,
        /// Its language.
        language: String,
        /// Its components, as the Cloud API takes them.
        #[serde(default)]
        components: Value,
    },
    /// One product.
    Product {
        /// The catalog.
        catalog_id: String,
        /// The product.
        retailer_id: String,
        /// The message.
        body: String,
    },
    /// A list of products.
    ProductList {
        /// The catalog.
        catalog_id: String,
        /// The header.
        header: String,
        /// The message.
        body: String,
        /// The sections.
        sections: Vec<SectionInput>,
    },
}

impl From<OutboundInput> for messaging::Outbound {
    fn from(input: OutboundInput) -> Self {
        match input {
            OutboundInput::Text { body } => messaging::Outbound::Text(body),
            OutboundInput::Template {
                name,
                language,
                components,
            } => messaging::Outbound::Template {
                name,
                language,
                components,
            },
            OutboundInput::Product {
                catalog_id,
                retailer_id,
                body,
            } => messaging::Outbound::Product {
                catalog_id,
                retailer_id,
                body,
            },
            OutboundInput::ProductList {
                catalog_id,
                header,
                body,
                sections,
            } => messaging::Outbound::ProductList {
                catalog_id,
                header,
                body,
                sections: sections
                    .into_iter()
                    .map(|s| (s.title, s.retailer_ids))
                    .collect(),
            },
        }
    }
}

/// The WordPress database as the plugin reads it from `DB_*` (for the MariaDB store).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseInput {
    /// `DB_HOST` as written in wp-config.php, in any form `wpdb` accepts:
    /// `host`, `host:port`, `host:/socket`, `:/socket`, `[::1]`, `[::1]:port`.
    #[serde(default = "default_database_host")]
    pub host: String,
    /// TCP port, when not part of `host`.
    #[serde(default)]
    pub port: Option<u16>,
    /// Unix socket path, used instead of host and port.
    #[serde(default)]
    pub socket: Option<String>,
    /// PHP's `mysqli.default_socket`: where mysqli reaches a bare `localhost`.
    #[serde(default)]
    pub default_socket: Option<String>,
    /// `DB_USER`.
    pub user: String,
    /// `DB_PASSWORD`.
    #[serde(default)]
    pub password: String,
    /// `DB_NAME`.
    pub database: String,
    /// The site's table prefix.
    #[serde(default)]
    pub prefix: String,
    /// TLS (`MYSQL_CLIENT_FLAGS` with `MYSQLI_CLIENT_SSL`).
    #[serde(default)]
    pub ssl: bool,
    /// CA certificate for TLS (`MYSQL_SSL_CA`).
    #[serde(default)]
    pub ssl_ca: Option<String>,
    /// Verify the server's certificate.
    #[serde(default = "default_true")]
    pub ssl_verify: bool,
}

fn default_database_host() -> String {
    "localhost".into()
}

fn default_true() -> bool {
    true
}

impl DatabaseInput {
    /// The store's connection options; checked when the store opens.
    pub fn into_options(self) -> crate::store::DatabaseOptions {
        let parsed = DbHost::parse(&self.host);
        let port = self.port.or(parsed.port);
        let mut socket = self
            .socket
            .filter(|s| !s.is_empty())
            .or(parsed.socket.map(str::to_owned));
        // mysqli reaches a bare "localhost" through its default socket, where
        // the database user may be allowed by socket authentication only.
        if socket.is_none() && port.is_none() && parsed.host == "localhost" {
            socket = self.default_socket.filter(|s| !s.is_empty());
        }
        crate::store::DatabaseOptions {
            host: parsed.host.to_owned(),
            port: port.unwrap_or(3306),
            socket,
            user: self.user,
            password: self.password,
            database: self.database,
            prefix: self.prefix,
            ssl: self.ssl,
            ssl_ca: self.ssl_ca.filter(|s| !s.is_empty()),
            ssl_verify: self.ssl_verify,
        }
    }
}

/// `DB_HOST` split the way `wpdb::parse_db_host()` splits it.
#[derive(Debug, PartialEq, Eq)]
struct DbHost<'a> {
    host: &'a str,
    port: Option<u16>,
    socket: Option<&'a str>,
}

impl<'a> DbHost<'a> {
    fn parse(db_host: &'a str) -> Self {
        let db_host = db_host.trim();
        let (rest, socket) = match db_host.find(":/") {
            Some(at) => (&db_host[..at], Some(&db_host[at + 1..])),
            None => (db_host, None),
        };
        let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
            match bracketed.split_once(']') {
                Some((address, tail)) => (address, tail.strip_prefix(':').and_then(parse_port)),
                None => (rest, None),
            }
        } else {
            match rest.split_once(':') {
                // One colon: host and port; more would be a bare IPv6 address.
                Some((name, port)) if !port.contains(':') => match parse_port(port) {
                    Some(port) => (name, Some(port)),
                    None => (rest, None),
                },
                _ => (rest, None),
            }
        };
        DbHost {
            host: if host.is_empty() { "localhost" } else { host },
            port,
            socket,
        }
    }
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|port| *port > 0)
}

#[cfg(test)]
mod tests {
    use super::{DatabaseInput, DbHost};

    fn host<'a>(host: &'a str, port: Option<u16>, socket: Option<&'a str>) -> DbHost<'a> {
        DbHost { host, port, socket }
    }

    #[test]
    fn db_host_is_split_in_every_form_wordpress_accepts() {
        let cases = [
            ("localhost", host("localhost", None, None)),
            (
                "db.example.com:3307",
                host("db.example.com", Some(3307), None),
            ),
            (
                "localhost:/run/mysqld/mysqld.sock",
                host("localhost", None, Some("/run/mysqld/mysqld.sock")),
            ),
            (
                ":/tmp/mysql.sock",
                host("localhost", None, Some("/tmp/mysql.sock")),
            ),
            ("[::1]", host("::1", None, None)),
            ("[::1]:3308", host("::1", Some(3308), None)),
            (
                "10.0.0.5:3306:/x.sock",
                host("10.0.0.5", Some(3306), Some("/x.sock")),
            ),
            (" 127.0.0.1:3311 ", host("127.0.0.1", Some(3311), None)),
        ];
        for (input, expected) in cases {
            assert_eq!(DbHost::parse(input), expected, "{input}");
        }
    }

    #[test]
    fn a_port_that_is_not_a_port_stays_in_the_host_so_the_connection_names_it() {
        assert_eq!(DbHost::parse("db:99999"), host("db:99999", None, None));
        assert_eq!(DbHost::parse("db:0"), host("db:0", None, None));
        assert_eq!(DbHost::parse("db:abc"), host("db:abc", None, None));
    }

    fn input(db_host: &str, default_socket: Option<&str>) -> DatabaseInput {
        DatabaseInput {
            host: db_host.into(),
            port: None,
            socket: None,
            default_socket: default_socket.map(str::to_owned),
            user: "wp".into(),
            password: "secret".into(),
            database: "wordpress".into(),
            prefix: "wp_".into(),
            ssl: false,
            ssl_ca: None,
            ssl_verify: true,
        }
    }

    #[test]
    fn bare_localhost_uses_the_default_socket_like_mysqli() {
        let options = input("localhost", Some("/run/mysqld/mysqld.sock")).into_options();
        assert_eq!(options.socket.as_deref(), Some("/run/mysqld/mysqld.sock"));

        let with_port = input("localhost:3307", Some("/run/mysqld/mysqld.sock")).into_options();
        assert_eq!((with_port.socket, with_port.port), (None, 3307));

        let remote = input("db.internal", Some("/run/mysqld/mysqld.sock")).into_options();
        assert_eq!(
            (remote.host.as_str(), remote.socket, remote.port),
            ("db.internal", None, 3306)
        );
    }
}
