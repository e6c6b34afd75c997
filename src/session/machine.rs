//! The session lifecycle as a pure function: given where a vendor's session is and what
//! just happened, where it goes next. Storage, the gateway and time live elsewhere.

use serde::Serialize;

use crate::gateway::GatewayStatus;

/// Where a vendor's session is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// No session, or the vendor disconnected.
    Disconnected,
    /// The gateway is starting the session.
    Starting,
    /// A QR code is waiting to be scanned.
    WaitingForScan,
    /// The phone is linked.
    Connected,
    /// The QR codes ran out, the link broke, or the phone stayed offline too long.
    Expired,
    /// The phone removed the linked device.
    LoggedOut,
    /// The session could not be established.
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
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// A live session holds (or is acquiring) a gateway session; a vendor has at most one.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            SessionState::Starting | SessionState::WaitingForScan | SessionState::Connected
        )
    }
}

/// Why a session ended up expired, logged out or failed; the dashboard words its
/// guidance from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Every QR code expired before a scan.
    QrExpired,
    /// The pairing code was not entered on the phone in time.
    PairingCodeExpired,
    /// The link to the phone broke.
    ConnectionLost,
    /// The phone was offline for longer than WhatsApp keeps linked devices.
    OfflineTooLong,
    /// The phone removed the linked device.
    PhoneLoggedOut,
    /// The number is already linked to another vendor.
    PhoneInUse,
    /// The gateway could not start the session.
    GatewayFailed,
    /// The gateway stopped the session on its own.
    GatewayStopped,
}

impl Reason {
    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::QrExpired => "qr_expired",
            Reason::PairingCodeExpired => "pairing_code_expired",
            Reason::ConnectionLost => "connection_lost",
            Reason::OfflineTooLong => "offline_too_long",
            Reason::PhoneLoggedOut => "phone_logged_out",
            Reason::PhoneInUse => "phone_in_use",
            Reason::GatewayFailed => "gateway_failed",
            Reason::GatewayStopped => "gateway_stopped",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Reason::QrExpired,
            Reason::PairingCodeExpired,
            Reason::ConnectionLost,
            Reason::OfflineTooLong,
            Reason::PhoneLoggedOut,
            Reason::PhoneInUse,
            Reason::GatewayFailed,
            Reason::GatewayStopped,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
    }
}

/// Something that happened to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The vendor asked to connect.
    Connect,
    /// The vendor asked to disconnect.
    Disconnect,
    /// The gateway reported a status.
    Gateway(GatewayStatus),
    /// The gateway reported the phone linked, but the number belongs to another vendor.
    PhoneConflict,
    /// The phone has not been online for longer than linked devices survive.
    OfflineTooLong,
    /// The vendor asked for a pairing code to type on the phone.
    PairingCode,
    /// The pairing code was not entered before it expired.
    PairingCodeExpired,
}

