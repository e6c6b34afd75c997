//! Vendor WhatsApp sessions: the per-vendor record of whether the vendor's phone is
//! linked, as the dashboard's Connection panel shows it.

use serde::Serialize;

use crate::store::{Store, StoreError};

/// Why a session could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The vendor id is not a WordPress user id.
    #[error("the vendor id must be a positive integer")]
    InvalidVendor,
    /// The stored record holds a state this build does not know.
    #[error("the stored session state {0:?} is unknown to this build")]
    UnknownState(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for SessionError {
    fn from(e: rusqlite::Error) -> Self {
        SessionError::Store(e.into())
    }
}

/// Where a vendor's session is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// No session, or a clean stop.
    Disconnected,
    /// The gateway is starting the session.
    Starting,
    /// A QR code is waiting to be scanned.
    WaitingForScan,
    /// The phone is linked.
    Connected,
    /// The QR codes ran out, or the phone stayed offline too long.
    Expired,
    /// The vendor or the phone logged the session out.
    LoggedOut,
    /// The gateway reported a failure.
    Failed,
}

impl SessionState {
    /// Every state, in lifecycle order.
    pub const ALL: [SessionState; 7] = [
        SessionState::Disconnected,
        SessionState::Starting,
        SessionState::WaitingForScan,
        SessionState::Connected,
        SessionState::Expired,
        SessionState::LoggedOut,
        SessionState::Failed,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Disconnected => "disconnected",
            SessionState::Starting => "starting",
            SessionState::WaitingForScan => "waiting_for_scan",
            SessionState::Connected => "connected",
            SessionState::Expired => "expired",
            SessionState::LoggedOut => "logged_out",
            SessionState::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, SessionError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| SessionError::UnknownState(name.chars().take(40).collect()))
    }
}

/// A vendor's session as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStatus {
    /// The vendor (WordPress user id).
    pub vendor_id: u64,
    /// Lifecycle state.
    pub state: SessionState,
    /// The linked phone number, once connected.
    pub phone: Option<String>,
    /// When the current state began (Unix seconds).
    pub since: Option<i64>,
    /// When the record last changed (Unix seconds).
    pub updated_at: Option<i64>,
}

/// The vendor's current session; a vendor who never connected is disconnected.
pub fn status(store: &Store, vendor_id: u64) -> Result<SessionStatus, SessionError> {
    let vendor = i64::try_from(vendor_id)
        .ok()
        .filter(|v| *v > 0)
        .ok_or(SessionError::InvalidVendor)?;
    let row = store.conn().query_row(
        "SELECT state, phone, since, updated_at FROM vendor_session WHERE vendor_id = ?1",
        [vendor],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, Option<i64>>(2)?,
                row.get::<_, i64>(3)?,
            ))
        },
    );
    match row {
        Ok((state, phone, since, updated_at)) => Ok(SessionStatus {
            vendor_id,
            state: SessionState::parse(&state)?,
            phone,
            since,
            updated_at: Some(updated_at),
        }),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(SessionStatus {
            vendor_id,
            state: SessionState::Disconnected,
            phone: None,
            since: None,
            updated_at: None,
        }),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_vendor_is_disconnected() {
        let store = Store::open_in_memory().unwrap();
        let status = status(&store, 12).unwrap();
        assert_eq!(status.state, SessionState::Disconnected);
        assert_eq!(
            (status.phone, status.since, status.updated_at),
            (None, None, None)
        );
    }

    #[test]
    fn reads_a_stored_session() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO vendor_session (vendor_id, state, phone, since, updated_at)
                 VALUES (3, 'connected', '+15550003', 100, 110)",
                [],
            )
            .unwrap();
        let status = status(&store, 3).unwrap();
        assert_eq!(status.state, SessionState::Connected);
        assert_eq!(status.phone.as_deref(), Some("+15550003"));
        assert_eq!((status.since, status.updated_at), (Some(100), Some(110)));
        assert!(matches!(
            super::status(&store, 4).unwrap().state,
            SessionState::Disconnected
        ));
    }

    #[test]
    fn refuses_vendor_zero_and_unknown_states() {
        let store = Store::open_in_memory().unwrap();
        assert!(matches!(
            status(&store, 0),
            Err(SessionError::InvalidVendor)
        ));
        assert!(matches!(
            status(&store, u64::MAX),
            Err(SessionError::InvalidVendor)
        ));
        store
            .conn()
            .execute(
                "INSERT INTO vendor_session (vendor_id, state, updated_at) VALUES (9, 'bogus', 1)",
                [],
            )
            .unwrap();
        assert!(matches!(
            status(&store, 9),
            Err(SessionError::UnknownState(_))
        ));
    }

    #[test]
    fn state_names_round_trip() {
        for state in SessionState::ALL {
            assert_eq!(SessionState::parse(state.as_str()).unwrap(), state);
        }
    }
}
