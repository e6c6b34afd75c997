//! `wpwa-sandbox`: the WhatsApp services on loopback, for tests, benchmarks and the
//! plugin's sandbox mode. Each contract it implements follows the published API field
//! for field, including the ways it fails.
//!
//! Routes:
//! - `GET /health`: liveness, never affected by failure injection.
//! - `/api/*`: the WAHA-compatible QR session gateway (`gateway.rs`), with latency and
//!   failure injection.
//! - `/sandbox/*`: the control API (`control.rs`): scan a QR as a phone, unlink, drop
//!   the connection, tune the configuration, reset, read the webhook log, read and
//!   clear catalogs.
//! - anything else: the Cloud API side (`cloud/`): `/{version}/{catalog_id}/items_batch`
//!   and `check_batch_request_status`, with Bearer auth, asynchronous processing, the
//!   per-catalog batch rate limit (80014), latency and failure injection; a
//!   Graph-shaped 404 for every other path; and `/{version}/{phone_number_id}/messages`
//!   (`cloud/messages.rs`): sends with validation, the throughput (130429) and pair
//!   (131056) rate limits, the 24-hour customer-service window (131047 as a later
//!   `failed` status) and signed status webhooks.
//! - `/sandbox/messages/*` and `/sandbox/cloud/webhooks`: customer message injection
//!   (signed Cloud API webhooks, optionally duplicated or reordered), the messages the
//!   sandbox accepted, and the Cloud API webhook log; `/sandbox/cloud/account-update`:
//!   a coexistence number offboarded, disconnected or reconnected (`cloud/accounts.rs`,
//!   a signed `account_update` webhook).
//!
//! Where WAHA leaves room, the sandbox chooses (clients may rely on these):
//! - POST actions (`start`, `stop`, `logout`, `restart`) answer 201 with the session
//!   object, as NestJS does by default; `DELETE` answers 200 `{}`.
//! - `GET /api/sessions` lists running sessions only; `?all=true` lists all (WAHA).
//! - `start` is refused (422 "already started") only while STARTING, SCAN_QR_CODE or
//!   WORKING: a FAILED session starts again like a STOPPED one.
//! - `me` stays on the session while the device is linked, whatever the status: stop,
//!   a dropped connection and restart keep it (the next start goes straight to
//!   WORKING); `logout` and the phone unlinking the device clear it.
//! - `restart` goes to STARTING without emitting STOPPED first.
//! - `PUT /api/sessions/{name}` replaces the config without restarting the session.
//! - Only `format=raw` QR answers are served; other formats get 400.
//! - The phone unlinking the device (`/sandbox/sessions/{name}/phone-logout`) makes a
//!   running session FAILED at once (no extra SCAN_QR_CODE round).

mod cloud;
mod config;
mod control;
mod gateway;
mod http;
mod random;
mod state;
mod webhooks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub use config::{CloudFailMode, FailMode, MessagesFailMode, SandboxConfig};
pub use gateway::GatewayDown;

use cloud::{Catalogs, Messages};
use http::{Body, json};
use state::Shared;

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

/// Serves requests on `listener` with the default configuration until `shutdown`
/// completes.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), SandboxError> {
    Sandbox::new(SandboxConfig::default())
        .serve(listener, shutdown)
        .await
}

/// One sandbox: its configuration and in-memory state. Cheap to clone; clones share
/// the state.
#[derive(Clone)]
pub struct Sandbox {
    shared: Arc<Shared>,
    catalogs: Arc<Catalogs>,
    messages: Arc<Messages>,
}

impl Sandbox {
    /// A sandbox whose defaults (restored by `POST /sandbox/reset`) are `config`.
    pub fn new(config: SandboxConfig) -> Self {
        Self {
            shared: Shared::new(config),
            catalogs: Arc::default(),
            messages: Arc::default(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> SandboxConfig {
        self.shared.lock().config.clone()
    }

    /// Serves requests on `listener` until `shutdown` completes. Must run inside a
    /// tokio runtime with timers enabled: QR rotation and webhooks run on it.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), SandboxError> {
        tokio::pin!(shutdown);
        loop {
            let (stream, _) = tokio::select! {
                accepted = listener.accept() => accepted?,
                () = &mut shutdown => return Ok(()),
            };
            let shared = Arc::clone(&self.shared);
            let catalogs = Arc::clone(&self.catalogs);
            let messages = Arc::clone(&self.messages);
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let shared = Arc::clone(&shared);
                    let catalogs = Arc::clone(&catalogs);
                    let messages = Arc::clone(&messages);
                    async move { route(&shared, &catalogs, &messages, request).await }
                });
                // A client that hangs up mid-request is its own problem, and a
                // `GatewayDown` ends the connection on purpose.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }
}

async fn route(
    shared: &Arc<Shared>,
    catalogs: &Catalogs,
    messages: &Arc<Messages>,
    request: Request<Incoming>,
) -> Result<Response<Body>, GatewayDown> {
    let path = request.uri().path();
    if path == "/health" && request.method() == Method::GET {
        return Ok(json(
            StatusCode::OK,
            &serde_json::json!({
                "status": "ok",
                "service": "wpwa-sandbox",
                "version": crate::VERSION,
            }),
        ));
    }
    if path == "/api" || path.starts_with("/api/") {
        return gateway::handle(shared, request).await;
    }
    if path.starts_with("/sandbox/") {
        return Ok(control::handle(shared, catalogs, messages, request).await);
    }
    Ok(cloud::handle(shared, catalogs, messages, request).await)
}
