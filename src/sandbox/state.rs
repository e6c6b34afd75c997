//! The gateway's in-memory state and the session lifecycle: STARTING, then a rotating
//! QR code, then WORKING after a scan or FAILED when the codes run out.
//!
//! Every transition bumps the session's generation; a timer only acts if the
//! generation it was started under is still current, so a stop, scan or reset
//! silently cancels whatever was pending without tracking task handles.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::config::SandboxConfig;
use super::random;
use super::webhooks::{self, Event, WebhookTarget};

/// What the engine reports itself as, in session objects and webhook envelopes.
pub(crate) const ENGINE: &str = "WPWA-SANDBOX";

/// Most webhook log entries kept; older ones fall off the front.
const LOG_CAPACITY: usize = 1_000;

/// Generations are global so that a timer from before a reset can never match a new
/// session that happens to reuse the name.
static GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// Everything the server's tasks share.
pub(crate) struct Shared {
    /// The configuration given at start-up, restored by `POST /sandbox/reset`.
    pub defaults: SandboxConfig,
    state: Mutex<State>,
    /// Webhook client: no proxy (targets are loopback) and no redirects (a redirect
    /// could lead off the machine).
    pub http: reqwest::Client,
}

impl Shared {
    pub(crate) fn new(config: SandboxConfig) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .user_agent(concat!("WPWA-SANDBOX/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Arc::new(Self {
            defaults: config.clone(),
            state: Mutex::new(State {
                config,
                sessions: BTreeMap::new(),
                epoch: 0,
                log: VecDeque::new(),
            }),
            http,
        })
    }

    /// Locks the state. A panic elsewhere while holding the lock leaves consistent
    /// data (every mutation is a plain field write), so poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The mutable part, behind one mutex: no handler awaits while holding it.
pub(crate) struct State {
    /// The configuration in force.
    pub config: SandboxConfig,
    /// Sessions by name.
    pub sessions: BTreeMap<String, Session>,
    /// Bumped by a reset; webhooks queued before it are dropped instead of delivered.
    pub epoch: u64,
    /// Webhook delivery attempts, oldest first.
    pub log: VecDeque<Value>,
}

impl State {
    pub(crate) fn record_delivery(&mut self, entry: Value) {
        if self.log.len() >= LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(entry);
    }

    /// Drops all sessions, pending timers and queued webhooks, and restores `defaults`.
    pub(crate) fn reset(&mut self, defaults: &SandboxConfig) {
        self.epoch += 1;
        self.sessions.clear();
        self.config = defaults.clone();
        self.log.clear();
    }
}

/// WAHA's session status enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Stopped,
    Starting,
    ScanQrCode,
    Working,
    Failed,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "STOPPED",
            Self::Starting => "STARTING",
            Self::ScanQrCode => "SCAN_QR_CODE",
            Self::Working => "WORKING",
            Self::Failed => "FAILED",
        }
    }

    /// WAHA refuses to start a session in these states ("already started"). FAILED is
    /// not among them here, so a client can recover from expiry with a plain start.
    pub(crate) fn is_running(self) -> bool {
        matches!(self, Self::Starting | Self::ScanQrCode | Self::Working)
    }
}

/// The linked account: what the phone that scanned the QR reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Me {
    pub id: String,
    #[serde(rename = "pushName")]
    pub push_name: String,
}

/// A pairing code the gateway issued for a session: the phone that may type it, and
/// when (WAHA `POST /api/{session}/auth/request-code`).
pub(crate) struct Pairing {
    pub code: String,
    pub digits: String,
    pub issued: Instant,
}

/// One gateway session.
pub(crate) struct Session {
    pub name: String,
    pub status: Status,
    /// The `config` object exactly as the client sent it (echoed back), or null.
    pub config: Value,
    pub metadata: Value,
    pub webhooks: Vec<WebhookTarget>,
    /// The linked device. Survives stop/start and connection drops (credentials stay
    /// on the gateway); only a logout, from either side, removes it.
    pub me: Option<Me>,
    pub qr: Option<String>,
    /// The pairing code on offer; QR rotations keep it, any status change ends it.
    pub pairing: Option<Pairing>,
    pub generation: u64,
    pub queue: UnboundedSender<Event>,
}

impl Session {
    pub(crate) fn new(
        shared: &Arc<Shared>,
        name: String,
        config: Value,
        metadata: Value,
        webhooks: Vec<WebhookTarget>,
    ) -> Self {
        Self {
            name,
            status: Status::Stopped,
            config,
            metadata,
            webhooks,
            me: None,
            qr: None,
            pairing: None,
            generation: next_generation(),
            queue: webhooks::spawn_worker(shared, Arc::downgrade(shared) as _),
        }
    }

    /// The session object as WAHA's `GET /api/sessions/{name}` returns it.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "status": self.status.as_str(),
            "config": self.config,
            "me": self.me,
            "engine": {"engine": ENGINE},
        })
    }

    /// Moves to `status`, cancelling any pending timer. A webhook goes out only when the
    /// status really changes (QR rotations emit through `show_qr`).
    pub(crate) fn move_to(&mut self, status: Status, epoch: u64) {
        self.generation = next_generation();
        self.qr = None;
        self.pairing = None;
        if self.status != status {
            self.status = status;
            webhooks::emit_status(self, epoch);
        }
    }

    /// Starts the lifecycle: STARTING now, the rest on timers.
    pub(crate) fn start(&mut self, shared: &Arc<Shared>, epoch: u64) {
        self.move_to(Status::Starting, epoch);
        tokio::spawn(run_lifecycle(
            Arc::clone(shared),
            self.name.clone(),
            self.generation,
        ));
    }

    /// Shows a fresh QR code; WAHA re-emits SCAN_QR_CODE on every rotation.
    fn show_qr(&mut self, epoch: u64) {
        self.qr = Some(random::qr_value());
        self.status = Status::ScanQrCode;
        webhooks::emit_status(self, epoch);
    }
}

/// STARTING → (linked: WORKING) | SCAN_QR_CODE, rotating the code `qr_count` times,
/// then FAILED. Timings are read at each step so a config change applies at once.
async fn run_lifecycle(shared: Arc<Shared>, name: String, generation: u64) {
    let starting_ms = shared.lock().config.starting_ms;
    tokio::time::sleep(Duration::from_millis(starting_ms)).await;
    let mut shown: u32 = 0;
    loop {
        let wait_ms = {
            let mut state = shared.lock();
            let (epoch, config) = (state.epoch, state.config.clone());
            let Some(session) = state
                .sessions
                .get_mut(&name)
                .filter(|s| s.generation == generation)
            else {
                return;
            };
            if shown == 0 && session.me.is_some() {
                // Stored credentials: the engine reconnects without a new scan.
                session.move_to(Status::Working, epoch);
                return;
            }
            if shown >= config.qr_count {
                session.move_to(Status::Failed, epoch);
                return;
            }
            session.show_qr(epoch);
            shown += 1;
            if shown == 1 {
                config.qr_first_ms
            } else {
                config.qr_next_ms
            }
        };
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
    }
}
