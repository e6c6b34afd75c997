//! The sandbox's runtime knobs: timings of the QR session lifecycle, webhook delivery
//! behaviour, the Cloud API's catalog (processing time, batch rate limit) and failure
//! injection on both sides. Set at start-up by CLI flags, changed at run time
//! through `PUT /sandbox/config`, restored by `POST /sandbox/reset`.

use serde::Serialize;
use serde_json::{Map, Value};

/// How the gateway side (`/api/*`) misbehaves on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum FailMode {
    /// Behave.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Close every connection without an answer, like a dead gateway behind a proxy.
    #[serde(rename = "down")]
    Down,
    /// Answer 500 `Internal server error`.
    #[serde(rename = "5xx")]
    ServerError,
    /// Answer 401 whatever the API key.
    #[serde(rename = "unauthorized")]
    Unauthorized,
}

impl FailMode {
    /// Parses a mode by its configuration name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "down" => Self::Down,
            "5xx" => Self::ServerError,
            "unauthorized" => Self::Unauthorized,
            _ => return None,
        })
    }
}

/// How the Cloud API side (`/{version}/*`) misbehaves on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum CloudFailMode {
    /// Behave.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Answer 500 with Graph's transient code 2.
    #[serde(rename = "5xx")]
    ServerError,
    /// Answer 401 with code 190 "Session has expired", whatever the token.
    #[serde(rename = "token_expired")]
    TokenExpired,
    /// Refuse every `items_batch` call with 80014, as if the catalog's window were used up.
    #[serde(rename = "rate_limited")]
    RateLimited,
    /// Refuse every call with code 4 (application request limit).
    #[serde(rename = "app_rate_limited")]
    AppRateLimited,
}

impl CloudFailMode {
    /// Parses a mode by its configuration name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "5xx" => Self::ServerError,
            "token_expired" => Self::TokenExpired,
            "rate_limited" => Self::RateLimited,
            "app_rate_limited" => Self::AppRateLimited,
            _ => return None,
        })
    }
}

/// How the Cloud API's send endpoint (`/{version}/{phone_number_id}/messages`)
/// misbehaves on purpose, on top of `cloud_fail_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum MessagesFailMode {
    /// Behave.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Refuse every send with 131048 (spam rate limit).
    #[serde(rename = "spam_limit")]
    SpamLimit,
    /// Refuse every send with 190 "Session has expired".
    #[serde(rename = "token_expired")]
    TokenExpired,
    /// Answer every send 500 with 131000 "Something went wrong".
    #[serde(rename = "5xx")]
    ServerError,
}

impl MessagesFailMode {
    /// Parses a mode by its configuration name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "spam_limit" => Self::SpamLimit,
            "token_expired" => Self::TokenExpired,
            "5xx" => Self::ServerError,
            _ => return None,
        })
    }
}

