//! Vendor WhatsApp sessions: linking a vendor's phone through the session gateway, by
//! QR code or by a pairing code typed on the phone, and keeping the per-vendor state
//! and its event history in the store.
//!
//! The lifecycle itself is the pure function in [`machine`]; this module feeds it the
//! vendor's actions, the gateway's webhooks and polls, and time, and persists the result.
//! Webhooks arrive at least once and in any order: each is applied once (deduplicated
//! on its id) and only if it is newer than the last event applied.

mod machine;

use serde::Serialize;
use serde_json::{Value, json};

pub use machine::{Input, Reason, SessionState, next};

use crate::chat_link;
use crate::clock;
use crate::gateway::{GatewayClient, GatewayError, GatewayStatus, Me, WebhookTarget};
use crate::qr::{self, QrError};
use crate::signature::{self, SignatureError};
use crate::store::{SessionEventRecord, Store, StoreError};

/// Largest gateway webhook accepted; real ones are a few hundred bytes.
pub const MAX_WEBHOOK_BYTES: usize = crate::rules::GATEWAY_WEBHOOK_BYTES.max as usize;

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The vendor id is not a WordPress user id.
    #[error("the vendor id must be a positive integer")]
    InvalidVendor,
    /// The vendor started sessions too often.
    #[error("too many connection attempts; try again in {retry_after} seconds")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after: i64,
    },
    /// The gateway failed.
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    /// A webhook's signature did not verify.
    #[error("gateway webhook refused: {0}")]
    Signature(#[from] SignatureError),
    /// A webhook's body is not a gateway envelope.
    #[error("gateway webhook refused: {0}")]
    BadWebhook(String),
    /// The QR code could not be drawn.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// The number to link by pairing code is not a WhatsApp number.
    #[error("enter the WhatsApp number with its country code, for example +49 151 2345678")]
    BadPhone,
    /// A pairing code needs a session that is waiting to be linked.
    #[error(
        "start linking first: a pairing code can only be requested while the session waits to be linked (it is {0})"
    )]
    NotWaitingForLink(&'static str),
    /// The number is linked to another vendor's connected session.
    #[error("this WhatsApp number is already linked to another vendor")]
    PhoneInUse,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Limits and intervals of the session lifecycle; the admin may tune them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Session starts a vendor may make per hour.
    pub max_starts_per_hour: u32,
    /// How long a linked device survives without the phone online (WhatsApp: 14 days).
    pub offline_expiry_seconds: i64,
    /// Lifetime of the first QR code the gateway shows.
    pub qr_first_seconds: i64,
    /// Lifetime of each later QR code.
    pub qr_next_seconds: i64,
    /// How long a pairing code may be typed on the phone.
    pub pairing_code_seconds: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_starts_per_hour: 5,
            offline_expiry_seconds: 14 * 86_400,
            qr_first_seconds: 60,
            qr_next_seconds: 20,
            pairing_code_seconds: 180,
        }
    }
}

/// The QR code a vendor should scan now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrCode {
    /// The code as an SVG document.
    pub svg: String,
    /// 1 for the first code, then one more per rotation.
    pub seq: i64,
    /// When the gateway is expected to replace it (Unix seconds).
    pub expires_at: i64,
}

/// The pairing code a vendor should type on their phone now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairingCode {
    /// Eight letters and digits as `ABCD-EFGH`.
    pub code: String,
    /// The number being linked (E.164).
    pub phone: String,
    /// When the code stops working (Unix seconds).
    pub expires_at: i64,
}

/// A vendor's session as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStatus {
    /// The vendor (WordPress user id).
    pub vendor_id: u64,
    /// Lifecycle state.
    pub state: SessionState,
    /// Why the session is expired, logged out or failed.
    pub reason: Option<Reason>,
    /// The linked phone number (E.164), once connected.
    pub phone: Option<String>,
    /// The name set on the linked phone.
    pub push_name: Option<String>,
    /// When the current state began (Unix seconds).
    pub since: Option<i64>,
    /// When the record last changed (Unix seconds).
    pub updated_at: Option<i64>,
    /// The QR code to scan, while waiting for one.
    pub qr: Option<QrCode>,
    /// The pairing code to type, while one was requested and has not expired.
    pub pairing: Option<PairingCode>,
    /// The vendor's session name on the gateway, once one was created.
    pub gateway_session: Option<String>,
}

