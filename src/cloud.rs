//! Client for the WhatsApp Business Cloud API (Graph): the catalog batch calls now,
//! messages later. Errors are keyed on Graph's `code`, not the HTTP status, because
//! that is how the API tells rate limits, bad tokens and bad input apart.

use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use crate::templates::Endpoint;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The Graph version used when a connection does not name one.
pub const DEFAULT_VERSION: &str = "v21.0";

/// The template fields a listing asks for.
const TEMPLATE_FIELDS: &str = "id,name,language,status,category,parameter_format,components";
/// Templates asked for per listing page.
pub const TEMPLATE_PAGE_SIZE: usize = 100;
/// Pages read before a listing is given up as endless.
pub const MAX_TEMPLATE_PAGES: usize = 100;

/// What went wrong talking to the Cloud API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// A rate limit (codes 4, 80007, 80014, 130429, 131056): wait, then try again.
    #[error("the WhatsApp API is rate limiting this account (code {code}); retrying after a pause")]
    RateLimited {
        /// Graph error code.
        code: i64,
        /// How long the API asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The access token is expired or invalid (code 190): nothing works until replaced.
    #[error(
        "the WhatsApp API access token was refused ({message}); an administrator must enter a new token"
    )]
    TokenInvalid {
        /// The API's message.
        message: String,
    },
    /// A temporary failure on the API's side: retry later.
    #[error("the WhatsApp API failed temporarily: {message}")]
    Transient {
        /// The API's message.
        message: String,
    },
    /// The request was refused as invalid (code 100 and others).
    #[error("the WhatsApp API refused the request (code {code}): {message}")]
    Refused {
        /// Graph error code.
        code: i64,
        /// The API's message.
        message: String,
    },
    /// The API could not be reached.
    #[error("the WhatsApp API at {url} cannot be reached ({reason})")]
    Unreachable {
        /// Base URL.
        url: String,
        /// What the transport said.
        reason: String,
    },
    /// The configuration cannot work.
    #[error("invalid WhatsApp API configuration: {0}")]
    Config(String),
}

impl CloudError {
    /// Whether trying the same call again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CloudError::RateLimited { .. }
                | CloudError::Transient { .. }
                | CloudError::Unreachable { .. }
        )
    }
}

/// One request of an `items_batch` call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// `CREATE`, `UPDATE` or `DELETE`.
    pub method: String,
    /// The item's fields (only `id` for DELETE).
    pub data: Value,
}

/// A per-item error the API reported for a batch.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ItemError {
    /// 0-based index of the request in the batch.
    #[serde(default)]
    pub line: Option<i64>,
    /// Retailer id.
    #[serde(default)]
    pub id: Option<String>,
    /// What is wrong.
    #[serde(default)]
    pub message: String,
}

/// Where an accepted batch is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStatus {
    /// Whether processing is over.
    pub finished: bool,
    /// Per-item errors, once finished.
    pub errors: Vec<ItemError>,
}

/// The ids a Cloud API connection is configured with; empty when not set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionIds {
    /// The business phone number's id.
    pub phone_number_id: String,
    /// The WhatsApp Business account's id.
    pub waba_id: String,
    /// The commerce catalog's id.
    pub catalog_id: String,
}

/// One step of a connection test: what was checked, whether it worked, and what the
/// API said (a name, a count, or the error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// `phone_number`, `business_account` or `catalog`.
    pub name: &'static str,
    /// Whether the API answered as expected.
    pub ok: bool,
    /// What the API said, for a person.
    pub detail: String,
}

/// A Cloud API connection.
#[derive(Debug, Clone)]
pub struct CloudClient {
    base_url: String,
    version: String,
    token: String,
    http: reqwest::Client,
}