/// Everything that can be tuned. Field names are the JSON keys of `/sandbox/config`;
/// the CLI flags are the same names in kebab case (`--qr-first-ms`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxConfig {
    /// The `X-Api-Key` every `/api/*` request must carry.
    pub api_key: String,
    /// How long a session stays STARTING before it shows a QR code (or, if already
    /// linked, goes WORKING).
    pub starting_ms: u64,
    /// Lifetime of the first QR code (WhatsApp: about 60 s).
    pub qr_first_ms: u64,
    /// Lifetime of each later QR code (WhatsApp: about 20 s).
    pub qr_next_ms: u64,
    /// How many QR codes are shown before the session gives up and goes FAILED.
    pub qr_count: u32,
    /// How long a pairing code can be typed on the phone.
    pub pairing_code_ms: u64,
    /// Added to every `/api/*` response.
    pub latency_ms: u64,
    /// Failure injection on `/api/*`.
    pub fail_mode: FailMode,
    /// Added before each webhook delivery attempt.
    pub webhook_latency_ms: u64,
    /// Deliver every webhook twice (same event id), as at-least-once delivery may.
    pub webhook_duplicate: bool,
    /// Hold each webhook back and deliver it after the session's next one.
    pub webhook_reorder: bool,
    /// How long a held-back webhook waits for a successor before it goes out anyway,
    /// so reordering never turns into loss.
    pub webhook_reorder_hold_ms: u64,
    /// Retries after a failed delivery (non-2xx or transport error); 2 means 3 tries.
    pub webhook_retries: u32,
    /// Delay before the first retry; each further retry doubles it.
    pub webhook_retry_ms: u64,
    /// The Cloud API access tokens accepted as `Authorization: Bearer`: one token, or
    /// several separated by commas.
    pub cloud_token: String,
    /// Added to every Cloud API (`/{version}/*`) response.
    pub cloud_latency_ms: u64,
    /// Failure injection on the Cloud API.
    pub cloud_fail_mode: CloudFailMode,
    /// How long an `items_batch` batch stays `started` before it is applied and
    /// `finished`.
    pub batch_processing_ms: u64,
    /// `items_batch` calls admitted per catalog per window; 0 turns the limit off.
    pub catalog_batch_limit: u32,
    /// The length of the per-catalog rate-limit window.
    pub catalog_window_ms: u64,
    /// Messages admitted per business number per second (error 130429 beyond);
    /// 0 turns the limit off.
    pub messages_per_second: u32,
    /// Least time between two messages to the same customer (error 131056 sooner);
    /// 0 turns the limit off.
    pub pair_interval_ms: u64,
    /// Failure injection on the send endpoint.
    pub messages_fail_mode: MessagesFailMode,
    /// Delays before the `sent`, `delivered` and `read` statuses of an accepted
    /// message, each after the previous one (`sent` after the acceptance).
    pub status_delays_ms: [u64; 3],
    /// Whether the customer reads every message (`read` after `delivered`).
    pub auto_read: bool,
    /// Where Cloud API webhooks (customer messages, statuses) go; a loopback http(s)
    /// URL, or empty for nowhere.
    pub cloud_webhook_url: String,
    /// The app secret that signs Cloud API webhooks (`X-Hub-Signature-256`).
    pub cloud_app_secret: String,
    /// The business number's id, in injected messages' `metadata`.
    pub phone_number_id: String,
    /// The business number as displayed, in every webhook's `metadata`.
    pub display_phone_number: String,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            api_key: "sandbox-key".into(),
            starting_ms: 500,
            qr_first_ms: 60_000,
            qr_next_ms: 20_000,
            qr_count: 6,
            pairing_code_ms: 180_000,
            latency_ms: 0,
            fail_mode: FailMode::None,
            webhook_latency_ms: 0,
            webhook_duplicate: false,
            webhook_reorder: false,
            webhook_reorder_hold_ms: 2_000,
            webhook_retries: 2,
            webhook_retry_ms: 1_000,
            cloud_token: "sandbox-token".into(),
            cloud_latency_ms: 0,
            cloud_fail_mode: CloudFailMode::None,
            batch_processing_ms: 200,
            catalog_batch_limit: 20,
            catalog_window_ms: 1_000,
            messages_per_second: 80,
            pair_interval_ms: 6_000,
            messages_fail_mode: MessagesFailMode::None,
            status_delays_ms: [100, 400, 1_500],
            auto_read: true,
            cloud_webhook_url: String::new(),
            cloud_app_secret: "sandbox-app-secret".into(),
            phone_number_id: "100000000000001".into(),
            display_phone_number: "15550100001".into(),
        }
    }
}

/// An hour bounds every duration: a larger value is a typo, and would park a test.
const MAX_MS: u64 = 3_600_000;
const MAX_QR_COUNT: u64 = 100;
const MAX_RETRIES: u64 = 10;
const MAX_BATCH_LIMIT: u64 = 1_000_000;

impl SandboxConfig {
    /// The JSON shape served by `GET /sandbox/config`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Applies a partial update. All-or-nothing: on any bad key or value nothing
    /// changes, so a test never runs against a half-applied configuration.
    pub fn apply_json(&mut self, update: &Map<String, Value>) -> Result<(), String> {
        let mut next = self.clone();
        for (key, value) in update {
            next.set(key, value)?;
        }
        *self = next;
        Ok(())
    }

    /// Sets one key from its command-line spelling (`--qr-first-ms 100`).
    pub fn set_from_flag(&mut self, flag: &str, raw: &str) -> Result<(), String> {
        let key = flag.trim_start_matches("--").replace('-', "_");
        // Flags arrive as text; give each key the JSON type it expects.
        let value = match key.as_str() {
            "api_key"
            | "fail_mode"
            | "cloud_token"
            | "cloud_fail_mode"
            | "messages_fail_mode"
            | "cloud_webhook_url"
            | "cloud_app_secret"
            | "phone_number_id"
            | "display_phone_number"
            | "status_delays_ms" => Value::String(raw.to_owned()),
            _ => serde_json::from_str(raw)
                .map_err(|_| format!("{flag} takes a number or true/false, not {raw:?}"))?,
        };
        self.set(&key, &value)
    }

    /// Whether `flag` (e.g. `--webhook-duplicate`) names a boolean key, which may be
    /// given without a value on the command line.
    pub fn is_bool_flag(flag: &str) -> bool {
        matches!(
            flag.trim_start_matches("--"),
            "webhook-duplicate" | "webhook-reorder" | "auto-read"
        )
    }