/// What became of a gateway webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// The event moved the vendor's session.
    Applied {
        /// The vendor concerned.
        vendor_id: u64,
        /// The state before the event.
        from: SessionState,
        /// The state after the event.
        state: SessionState,
    },
    /// The event was seen before.
    Duplicate,
    /// The event is older than one already applied.
    Stale,
    /// A message the vendor sent from their phone (`message.any`, `fromMe`), kept for
    /// the response metrics.
    Reply {
        /// The vendor concerned.
        vendor_id: u64,
        /// Whether it was new (false for a redelivery).
        recorded: bool,
    },
    /// The event does not change anything (recorded in the history).
    Ignored {
        /// Why.
        reason: String,
    },
}

impl Event<'_> {
    /// An input the core itself noticed (a limit of time ran out).
    fn system(input: Input, now: i64) -> Self {
        Event {
            input,
            source: Source::System,
            id: None,
            occurred_ms: now * 1000,
            me: None,
            qr_value: None,
            pairing: None,
        }
    }
}

/// Where an input came from, for the event history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Vendor,
    Webhook,
    Poll,
    System,
}

/// One input with what came with it.
struct Event<'a> {
    input: Input,
    source: Source,
    id: Option<&'a str>,
    occurred_ms: i64,
    me: Option<&'a Me>,
    qr_value: Option<&'a str>,
    /// A pairing code the gateway issued, with the E.164 number it links.
    pairing: Option<(&'a str, &'a str)>,
}

/// The stored record.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) vendor_id: u64,
    pub(crate) session_name: String,
    pub(crate) state: SessionState,
    pub(crate) reason: Option<Reason>,
    pub(crate) phone: Option<String>,
    pub(crate) push_name: Option<String>,
    pub(crate) since: i64,
    pub(crate) updated_at: i64,
    pub(crate) last_event_ms: i64,
    pub(crate) phone_seen_at: Option<i64>,
    pub(crate) qr_value: Option<String>,
    pub(crate) qr_seq: i64,
    pub(crate) qr_issued_at: Option<i64>,
    pub(crate) pairing_code: Option<String>,
    pub(crate) pairing_phone: Option<String>,
    pub(crate) pairing_issued_at: Option<i64>,
}

impl Row {
    fn new(vendor_id: u64, session_name: String, now: i64) -> Self {
        Row {
            vendor_id,
            session_name,
            state: SessionState::Disconnected,
            reason: None,
            phone: None,
            push_name: None,
            since: now,
            updated_at: now,
            last_event_ms: 0,
            phone_seen_at: None,
            qr_value: None,
            qr_seq: 0,
            qr_issued_at: None,
            pairing_code: None,
            pairing_phone: None,
            pairing_issued_at: None,
        }
    }

    /// When the pairing code on record stops working.
    fn pairing_expires_at(&self, policy: &Policy) -> Option<i64> {
        self.pairing_code
            .as_ref()
            .and(self.pairing_issued_at)
            .map(|issued| issued + policy.pairing_code_seconds)
    }
}

/// The gateway session name for a vendor: `<prefix>_v<vendor>`. The prefix keeps two
/// sites sharing one gateway apart; it is reduced to `[a-z0-9]`, at most 16 characters.
pub fn session_name(prefix: &str, vendor_id: u64) -> String {
    let prefix: String = prefix
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(16)
        .collect();
    let prefix = if prefix.is_empty() {
        "wpwa".to_owned()
    } else {
        prefix
    };
    format!("{prefix}_v{vendor_id}")
}

fn check_vendor(vendor_id: u64) -> Result<i64, SessionError> {
    i64::try_from(vendor_id)
        .ok()
        .filter(|v| *v > 0)
        .ok_or(SessionError::InvalidVendor)
}

fn load(store: &Store, vendor_id: u64) -> Result<Option<Row>, SessionError> {
    check_vendor(vendor_id)?;
    Ok(store.sessions().load(vendor_id)?)
}