impl CloudClient {
    /// A client for the Graph API at `base_url` (the sandbox's URL in sandbox mode).
    pub fn new(base_url: &str, version: &str, token: &str) -> Result<Self, CloudError> {
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            CloudError::Config(format!("the API URL {base_url:?} is not a URL: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.host_str().is_none()
            || base_url.chars().any(char::is_control)
        {
            return Err(CloudError::Config(
                "the API URL must be an http(s) URL with a host".into(),
            ));
        }
        let version = if version.is_empty() {
            DEFAULT_VERSION
        } else {
            version
        };
        let valid_version = version.starts_with('v')
            && version[1..]
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !valid_version {
            return Err(CloudError::Config(format!(
                "the API version {version:?} is not like v21.0"
            )));
        }
        if !crate::rules::CLOUD_ACCESS_TOKEN.accepts(token) {
            return Err(CloudError::Config(
                "the access token is missing or invalid".into(),
            ));
        }
        // One client per base URL per process: its TLS setup and connections are reused.
        let http =
            crate::runtime::http_client("cloud", &base_url, REQUEST_TIMEOUT, CONNECT_TIMEOUT)
                .map_err(|e| CloudError::Config(e.to_string()))?;
        Ok(Self {
            base_url,
            version: version.to_owned(),
            token: token.to_owned(),
            http,
        })
    }

    /// The same connection with an HTTP client of its own, for a thread with a runtime
    /// of its own.
    pub fn detached(&self) -> Result<Self, CloudError> {
        let http = crate::runtime::own_http_client(REQUEST_TIMEOUT, CONNECT_TIMEOUT)
            .map_err(|e| CloudError::Config(e.to_string()))?;
        Ok(Self {
            http,
            ..self.clone()
        })
    }

    /// Sends one `items_batch` call; returns the batch handle.
    pub async fn items_batch(
        &self,
        catalog_id: &str,
        requests: &[BatchRequest],
    ) -> Result<String, CloudError> {
        let body = json!({"item_type": "PRODUCT_ITEM", "allow_upsert": true, "requests": requests});
        let answer = self
            .call(
                Method::POST,
                &format!("{catalog_id}/items_batch"),
                Some(body),
            )
            .await?;
        answer
            .pointer("/handles/0")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| CloudError::Refused {
                code: 0,
                message: "the batch answer has no handle".into(),
            })
    }

    /// Asks where a batch is.
    pub async fn batch_status(
        &self,
        catalog_id: &str,
        handle: &str,
    ) -> Result<BatchStatus, CloudError> {
        let path = format!(
            "{catalog_id}/check_batch_request_status?handle={}&load_ids_of_invalid_requests=true",
            encode(handle)
        );
        let answer = self.call(Method::GET, &path, None).await?;
        let entry = answer.pointer("/data/0").cloned().unwrap_or(Value::Null);
        let finished = entry.get("status").and_then(Value::as_str) == Some("finished");
        let errors = entry
            .get("errors")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .unwrap_or_default()
            .unwrap_or_default();
        Ok(BatchStatus { finished, errors })
    }

    /// Sends a message from the business number; returns its `wamid`.
    pub async fn send_message(
        &self,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<String, CloudError> {
        self.send_to(Endpoint::Messages, phone_number_id, body)
            .await
    }

    /// Sends a message through `endpoint` (`/messages`, or `/marketing_messages` for a
    /// marketing template); returns its `wamid`.
    pub async fn send_to(
        &self,
        endpoint: Endpoint,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<String, CloudError> {
        if phone_number_id.is_empty() || !phone_number_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CloudError::Config(
                "the phone number id must be numeric".into(),
            ));
        }
        let answer = self
            .call(
                Method::POST,
                &format!("{phone_number_id}/{}", endpoint.path()),
                Some(body.clone()),
            )
            .await?;
        answer
            .pointer("/messages/0/id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| CloudError::Refused {
                code: 0,
                message: "the send answer has no message id".into(),
            })
    }

    /// Every message template of WhatsApp Business account `waba_id`, following the
    /// `paging.cursors.after` cursor while the answer has a `paging.next` page (at most
    /// [`MAX_TEMPLATE_PAGES`] pages of [`TEMPLATE_PAGE_SIZE`]).
    pub async fn message_templates(&self, waba_id: &str) -> Result<Vec<Value>, CloudError> {
        self.message_templates_paged(waba_id, TEMPLATE_PAGE_SIZE)
            .await
    }