    fn set(&mut self, key: &str, value: &Value) -> Result<(), String> {
        match key {
            "api_key" => {
                let key = value
                    .as_str()
                    .filter(|k| !k.is_empty() && !k.chars().any(char::is_control))
                    .ok_or("api_key must be a non-empty string")?;
                self.api_key = key.to_owned();
            }
            "starting_ms" => self.starting_ms = ms(key, value)?,
            "qr_first_ms" => self.qr_first_ms = ms(key, value)?,
            "qr_next_ms" => self.qr_next_ms = ms(key, value)?,
            "qr_count" => self.qr_count = int(key, value, 1, MAX_QR_COUNT)? as u32,
            "pairing_code_ms" => self.pairing_code_ms = ms(key, value)?,
            "latency_ms" => self.latency_ms = ms(key, value)?,
            "fail_mode" => {
                self.fail_mode = value
                    .as_str()
                    .and_then(FailMode::parse)
                    .ok_or("fail_mode must be one of none, down, 5xx, unauthorized")?;
            }
            "webhook_latency_ms" => self.webhook_latency_ms = ms(key, value)?,
            "webhook_duplicate" => self.webhook_duplicate = boolean(key, value)?,
            "webhook_reorder" => self.webhook_reorder = boolean(key, value)?,
            "webhook_reorder_hold_ms" => self.webhook_reorder_hold_ms = ms(key, value)?,
            "webhook_retries" => self.webhook_retries = int(key, value, 0, MAX_RETRIES)? as u32,
            "webhook_retry_ms" => self.webhook_retry_ms = ms(key, value)?,
            "cloud_token" => {
                let tokens = value
                    .as_str()
                    .filter(|t| {
                        !t.chars().any(char::is_control)
                            && t.split(',').all(|one| !one.trim().is_empty())
                    })
                    .ok_or(
                        "cloud_token must be a non-empty token, or several separated by commas",
                    )?;
                self.cloud_token = tokens.to_owned();
            }
            "cloud_latency_ms" => self.cloud_latency_ms = ms(key, value)?,
            "cloud_fail_mode" => {
                self.cloud_fail_mode = value
                    .as_str()
                    .and_then(CloudFailMode::parse)
                    .ok_or(
                        "cloud_fail_mode must be one of none, 5xx, token_expired, rate_limited, app_rate_limited",
                    )?;
            }
            "batch_processing_ms" => self.batch_processing_ms = ms(key, value)?,
            "catalog_batch_limit" => {
                self.catalog_batch_limit = int(key, value, 0, MAX_BATCH_LIMIT)? as u32;
            }
            "catalog_window_ms" => self.catalog_window_ms = int(key, value, 1, MAX_MS)?,
            "messages_per_second" => {
                self.messages_per_second = int(key, value, 0, MAX_BATCH_LIMIT)? as u32;
            }
            "pair_interval_ms" => self.pair_interval_ms = ms(key, value)?,
            "messages_fail_mode" => {
                self.messages_fail_mode = value.as_str().and_then(MessagesFailMode::parse).ok_or(
                    "messages_fail_mode must be one of none, spam_limit, token_expired, 5xx",
                )?;
            }
            "status_delays_ms" => self.status_delays_ms = delays(key, value)?,
            "auto_read" => self.auto_read = boolean(key, value)?,
            "cloud_webhook_url" => {
                let url = value
                    .as_str()
                    .ok_or("cloud_webhook_url must be a string (empty for none)")?;
                if !url.is_empty() {
                    super::webhooks::check_loopback_url(url)?;
                }
                self.cloud_webhook_url = url.to_owned();
            }
            "cloud_app_secret" => {
                let secret = value
                    .as_str()
                    .filter(|s| !s.is_empty() && !s.chars().any(char::is_control))
                    .ok_or("cloud_app_secret must be a non-empty string")?;
                self.cloud_app_secret = secret.to_owned();
            }
            "phone_number_id" => {
                let id = value
                    .as_str()
                    .filter(|id| {
                        (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
                    })
                    .ok_or("phone_number_id must be a string of 1 to 32 digits")?;
                self.phone_number_id = id.to_owned();
            }
            "display_phone_number" => {
                let number = value
                    .as_str()
                    .filter(|n| {
                        !n.is_empty()
                            && n.chars().all(|c| {
                                c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')')
                            })
                    })
                    .ok_or("display_phone_number must be a phone number")?;
                self.display_phone_number = number.to_owned();
            }
            other => return Err(format!("unknown sandbox setting {other:?}")),
        }
        Ok(())
    }
}

fn ms(key: &str, value: &Value) -> Result<u64, String> {
    int(key, value, 0, MAX_MS)
}

fn int(key: &str, value: &Value, min: u64, max: u64) -> Result<u64, String> {
    value
        .as_u64()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("{key} must be an integer from {min} to {max}"))
}