fn load_by_name(store: &Store, name: &str) -> Result<Option<Row>, SessionError> {
    Ok(store.sessions().load_by_name(name)?)
}

fn save(store: &Store, row: &Row) -> Result<(), SessionError> {
    Ok(store.sessions().save(row)?)
}

fn view(row: Option<&Row>, vendor_id: u64, policy: &Policy) -> Result<SessionStatus, SessionError> {
    let Some(row) = row else {
        return Ok(SessionStatus {
            vendor_id,
            state: SessionState::Disconnected,
            reason: None,
            phone: None,
            push_name: None,
            since: None,
            updated_at: None,
            qr: None,
            pairing: None,
            gateway_session: None,
        });
    };
    let qr = match (&row.qr_value, row.state, row.qr_issued_at) {
        (Some(value), SessionState::WaitingForScan, Some(issued)) => {
            let lifetime = if row.qr_seq <= 1 {
                policy.qr_first_seconds
            } else {
                policy.qr_next_seconds
            };
            Some(QrCode {
                svg: qr::render_svg(value)?,
                seq: row.qr_seq,
                expires_at: issued + lifetime,
            })
        }
        _ => None,
    };
    let pairing = match (
        &row.pairing_code,
        &row.pairing_phone,
        row.pairing_expires_at(policy),
    ) {
        (Some(code), Some(phone), Some(expires_at))
            if row.state == SessionState::WaitingForScan =>
        {
            Some(PairingCode {
                code: code.clone(),
                phone: phone.clone(),
                expires_at,
            })
        }
        _ => None,
    };
    let connected = row.state == SessionState::Connected;
    Ok(SessionStatus {
        vendor_id,
        state: row.state,
        reason: row.reason,
        phone: if connected || row.reason == Some(Reason::PhoneInUse) {
            row.phone.clone()
        } else {
            None
        },
        push_name: if connected {
            row.push_name.clone()
        } else {
            None
        },
        since: Some(row.since),
        updated_at: Some(row.updated_at),
        qr,
        pairing,
        gateway_session: Some(row.session_name.clone()),
    })
}