impl Input {
    /// How the event history names this input.
    pub fn label(self) -> String {
        match self {
            Input::Connect => "connect".into(),
            Input::Disconnect => "disconnect".into(),
            Input::Gateway(status) => format!(
                "gateway:{}",
                serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            Input::PhoneConflict => "phone_conflict".into(),
            Input::OfflineTooLong => "offline_too_long".into(),
            Input::PairingCode => "pairing_code".into(),
            Input::PairingCodeExpired => "pairing_code_expired".into(),
        }
    }
}

/// Where the session goes: the new state and, for the unhappy ends, why. `None` means
/// the input does not apply in the current state and changes nothing.
pub fn next(current: SessionState, input: Input) -> Option<(SessionState, Option<Reason>)> {
    use GatewayStatus as G;
    use SessionState as S;
    let to = |state| Some((state, None));
    let because = |state, reason| Some((state, Some(reason)));
    match (current, input) {
        // Only the vendor starts a session, and only one at a time.
        (S::Disconnected | S::Expired | S::LoggedOut | S::Failed, Input::Connect) => {
            to(S::Starting)
        }
        (_, Input::Connect) => None,
        (S::Disconnected, Input::Disconnect) => None,
        (_, Input::Disconnect) => to(S::Disconnected),

        // A vendor who disconnected stays disconnected whatever the gateway says later.
        (S::Disconnected, Input::Gateway(_)) => None,

        (S::Starting, Input::Gateway(G::ScanQrCode)) => to(S::WaitingForScan),
        // A rotated QR code keeps the session waiting; the caller stores the new code.
        (S::WaitingForScan, Input::Gateway(G::ScanQrCode)) => to(S::WaitingForScan),
        (S::Connected, Input::Gateway(G::ScanQrCode)) => {
            because(S::LoggedOut, Reason::PhoneLoggedOut)
        }

        (S::Starting | S::WaitingForScan, Input::Gateway(G::Working)) => to(S::Connected),
        // Seen online again: keeps the session alive against the offline expiry.
        (S::Connected, Input::Gateway(G::Working)) => to(S::Connected),
        // The gateway re-established a dropped link on its own.
        (S::Expired, Input::Gateway(G::Working)) => to(S::Connected),

        (S::Starting, Input::Gateway(G::Failed)) => because(S::Failed, Reason::GatewayFailed),
        (S::WaitingForScan, Input::Gateway(G::Failed)) => because(S::Expired, Reason::QrExpired),
        (S::Connected, Input::Gateway(G::Failed)) => because(S::Expired, Reason::ConnectionLost),

        (S::Starting, Input::Gateway(G::Stopped)) => because(S::Failed, Reason::GatewayStopped),
        (S::WaitingForScan | S::Connected, Input::Gateway(G::Stopped)) => {
            because(S::Expired, Reason::GatewayStopped)
        }

        (S::Starting | S::WaitingForScan | S::Connected, Input::PhoneConflict) => {
            because(S::Failed, Reason::PhoneInUse)
        }
        (S::Connected, Input::OfflineTooLong) => because(S::Expired, Reason::OfflineTooLong),
        // A code replaces the one before it; the QR code stays usable meanwhile.
        (S::WaitingForScan, Input::PairingCode) => to(S::WaitingForScan),
        (S::WaitingForScan, Input::PairingCodeExpired) => {
            because(S::Expired, Reason::PairingCodeExpired)
        }

        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GatewayStatus as G;
    use SessionState as S;

    #[test]
    fn the_happy_path() {
        let mut state = S::Disconnected;
        for (input, expected) in [
            (Input::Connect, S::Starting),
            (Input::Gateway(G::Starting), S::Starting),
            (Input::Gateway(G::ScanQrCode), S::WaitingForScan),
            (Input::Gateway(G::ScanQrCode), S::WaitingForScan),
            (Input::Gateway(G::Working), S::Connected),
            (Input::Disconnect, S::Disconnected),
        ] {
            state = next(state, input).map_or(state, |(s, _)| s);
            assert_eq!(state, expected, "after {input:?}");
        }
    }

    #[test]
    fn every_state_and_input_has_a_defined_answer() {
        let inputs = [
            Input::Connect,
            Input::Disconnect,
            Input::Gateway(G::Stopped),
            Input::Gateway(G::Starting),
            Input::Gateway(G::ScanQrCode),
            Input::Gateway(G::Working),
            Input::Gateway(G::Failed),
            Input::PhoneConflict,
            Input::OfflineTooLong,
        ];
        // The full table, row by row: state → outcome per input above ("-" = unchanged).
        let table: [(S, [&str; 9]); 7] = [
            (
                S::Disconnected,
                ["starting", "-", "-", "-", "-", "-", "-", "-", "-"],
            ),
            (
                S::Starting,
                [
                    "-",
                    "disconnected",
                    "failed:gateway_stopped",
                    "-",
                    "waiting_for_scan",
                    "connected",
                    "failed:gateway_failed",
                    "failed:phone_in_use",
                    "-",
                ],
            ),
            (
                S::WaitingForScan,
                [
                    "-",
                    "disconnected",
                    "expired:gateway_stopped",
                    "-",
                    "waiting_for_scan",
                    "connected",
                    "expired:qr_expired",
                    "failed:phone_in_use",
                    "-",
                ],
            ),
            (
                S::Connected,
                [
                    "-",
                    "disconnected",
                    "expired:gateway_stopped",
                    "-",
                    "logged_out:phone_logged_out",
                    "connected",
                    "expired:connection_lost",
                    "failed:phone_in_use",
                    "expired:offline_too_long",
                ],
            ),
            (
                S::Expired,
                [
                    "starting",
                    "disconnected",
                    "-",
                    "-",
                    "-",
                    "connected",
                    "-",
                    "-",
                    "-",
                ],
            ),
            (
                S::LoggedOut,
                [
                    "starting",
                    "disconnected",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                ],
            ),
            (
                S::Failed,
                [
                    "starting",
                    "disconnected",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                ],
            ),
        ];
        for (state, row) in table {
            for (input, expected) in inputs.iter().zip(row) {
                let got = match next(state, *input) {
                    None => "-".to_owned(),
                    Some((s, None)) => s.as_str().to_owned(),
                    Some((s, Some(r))) => format!("{}:{}", s.as_str(), r.as_str()),
                };
                assert_eq!(got, expected, "{state:?} + {input:?}");
            }
        }
    }

    #[test]
    fn a_live_session_is_never_started_twice() {
        for state in S::ALL.into_iter().filter(|s| s.is_live()) {
            assert_eq!(next(state, Input::Connect), None, "{state:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Some(state));
        }
        assert_eq!(Reason::parse("qr_expired"), Some(Reason::QrExpired));
        assert_eq!(Reason::parse("nope"), None);
        assert_eq!(
            Input::Gateway(G::ScanQrCode).label(),
            "gateway:SCAN_QR_CODE"
        );
    }
}