/// Three delays: a JSON array of integers, or (from the command line) a string of
/// three comma-separated integers.
fn delays(key: &str, value: &Value) -> Result<[u64; 3], String> {
    let error =
        || format!("{key} must be three integers from 0 to {MAX_MS}, like [100, 400, 1500]");
    let parts: Vec<Value> = match value {
        Value::Array(items) => items.clone(),
        Value::String(text) => text
            .split(',')
            .map(|p| {
                p.trim()
                    .parse::<u64>()
                    .map(Value::from)
                    .map_err(|_| error())
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(error()),
    };
    let values: Vec<u64> = parts
        .iter()
        .map(|p| p.as_u64().filter(|n| *n <= MAX_MS).ok_or_else(error))
        .collect::<Result<_, _>>()?;
    values.try_into().map_err(|_| error())
}

fn boolean(key: &str, value: &Value) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("{key} must be true or false"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_updates_are_all_or_nothing() {
        let mut config = SandboxConfig::default();
        let good = json!({"qr_first_ms": 100, "fail_mode": "5xx", "webhook_duplicate": true});
        config.apply_json(good.as_object().unwrap()).unwrap();
        assert_eq!(config.qr_first_ms, 100);
        assert_eq!(config.fail_mode, FailMode::ServerError);
        assert!(config.webhook_duplicate);

        let bad = json!({"qr_next_ms": 5, "qr_count": 0});
        assert!(config.apply_json(bad.as_object().unwrap()).is_err());
        assert_eq!(config.qr_next_ms, 20_000, "nothing applied");
        let unknown = json!({"qr_frist_ms": 5});
        assert!(config.apply_json(unknown.as_object().unwrap()).is_err());
    }

    #[test]
    fn flags_map_to_keys() {
        let mut config = SandboxConfig::default();
        config.set_from_flag("--qr-first-ms", "250").unwrap();
        config.set_from_flag("--api-key", "123").unwrap();
        config.set_from_flag("--fail-mode", "down").unwrap();
        config.set_from_flag("--webhook-reorder", "true").unwrap();
        assert_eq!(config.qr_first_ms, 250);
        assert_eq!(config.api_key, "123");
        assert_eq!(config.fail_mode, FailMode::Down);
        assert!(config.webhook_reorder);
        assert!(config.set_from_flag("--qr-count", "lots").is_err());
        assert!(SandboxConfig::is_bool_flag("--webhook-duplicate"));
        assert_eq!(config.to_json()["fail_mode"], "down");
    }

    #[test]
    fn cloud_settings() {
        let mut config = SandboxConfig::default();
        assert_eq!(config.to_json()["cloud_fail_mode"], "none");
        assert_eq!(config.to_json()["catalog_batch_limit"], 20);
        config.set_from_flag("--cloud-token", "a,b").unwrap();
        config
            .set_from_flag("--cloud-fail-mode", "token_expired")
            .unwrap();
        config.set_from_flag("--catalog-batch-limit", "0").unwrap();
        assert_eq!(config.cloud_token, "a,b");
        assert_eq!(config.cloud_fail_mode, CloudFailMode::TokenExpired);
        assert_eq!(config.catalog_batch_limit, 0);
        assert!(config.set_from_flag("--catalog-window-ms", "0").is_err());
        assert!(config.set_from_flag("--cloud-token", "a,,b").is_err());
        assert!(config.set_from_flag("--cloud-fail-mode", "down").is_err());
    }

    #[test]
    fn messaging_settings() {
        let mut config = SandboxConfig::default();
        assert_eq!(config.to_json()["messages_per_second"], 80);
        assert_eq!(
            config.to_json()["status_delays_ms"],
            json!([100, 400, 1500])
        );
        config.set_from_flag("--status-delays-ms", "1,2,3").unwrap();
        config
            .set_from_flag("--messages-fail-mode", "spam_limit")
            .unwrap();
        config
            .set_from_flag("--cloud-webhook-url", "http://127.0.0.1:9/hook")
            .unwrap();
        config.set_from_flag("--auto-read", "false").unwrap();
        assert_eq!(config.status_delays_ms, [1, 2, 3]);
        assert_eq!(config.messages_fail_mode, MessagesFailMode::SpamLimit);
        assert!(!config.auto_read);
        assert!(SandboxConfig::is_bool_flag("--auto-read"));
        assert!(config.set_from_flag("--status-delays-ms", "1,2").is_err());
        assert!(
            config
                .set_from_flag("--cloud-webhook-url", "http://example.com/hook")
                .is_err()
        );
        assert!(config.set_from_flag("--phone-number-id", "12a").is_err());
        let update = json!({"status_delays_ms": [0, 0, 0], "cloud_webhook_url": ""});
        config.apply_json(update.as_object().unwrap()).unwrap();
        assert_eq!(config.status_delays_ms, [0, 0, 0]);
        assert!(config.cloud_webhook_url.is_empty());
    }
}