/// Applies one event in a transaction: deduplicated, ordered, recorded in the history.
fn apply(
    store: &Store,
    row: Option<Row>,
    vendor_id: u64,
    session_name: &str,
    event: &Event<'_>,
    now: i64,
) -> Result<(Row, WebhookOutcome), SessionError> {
    // Tried again after a transient failure: the body only reads and writes the store.
    store.transact(|tx| {
        let sessions = tx.sessions();
        let mut row = row
            .clone()
            .unwrap_or_else(|| Row::new(vendor_id, session_name.to_owned(), now));
        if let Some(id) = event.id {
            if sessions.event_seen(id)? {
                return Ok((row, WebhookOutcome::Duplicate));
            }
        }
        let from = row.state;
        let record = |to: SessionState, applied: bool| -> Result<(), SessionError> {
            Ok(sessions.record_event(&SessionEventRecord {
                vendor_id,
                event_id: event.id,
                source: event.source,
                input: &event.input.label(),
                from,
                to,
                applied,
                occurred_ms: event.occurred_ms,
                recorded_at: now,
            })?)
        };

        if event.source == Source::Webhook && event.occurred_ms < row.last_event_ms {
            record(from, false)?;
            return Ok((row, WebhookOutcome::Stale));
        }

        let phone = event.me.and_then(Me::phone);
        let mut input = event.input;
        if input == Input::Gateway(GatewayStatus::Working) {
            if let Some(phone) = &phone {
                if sessions.phone_owner(phone, vendor_id)?.is_some() {
                    input = Input::PhoneConflict;
                }
            }
        }

        let Some((to, mut reason)) = next(from, input) else {
            record(from, false)?;
            return Ok((
                row,
                WebhookOutcome::Ignored {
                    reason: format!(
                        "{} does not apply to a {} session",
                        input.label(),
                        from.as_str()
                    ),
                },
            ));
        };

        // The gateway gives up the same way whichever way the vendor was linking; the
        // vendor is told about the code they were typing.
        if reason == Some(Reason::QrExpired) && row.pairing_code.is_some() {
            reason = Some(Reason::PairingCodeExpired);
        }
        if to != from {
            row.since = now;
        }
        row.state = to;
        row.reason = reason;
        row.updated_at = now;
        row.last_event_ms = row.last_event_ms.max(event.occurred_ms);
        match to {
            SessionState::Connected => {
                if let Some(phone) = phone {
                    row.phone = Some(phone);
                }
                if let Some(me) = event.me {
                    row.push_name = me.push_name.clone();
                }
                row.phone_seen_at = Some(now);
            }
            SessionState::Failed if reason == Some(Reason::PhoneInUse) => {
                row.phone = phone;
            }
            _ => {}
        }
        if to == SessionState::WaitingForScan {
            if let Some(value) = event.qr_value {
                if row.qr_value.as_deref() != Some(value) {
                    row.qr_value = Some(value.to_owned());
                    row.qr_seq += 1;
                    row.qr_issued_at = Some(now);
                }
            }
            if let Some((code, phone)) = event.pairing {
                row.pairing_code = Some(code.to_owned());
                row.pairing_phone = Some(phone.to_owned());
                row.pairing_issued_at = Some(now);
            }
        } else {
            row.qr_value = None;
            row.qr_seq = 0;
            row.qr_issued_at = None;
            row.pairing_code = None;
            row.pairing_phone = None;
            row.pairing_issued_at = None;
        }
        sessions.save(&row)?;
        record(to, true)?;

        if to != from {
            let vendor = vendor_id;
            match reason {
                Some(reason) => tracing::warn!(
                    vendor_id = vendor,
                    kind = "session",
                    code = "session_changed",
                    from = from.as_str(),
                    to = to.as_str(),
                    reason = reason.as_str(),
                    phone = row
                        .phone
                        .as_deref()
                        .filter(|_| reason == Reason::PhoneInUse),
                    "WhatsApp session is now {} ({})",
                    to.as_str(),
                    reason.as_str()
                ),
                None => tracing::info!(
                    vendor_id = vendor,
                    kind = "session",
                    code = "session_changed",
                    from = from.as_str(),
                    to = to.as_str(),
                    "WhatsApp session is now {}",
                    to.as_str()
                ),
            }
        }
        Ok((
            row,
            WebhookOutcome::Applied {
                vendor_id,
                from,
                state: to,
            },
        ))
    })
}

/// The vendor's session now. A connected session whose phone has been offline longer
/// than linked devices survive, or a pairing code that was not typed in time, is
/// expired here.
pub fn status(
    store: &Store,
    vendor_id: u64,
    policy: &Policy,
    now: i64,
) -> Result<SessionStatus, SessionError> {
    let row = load(store, vendor_id)?;
    let row = match row {
        Some(r)
            if r.state == SessionState::Connected
                && r.phone_seen_at
                    .is_some_and(|seen| now - seen > policy.offline_expiry_seconds) =>
        {
            let name = r.session_name.clone();
            let event = Event::system(Input::OfflineTooLong, now);
            Some(apply(store, Some(r), vendor_id, &name, &event, now)?.0)
        }
        Some(r)
            if r.state == SessionState::WaitingForScan
                && r.pairing_expires_at(policy).is_some_and(|at| now >= at) =>
        {
            let name = r.session_name.clone();
            let event = Event::system(Input::PairingCodeExpired, now);
            Some(apply(store, Some(r), vendor_id, &name, &event, now)?.0)
        }
        other => other,
    };
    view(row.as_ref(), vendor_id, policy)
}

