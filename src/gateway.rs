//! Client for the WAHA-compatible QR session gateway (DESIGN.md §4): create, start,
//! stop and log out a vendor's session, read its status and QR code, and ask for a
//! pairing code (docs/whatsapp-contracts.md, "Pairing codes").

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// How long any one gateway call may take: the vendor is waiting on a page.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a gateway call failed, in terms a vendor or admin can act on.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The gateway could not be reached at all.
    #[error(
        "the WhatsApp gateway at {url} cannot be reached ({reason}); check the gateway URL and that the service is running"
    )]
    Unreachable {
        /// The gateway's base URL.
        url: String,
        /// What the transport said.
        reason: String,
    },
    /// The gateway refused the API key.
    #[error(
        "the WhatsApp gateway refused the API key (HTTP 401); check the gateway API key in the settings"
    )]
    Unauthorized,
    /// The gateway does not know the session.
    #[error("the WhatsApp gateway has no session named {0}")]
    NotFound(String),
    /// The gateway refused the request as invalid for the session's state.
    #[error("the WhatsApp gateway refused the request: {0}")]
    Rejected(String),
    /// The gateway failed on its side.
    #[error("the WhatsApp gateway failed (HTTP {status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The gateway's message.
        message: String,
    },
    /// The gateway answered something this client does not understand.
    #[error("the WhatsApp gateway sent an unexpected answer: {0}")]
    InvalidResponse(String),
    /// The configuration cannot work.
    #[error("invalid gateway configuration: {0}")]
    Config(String),
}

/// Session status as the gateway reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GatewayStatus {
    /// Not running.
    Stopped,
    /// Booting the WhatsApp client.
    Starting,
    /// Showing a QR code to scan.
    ScanQrCode,
    /// Linked and online.
    Working,
    /// Gave up: QR codes ran out, or the link broke.
    Failed,
}

impl GatewayStatus {
    /// Parses the gateway's status name.
    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }
}

/// The linked account, once a phone scanned the QR code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Me {
    /// WhatsApp id, e.g. `15550001@c.us`.
    pub id: String,
    /// The name set on the phone.
    #[serde(rename = "pushName", default)]
    pub push_name: Option<String>,
}

impl Me {
    /// The phone number in E.164 form, from the WhatsApp id.
    pub fn phone(&self) -> Option<String> {
        let digits: String = self
            .id
            .split('@')
            .next()?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (6..=15)
            .contains(&digits.len())
            .then(|| format!("+{digits}"))
    }
}

/// A session as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SessionInfo {
    /// Session name.
    pub name: String,
    /// Current status.
    pub status: GatewayStatus,
    /// The linked account, if any.
    #[serde(default)]
    pub me: Option<Me>,
}

/// Where the gateway should send a session's webhooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The plugin's webhook route.
    pub url: String,
    /// The HMAC-SHA512 key the gateway signs with.
    pub hmac_key: String,
}

/// A connection to one gateway.
#[derive(Debug, Clone)]
pub struct GatewayClient {
    base_url: String,
    api_key: String,
    http: reqwest::Client,
}