    /// As [`CloudClient::message_templates`], `page_size` templates per call.
    pub async fn message_templates_paged(
        &self,
        waba_id: &str,
        page_size: usize,
    ) -> Result<Vec<Value>, CloudError> {
        if !crate::rules::Format::NumericId.matches(waba_id) {
            return Err(CloudError::Config(
                "the WhatsApp Business account id must be numeric".into(),
            ));
        }
        let mut templates = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_TEMPLATE_PAGES {
            let mut path =
                format!("{waba_id}/message_templates?fields={TEMPLATE_FIELDS}&limit={page_size}");
            if let Some(cursor) = &after {
                path.push_str(&format!("&after={}", encode(cursor)));
            }
            let answer = self.call(Method::GET, &path, None).await?;
            let page = answer
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| CloudError::Refused {
                    code: 0,
                    message: "the template list has no data".into(),
                })?;
            templates.extend(page.iter().cloned());
            let next = answer.pointer("/paging/next").and_then(Value::as_str);
            after = answer
                .pointer("/paging/cursors/after")
                .and_then(Value::as_str)
                .filter(|cursor| next.is_some() && !cursor.is_empty() && !page.is_empty())
                .map(str::to_owned);
            if after.is_none() {
                return Ok(templates);
            }
        }
        Err(CloudError::Refused {
            code: 0,
            message: format!(
                "the template list has more than {} pages",
                MAX_TEMPLATE_PAGES
            ),
        })
    }

    /// Reads a Graph node (`GET /{version}/{id}?fields=…`); `fields` is a
    /// comma-separated list of field names.
    pub async fn node(&self, id: &str, fields: &str) -> Result<Value, CloudError> {
        if !crate::rules::Format::NumericId.matches(id) {
            return Err(CloudError::Config("the id must be numeric".into()));
        }
        self.call(Method::GET, &format!("{id}?fields={}", fields), None)
            .await
    }

    /// Tests a connection: reads the phone number, the WhatsApp Business account and
    /// the catalog with this token, each on its own so the answer says what worked
    /// and what did not. An id left empty is reported as not set.
    pub async fn test_connection(&self, ids: &ConnectionIds) -> Vec<Check> {
        let steps: [(&'static str, &str, &str); 3] = [
            (
                "phone_number",
                &ids.phone_number_id,
                "display_phone_number,verified_name",
            ),
            ("business_account", &ids.waba_id, "name"),
            ("catalog", &ids.catalog_id, "name,product_count"),
        ];
        let mut checks = Vec::with_capacity(steps.len());
        for (name, id, fields) in steps {
            if id.is_empty() {
                checks.push(Check {
                    name,
                    ok: false,
                    detail: "not set".into(),
                });
                continue;
            }
            let check = match self.node(id, fields).await {
                Ok(node) => {
                    let text = |key: &str| node.get(key).and_then(Value::as_str).unwrap_or("");
                    let detail = match name {
                        "phone_number" => {
                            format!(
                                "{} ({})",
                                text("display_phone_number"),
                                text("verified_name")
                            )
                        }
                        "catalog" => format!(
                            "{}: {} products",
                            text("name"),
                            node.get("product_count")
                                .and_then(Value::as_u64)
                                .unwrap_or(0)
                        ),
                        _ => text("name").to_owned(),
                    };
                    Check {
                        name,
                        ok: true,
                        detail,
                    }
                }
                Err(e) => Check {
                    name,
                    ok: false,
                    detail: e.to_string(),
                },
            };
            checks.push(check);
        }
        checks
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CloudError> {
        let url = format!("{}/{}/{path}", self.base_url, self.version);
        let mut request = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let unreachable = |e: reqwest::Error| CloudError::Unreachable {
            url: self.base_url.clone(),
            reason: if e.is_timeout() {
                "timed out".into()
            } else if e.is_connect() {
                "connection refused".into()
            } else {
                "the connection closed without an answer".into()
            },
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let usage_wait = response
            .headers()
            .get("x-business-use-case-usage")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .and_then(|usage| regain_minutes(&usage))
            .map(|minutes| Duration::from_secs(minutes * 60));
        let text = response.text().await.map_err(unreachable)?;
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let Some(error) = json.get("error") else {
            if status.is_success() {
                return Ok(json);
            }
            return Err(if status.is_server_error() {
                CloudError::Transient {
                    message: format!("HTTP {status}"),
                }
            } else {
                CloudError::Refused {
                    code: 0,
                    message: format!("HTTP {status}"),
                }
            });
        };
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("unknown error")
            .chars()
            .take(300)
            .collect::<String>();
        let hinted = error
            .pointer("/error_data/retry_after_ms")
            .and_then(Value::as_u64)
            .map(Duration::from_millis);
        Err(match code {
            4 | 80007 | 80014 | 130429 | 131056 => CloudError::RateLimited {
                code,
                retry_after: hinted.or(retry_after).or(usage_wait),
            },
            190 => CloudError::TokenInvalid { message },
            _ if status.is_server_error()
                || error.get("is_transient").and_then(Value::as_bool) == Some(true) =>
            {
                CloudError::Transient { message }
            }
            _ => CloudError::Refused { code, message },
        })
    }
}

/// The largest `estimated_time_to_regain_access` (minutes) in a usage header.
fn regain_minutes(usage: &Value) -> Option<u64> {
    usage
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|entry| {
            entry
                .get("estimated_time_to_regain_access")
                .and_then(Value::as_u64)
        })
        .filter(|m| *m > 0)
        .max()
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_for_one_base_url_share_the_process_http_client() {
        let url = "http://127.0.0.1:2/client-reuse-test";
        assert!(!crate::runtime::has_http_client("cloud", url));
        let first = CloudClient::new(url, "v21.0", "token-a").unwrap();
        assert!(crate::runtime::has_http_client("cloud", url));
        // Another token on the same base URL: same pool, its own Authorization header.
        let second = CloudClient::new(&format!("{url}/"), "v22.0", "token-b").unwrap();
        assert_eq!(first.base_url, second.base_url);
        assert_eq!(
            (first.token.as_str(), second.token.as_str()),
            ("token-a", "token-b")
        );
        assert!(
            !crate::runtime::has_http_client("gateway", url),
            "kept per API"
        );
    }

    #[test]
    fn refuses_unusable_configuration() {
        assert!(CloudClient::new("http://127.0.0.1:1", "v21.0", "token").is_ok());
        assert!(
            CloudClient::new("http://127.0.0.1:1", "", "token").is_ok(),
            "the default version"
        );
        assert!(CloudClient::new("file:///etc", "v21.0", "t").is_err());
        assert!(CloudClient::new("http://127.0.0.1:1", "21", "t").is_err());
        assert!(CloudClient::new("http://127.0.0.1:1", "v21.0/../x", "t").is_err());
        assert!(CloudClient::new("http://127.0.0.1:1", "v21.0", "").is_err());
        assert!(CloudClient::new("http://127.0.0.1:1", "v21.0", "a b").is_err());
    }

    #[test]
    fn reads_the_wait_from_the_usage_header() {
        let usage = json!({"123": [{"type": "catalog_batch", "estimated_time_to_regain_access": 2}, {"estimated_time_to_regain_access": 0}]});
        assert_eq!(regain_minutes(&usage), Some(2));
        assert_eq!(
            regain_minutes(&json!({"1": [{"estimated_time_to_regain_access": 0}]})),
            None
        );
    }

    #[test]
    fn handles_are_url_encoded() {
        assert_eq!(encode("a b/c?d=1&e"), "a%20b%2Fc%3Fd%3D1%26e");
    }

    #[test]
    fn a_connection_test_reports_each_step() {
        let client = CloudClient::new("http://127.0.0.1:9", "v21.0", "t").unwrap();
        let checks = crate::runtime::block_on(client.test_connection(&ConnectionIds {
            phone_number_id: "123".into(),
            waba_id: String::new(),
            catalog_id: "x1".into(),
        }));
        let names: Vec<_> = checks.iter().map(|c| c.name).collect();
        assert_eq!(names, ["phone_number", "business_account", "catalog"]);
        assert!(checks.iter().all(|c| !c.ok));
        assert!(checks[0].detail.contains("cannot be reached"), "{checks:?}");
        assert_eq!(checks[1].detail, "not set");
        assert!(checks[2].detail.contains("numeric"), "{checks:?}");
    }

    #[test]
    fn an_unreachable_api_is_retryable() {
        let client = CloudClient::new("http://127.0.0.1:9", "v21.0", "t").unwrap();
        let error = crate::runtime::block_on(client.batch_status("1", "h")).unwrap_err();
        assert!(matches!(error, CloudError::Unreachable { .. }));
        assert!(error.is_retryable());
    }
}