/// Starts linking the vendor's phone: creates the gateway session with this site's
/// webhook, starts it, and returns the session (a QR code follows shortly). A vendor
/// whose session is already live gets it back unchanged.
pub async fn connect(
    store: &Store,
    gateway: &GatewayClient,
    vendor_id: u64,
    name_prefix: &str,
    webhook: &WebhookTarget,
    policy: &Policy,
    now: i64,
) -> Result<SessionStatus, SessionError> {
    check_vendor(vendor_id)?;
    let row = load(store, vendor_id)?;
    if row.as_ref().is_some_and(|r| r.state.is_live()) {
        return view(row.as_ref(), vendor_id, policy);
    }
    count_start(store, vendor_id, policy, now)?;

    let name = row.as_ref().map_or_else(
        || session_name(name_prefix, vendor_id),
        |r| r.session_name.clone(),
    );
    let metadata = json!({"wpwa.vendor_id": vendor_id.to_string()});
    gateway.upsert_session(&name, &metadata, webhook).await?;
    gateway.start(&name).await?;
    let event = Event {
        input: Input::Connect,
        source: Source::Vendor,
        id: None,
        occurred_ms: clock::now_ms(),
        me: None,
        qr_value: None,
        pairing: None,
    };
    let (row, _) = apply(store, row, vendor_id, &name, &event, now)?;
    // The gateway may already show a QR code; if it cannot say yet, the dashboard's
    // next poll will ask again.
    let _ = refresh_row(store, gateway, row, policy, now).await;
    status(store, vendor_id, policy, now)
}

/// Asks the gateway for a pairing code that links `phone` (as the vendor typed it)
/// without scanning: the vendor enters the code on the phone under Linked devices →
/// Link with phone number. The session must be waiting to be linked (after
/// [`connect`]); a session still starting is asked once where it is. Each request
/// counts as a connection attempt against the hourly limit, like a QR session start.
pub async fn request_pairing_code(
    store: &Store,
    gateway: &GatewayClient,
    vendor_id: u64,
    phone: &str,
    policy: &Policy,
    now: i64,
) -> Result<SessionStatus, SessionError> {
    check_vendor(vendor_id)?;
    let digits = chat_link::number_digits(phone).map_err(|_| SessionError::BadPhone)?;
    let e164 = format!("+{digits}");
    let mut row = load(store, vendor_id)?;
    if row
        .as_ref()
        .is_some_and(|r| r.state == SessionState::Starting)
    {
        if let Some(r) = row.take() {
            refresh_row(store, gateway, r, policy, now).await?;
        }
        row = load(store, vendor_id)?;
    }
    let row = match row {
        Some(row) if row.state == SessionState::WaitingForScan => row,
        other => {
            return Err(SessionError::NotWaitingForLink(
                other
                    .map_or(SessionState::Disconnected, |r| r.state)
                    .as_str(),
            ));
        }
    };
    if store.sessions().phone_owner(&e164, vendor_id)?.is_some() {
        return Err(SessionError::PhoneInUse);
    }
    count_start(store, vendor_id, policy, now)?;

    let name = row.session_name.clone();
    let code = gateway.request_code(&name, &digits).await?;
    let event = Event {
        input: Input::PairingCode,
        source: Source::Vendor,
        id: None,
        occurred_ms: clock::now_ms(),
        me: None,
        qr_value: None,
        pairing: Some((&code, &e164)),
    };
    let (row, _) = apply(store, Some(row), vendor_id, &name, &event, now)?;
    tracing::info!(
        vendor_id = vendor_id,
        kind = "session",
        code = "session_pairing_code",
        "Pairing code issued to link a phone"
    );
    view(Some(&row), vendor_id, policy)
}

/// Counts a connection attempt (a session start or a pairing code) against the
/// vendor's hourly limit, or refuses it with the wait.
fn count_start(
    store: &Store,
    vendor_id: u64,
    policy: &Policy,
    now: i64,
) -> Result<(), SessionError> {
    let (count, oldest) = store.sessions().starts_in_last_hour(vendor_id, now)?;
    if count >= policy.max_starts_per_hour {
        let retry_after = oldest.map_or(3600, |t| t + 3600 - now).max(1);
        tracing::warn!(
            vendor_id = vendor_id,
            kind = "session",
            code = "session_start_limited",
            retry_after,
            "Connection attempt refused: too many attempts in the last hour"
        );
        return Err(SessionError::RateLimited { retry_after });
    }
    Ok(store.sessions().record_start(vendor_id, now)?)
}

/// The vendor's session state as stored (`None` before any session), read without the
/// policy's view: what a call is about to change.
pub fn stored_state(store: &Store, vendor_id: u64) -> Result<Option<SessionState>, SessionError> {
    Ok(load(store, vendor_id)?.map(|row| row.state))
}