impl GatewayClient {
    /// A client for the gateway at `base_url` (http or https) using `api_key`.
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, GatewayError> {
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        if !crate::rules::Format::GatewayUrl.matches(&base_url) {
            return Err(GatewayError::Config(
                "the gateway URL must be an http(s) URL with a host, without a user, spaces or control characters".into(),
            ));
        }
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            GatewayError::Config(format!("the gateway URL {base_url:?} is not a URL: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(GatewayError::Config(
                "the gateway URL must be an http(s) URL with a host".into(),
            ));
        }
        if !crate::rules::GATEWAY_API_KEY.accepts(api_key) {
            return Err(GatewayError::Config(
                "the gateway API key is missing or invalid".into(),
            ));
        }
        // One client per base URL per process: its TLS setup and connections are reused.
        let http =
            crate::runtime::http_client("gateway", &base_url, REQUEST_TIMEOUT, CONNECT_TIMEOUT)
                .map_err(|e| GatewayError::Config(e.to_string()))?;
        Ok(Self {
            base_url,
            api_key: api_key.to_owned(),
            http,
        })
    }

    /// The gateway's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Creates `name` (or updates its configuration if it exists) without starting it.
    pub async fn upsert_session(
        &self,
        name: &str,
        metadata: &Value,
        webhook: &WebhookTarget,
    ) -> Result<(), GatewayError> {
        let config = json!({
            "metadata": metadata,
            "webhooks": [{
                "url": webhook.url,
                "events": ["session.status", "message", "message.any"],
                "hmac": {"key": webhook.hmac_key},
            }],
        });
        let created = self
            .call(
                Method::POST,
                "/api/sessions",
                Some(json!({"name": name, "start": false, "config": config})),
            )
            .await;
        match created {
            Err(GatewayError::Rejected(message)) if message.contains("already exists") => self
                .call(
                    Method::PUT,
                    &format!("/api/sessions/{name}"),
                    Some(json!({"name": name, "config": config})),
                )
                .await
                .map(drop),
            other => other.map(drop),
        }
    }

    /// Starts `name`; a session that is already running is left as it is.
    pub async fn start(&self, name: &str) -> Result<(), GatewayError> {
        match self
            .call(Method::POST, &format!("/api/sessions/{name}/start"), None)
            .await
        {
            Err(GatewayError::Rejected(message)) if message.contains("already started") => Ok(()),
            other => other.map(drop),
        }
    }

    /// Stops `name`, keeping its link for a later start.
    pub async fn stop(&self, name: &str) -> Result<(), GatewayError> {
        self.call(Method::POST, &format!("/api/sessions/{name}/stop"), None)
            .await
            .map(drop)
    }

    /// Logs `name` out: the phone's linked device is removed.
    pub async fn logout(&self, name: &str) -> Result<(), GatewayError> {
        self.call(Method::POST, &format!("/api/sessions/{name}/logout"), None)
            .await
            .map(drop)
    }

    /// The session's current status.
    pub async fn session(&self, name: &str) -> Result<SessionInfo, GatewayError> {
        let body = self
            .call(Method::GET, &format!("/api/sessions/{name}"), None)
            .await?;
        serde_json::from_value(body).map_err(|e| GatewayError::InvalidResponse(e.to_string()))
    }

    /// How many sessions the gateway holds: a cheap call that proves the URL and key.
    pub async fn session_count(&self) -> Result<usize, GatewayError> {
        let body = self.call(Method::GET, "/api/sessions", None).await?;
        body.as_array()
            .map(Vec::len)
            .ok_or_else(|| GatewayError::InvalidResponse("the session list is not a list".into()))
    }

    /// The QR code's raw value, while the session waits for a scan.
    pub async fn qr_value(&self, name: &str) -> Result<String, GatewayError> {
        let body = self
            .call(
                Method::GET,
                &format!("/api/{name}/auth/qr?format=raw"),
                None,
            )
            .await?;
        body.get("value")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| GatewayError::InvalidResponse("the QR answer has no value".into()))
    }

    /// Asks for a pairing code the vendor types on their phone instead of scanning the
    /// QR code (`POST /api/{session}/auth/request-code`, WAHA). `digits` is the phone
    /// number to link, digits only with the country code. The gateway answers with
    /// eight letters and digits, often shown as `ABCD-EFGH`.
    pub async fn request_code(&self, name: &str, digits: &str) -> Result<String, GatewayError> {
        let body = self
            .call(
                Method::POST,
                &format!("/api/{name}/auth/request-code"),
                Some(json!({ "phoneNumber": digits })),
            )
            .await?;
        body.get("code")
            .and_then(Value::as_str)
            .and_then(pairing_code)
            .ok_or_else(|| {
                GatewayError::InvalidResponse("the pairing-code answer has no usable code".into())
            })
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, GatewayError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .header("X-Api-Key", &self.api_key)
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| GatewayError::Unreachable {
                url: self.base_url.clone(),
                reason: transport_reason(&e),
            })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| GatewayError::Unreachable {
                url: self.base_url.clone(),
                reason: transport_reason(&e),
            })?;
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(json);
        }
        let message = json
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| text.chars().take(200).collect());
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => GatewayError::Unauthorized,
            StatusCode::NOT_FOUND => GatewayError::NotFound(path.to_owned()),
            s if s.is_client_error() => GatewayError::Rejected(message),
            s => GatewayError::Server {
                status: s.as_u16(),
                message,
            },
        })
    }
}

