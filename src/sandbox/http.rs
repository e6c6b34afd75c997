//! Small HTTP helpers shared by the sandbox's handlers: JSON responses in the two error
//! dialects (WAHA/NestJS and Graph), bounded body reading, query parameters.

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};

/// Every response body the sandbox sends.
pub(crate) type Body = Full<Bytes>;

/// Request bodies above this are refused: nothing in either contract comes close.
const MAX_BODY: usize = 1 << 20;

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// An error as WAHA (NestJS) sends it: `{"statusCode","message","error"}`. NestJS leaves
/// out `error` for a bare 401 and for 500, so clients must not rely on it.
pub(crate) fn waha_error(status: StatusCode, message: &str) -> Response<Body> {
    let body = match status {
        StatusCode::UNAUTHORIZED | StatusCode::INTERNAL_SERVER_ERROR => {
            json!({"statusCode": status.as_u16(), "message": message})
        }
        _ => json!({
            "statusCode": status.as_u16(),
            "message": message,
            "error": status.canonical_reason().unwrap_or("Error"),
        }),
    };
    json(status, &body)
}

/// An error in the Graph API's shape, which clients key on `code`: `error` is the
/// inner object (`message`, `type`, `code`, …); a fresh `fbtrace_id` is added.
pub(crate) fn graph_error(status: StatusCode, mut error: Value) -> Response<Body> {
    error["fbtrace_id"] = json!(format!("A{}", super::random::ulid()));
    json(status, &json!({ "error": error }))
}

/// Reads the body as JSON. An empty body is `None` (WAHA's action endpoints take none);
/// anything else that is not JSON is a 400, as NestJS answers.
pub(crate) async fn read_json(request: Request<Incoming>) -> Result<Option<Value>, Response<Body>> {
    let bytes = Limited::new(request.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|_| waha_error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"))?
        .to_bytes();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| waha_error(StatusCode::BAD_REQUEST, &format!("Invalid JSON body: {e}")))
}

/// The first value of query parameter `key`, undecoded (sandbox parameters are plain).
pub(crate) fn query_param<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params() {
        assert_eq!(
            query_param(Some("format=raw&all=true"), "all"),
            Some("true")
        );
        assert_eq!(query_param(Some("format=raw"), "format"), Some("raw"));
        assert_eq!(query_param(Some("flag"), "flag"), Some(""));
        assert_eq!(query_param(None, "format"), None);
    }
}