/// Asks the gateway where a live session is and applies the answer, so the dashboard
/// sees QR rotations and the scan without waiting for a webhook.
pub async fn refresh(
    store: &Store,
    gateway: &GatewayClient,
    vendor_id: u64,
    policy: &Policy,
    now: i64,
) -> Result<SessionStatus, SessionError> {
    match load(store, vendor_id)? {
        Some(row) if row.state.is_live() => refresh_row(store, gateway, row, policy, now).await,
        row => view(row.as_ref(), vendor_id, policy),
    }
}

async fn refresh_row(
    store: &Store,
    gateway: &GatewayClient,
    row: Row,
    policy: &Policy,
    now: i64,
) -> Result<SessionStatus, SessionError> {
    let vendor_id = row.vendor_id;
    let name = row.session_name.clone();
    let (status, me) = match gateway.session(&name).await {
        Ok(info) => (info.status, info.me),
        // The gateway forgot the session (restarted without persistence): it stopped.
        Err(GatewayError::NotFound(_)) => (GatewayStatus::Stopped, None),
        Err(e) => return Err(e.into()),
    };
    let qr_value = if status == GatewayStatus::ScanQrCode {
        gateway.qr_value(&name).await.ok()
    } else {
        None
    };
    let event = Event {
        input: Input::Gateway(status),
        source: Source::Poll,
        id: None,
        occurred_ms: clock::now_ms(),
        me: me.as_ref(),
        qr_value: qr_value.as_deref(),
        pairing: None,
    };
    let (row, _) = apply(store, Some(row), vendor_id, &name, &event, now)?;
    if row.reason == Some(Reason::PhoneInUse) {
        // Free the other vendor's number on the gateway side too.
        let _ = gateway.logout(&name).await;
    }
    view(Some(&row), vendor_id, policy)
}