/// The code as the vendor should read it, `ABCD-EFGH`: eight letters or digits, upper
/// case, whatever grouping the gateway used; anything else is not a pairing code.
fn pairing_code(raw: &str) -> Option<String> {
    let chars: String = raw
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (chars.len() == 8 && chars.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("{}-{}", &chars[..4], &chars[4..]))
}

fn transport_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection refused".into()
    } else {
        "the connection closed without an answer".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_come_from_whatsapp_ids() {
        let me = |id: &str| Me {
            id: id.into(),
            push_name: None,
        };
        assert_eq!(
            me("15550001234@c.us").phone().as_deref(),
            Some("+15550001234")
        );
        assert_eq!(
            me("4915123456789:12@s.whatsapp.net").phone().as_deref(),
            Some("+4915123456789")
        );
        assert_eq!(me("abc@c.us").phone(), None);
        assert_eq!(me("123@c.us").phone(), None);
    }

    #[test]
    fn statuses_parse_by_their_gateway_names() {
        assert_eq!(
            GatewayStatus::parse("SCAN_QR_CODE"),
            Some(GatewayStatus::ScanQrCode)
        );
        assert_eq!(
            GatewayStatus::parse("WORKING"),
            Some(GatewayStatus::Working)
        );
        assert_eq!(GatewayStatus::parse("working"), None);
    }

    #[test]
    fn pairing_codes_are_read_in_any_grouping() {
        assert_eq!(pairing_code("ABCD-EFGH").as_deref(), Some("ABCD-EFGH"));
        assert_eq!(pairing_code("abcd efgh").as_deref(), Some("ABCD-EFGH"));
        assert_eq!(pairing_code("W9X2K7QP").as_deref(), Some("W9X2-K7QP"));
        assert_eq!(pairing_code("ABCD-EFG"), None);
        assert_eq!(pairing_code("ABCD-EFGHI"), None);
        assert_eq!(pairing_code("ABCD-EF<H"), None);
        assert_eq!(pairing_code("ÄBCD-EFGH"), None);
        assert_eq!(pairing_code(""), None);
    }

    #[test]
    fn refuses_unusable_configuration() {
        assert!(GatewayClient::new("not a url", "k").is_err());
        assert!(GatewayClient::new("ftp://host", "k").is_err());
        assert!(GatewayClient::new("http://127.0.0.1:1", "").is_err());
        assert!(GatewayClient::new("http://127.0.0.1:1\0", "k").is_err());
        assert!(GatewayClient::new("http://127.0.0.1:1", "k\n").is_err());
        assert_eq!(
            GatewayClient::new("http://127.0.0.1:1/ ", "k")
                .unwrap()
                .base_url(),
            "http://127.0.0.1:1"
        );
    }

    #[test]
    fn an_unreachable_gateway_is_reported_as_such() {
        // Port 9 (discard) on loopback has no listener here.
        let client = GatewayClient::new("http://127.0.0.1:9", "k").unwrap();
        let error = crate::runtime::block_on(client.session("x")).unwrap_err();
        assert!(matches!(error, GatewayError::Unreachable { .. }), "{error}");
        assert!(error.to_string().contains("cannot be reached"));
    }
}
