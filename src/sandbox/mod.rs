//! `wpwa-sandbox`: the WhatsApp services on loopback, for tests, benchmarks and the
//! plugin's sandbox mode. Each contract it implements follows the published API field
//! for field, including the ways it fails.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The sandbox only ever listens on loopback: it must never be reachable from outside.
    #[error("refusing to listen on {0}: the sandbox listens on loopback addresses only")]
    NotLoopback(SocketAddr),
    /// Binding or accepting failed.
    #[error("sandbox I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// Binds the sandbox's listener on a loopback address (port 0 picks a free port).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, SandboxError> {
    if !addr.ip().is_loopback() {
        return Err(SandboxError::NotLoopback(addr));
    }
    Ok(TcpListener::bind(addr).await?)
}

/// Serves requests on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), SandboxError> {
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            () = &mut shutdown => return Ok(()),
        };
        tokio::spawn(async move {
            // A client that hangs up mid-request is its own problem, not the server's.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(route))
                .await;
        });
    }
}

async fn route(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/health") => json(
            StatusCode::OK,
            &serde_json::json!({
                "status": "ok",
                "service": "wpwa-sandbox",
                "version": crate::VERSION,
            }),
        ),
        _ => graph_error(StatusCode::NOT_FOUND, "Unknown path components", 100),
    };
    Ok(response)
}

fn json(status: StatusCode, body: &serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// An error in the Graph API's shape, which clients key on `code`.
fn graph_error(status: StatusCode, message: &str, code: u32) -> Response<Full<Bytes>> {
    json(
        status,
        &serde_json::json!({
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "fbtrace_id": "wpwa-sandbox",
            }
        }),
    )
}