/// Unlinks the vendor's phone and stops the gateway session. The session ends here even
/// if the gateway cannot be reached; the error is still returned so the vendor is told.
pub async fn disconnect(
    store: &Store,
    gateway: &GatewayClient,
    vendor_id: u64,
    policy: &Policy,
    now: i64,
) -> Result<SessionStatus, SessionError> {
    let Some(row) = load(store, vendor_id)? else {
        return view(None, vendor_id, policy);
    };
    let name = row.session_name.clone();
    let gateway_result = match gateway.logout(&name).await {
        Ok(()) | Err(GatewayError::NotFound(_)) | Err(GatewayError::Rejected(_)) => {
            match gateway.stop(&name).await {
                Ok(()) | Err(GatewayError::NotFound(_)) | Err(GatewayError::Rejected(_)) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    let event = Event {
        input: Input::Disconnect,
        source: Source::Vendor,
        id: None,
        occurred_ms: clock::now_ms(),
        me: None,
        qr_value: None,
        pairing: None,
    };
    let (mut row, _) = apply(store, Some(row), vendor_id, &name, &event, now)?;
    row.phone = None;
    row.push_name = None;
    save(store, &row)?;
    gateway_result?;
    view(Some(&row), vendor_id, policy)
}

/// Verifies and applies a gateway webhook. `key` is the HMAC key the session was
/// created with; nothing is read from the body before its signature verifies.
pub fn handle_webhook(
    store: &Store,
    body: &[u8],
    signature_header: Option<&str>,
    key: &[u8],
    now: i64,
) -> Result<WebhookOutcome, SessionError> {
    if body.len() > MAX_WEBHOOK_BYTES {
        return Err(SessionError::BadWebhook(format!(
            "the body is larger than {MAX_WEBHOOK_BYTES} bytes"
        )));
    }
    signature::verify_sha512_hex(key, body, signature_header)?;
    let envelope: Value = serde_json::from_slice(body)
        .map_err(|e| SessionError::BadWebhook(format!("the body is not JSON: {e}")))?;
    let text = |field: &str| envelope.get(field).and_then(Value::as_str);
    let event_name = text("event")
        .ok_or_else(|| SessionError::BadWebhook("the envelope has no event".into()))?;
    let session = text("session")
        .ok_or_else(|| SessionError::BadWebhook("the envelope names no session".into()))?;
    let id = text("id");
    let occurred_ms = envelope
        .get("timestamp")
        .and_then(Value::as_i64)
        .unwrap_or_else(clock::now_ms);
    if event_name == "message.any" {
        return record_reply(store, session, &envelope, now);
    }
    if event_name != "session.status" {
        return Ok(WebhookOutcome::Ignored {
            reason: format!("event {event_name} is not handled here"),
        });
    }
    let status_name = envelope
        .pointer("/payload/status")
        .and_then(Value::as_str)
        .ok_or_else(|| SessionError::BadWebhook("session.status without payload.status".into()))?;
    let status = GatewayStatus::parse(status_name).ok_or_else(|| {
        SessionError::BadWebhook(format!(
            "unknown session status {:?}",
            status_name.chars().take(20).collect::<String>()
        ))
    })?;
    let me: Option<Me> = envelope
        .get("me")
        .filter(|m| !m.is_null())
        .and_then(|m| serde_json::from_value(m.clone()).ok());

    let Some(row) = load_by_name(store, session)? else {
        return Ok(WebhookOutcome::Ignored {
            reason: "no vendor has this session".into(),
        });
    };
    let vendor_id = row.vendor_id;
    let event = Event {
        input: Input::Gateway(status),
        source: Source::Webhook,
        id,
        occurred_ms,
        me: me.as_ref(),
        qr_value: None,
        pairing: None,
    };
    Ok(apply(store, Some(row), vendor_id, session, &event, now)?.1)
}

/// A `message.any` event: the vendor's own messages to a person are answers for the
/// response metrics; what others send them, and group or status chats, are not.
fn record_reply(
    store: &Store,
    session: &str,
    envelope: &Value,
    now: i64,
) -> Result<WebhookOutcome, SessionError> {
    let ignored = |reason: &str| {
        Ok(WebhookOutcome::Ignored {
            reason: reason.into(),
        })
    };
    let payload = envelope.get("payload").unwrap_or(&Value::Null);
    if payload.get("fromMe").and_then(Value::as_bool) != Some(true) {
        return ignored("a message to the vendor, not from them");
    }
    let Some(customer) = payload
        .get("to")
        .and_then(Value::as_str)
        .and_then(|to| to.strip_suffix("@c.us"))
        .filter(|d| (6..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
    else {
        return ignored("not a message to a person");
    };
    let Some(id) = payload
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= 200)
    else {
        return Err(SessionError::BadWebhook(
            "message.any without a payload id".into(),
        ));
    };
    let Some(row) = load_by_name(store, session)? else {
        return ignored("no vendor has this session");
    };
    // WAHA gives seconds in the payload and milliseconds on the envelope.
    let sent_at = payload
        .get("timestamp")
        .and_then(Value::as_i64)
        .or_else(|| {
            envelope
                .get("timestamp")
                .and_then(Value::as_i64)
                .map(|ms| ms / 1000)
        })
        .map_or(now, |at| at.clamp(0, now));
    let recorded = crate::response::record_reply(store, row.vendor_id, id, customer, sent_at)?;
    Ok(WebhookOutcome::Reply {
        vendor_id: row.vendor_id,
        recorded,
    })
}

/// One entry of a vendor's session history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// What happened (`connect`, `gateway:WORKING`, …).
    pub input: String,
    /// Where it came from: vendor, webhook, poll or system.
    pub source: String,
    /// State before.
    pub from_state: String,
    /// State after (equal to before when not applied).
    pub to_state: String,
    /// Whether it changed the session.
    pub applied: bool,
    /// When it was recorded (Unix seconds).
    pub recorded_at: i64,
}

/// The vendor's most recent session events, newest first.
pub fn history(
    store: &Store,
    vendor_id: u64,
    limit: u32,
) -> Result<Vec<HistoryEntry>, SessionError> {
    check_vendor(vendor_id)?;
    Ok(store.sessions().history(vendor_id, limit.clamp(1, 500))?)
}

#[cfg(test)]
mod tests;
