//! The state of each WhatsApp Business account (WABA) under coexistence, driven by
//! the Cloud API's `account_update` webhooks: `ACCOUNT_OFFBOARDED` (the number was
//! re-registered, e.g. the WhatsApp Business app reinstalled or moved to another
//! phone: Cloud API messaging is suspended until the owner accepts the reconnect
//! prompt), `PARTNER_REMOVED` (the number was disconnected from the marketplace, with
//! a reason when WhatsApp gives one) and `ACCOUNT_RECONNECTED` (messaging flows again).
//!
//! Each event applies once and in order: an event older than the one the account's
//! state came from (by `entry[].time`, or the time it was received when the webhook
//! has none), or the same event delivered again, changes nothing.

use serde::{Serialize, Serializer};

use crate::store::{BusinessAccountRecord, Store, StoreError, WriteTx};

/// Why an account's state could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum BusinessAccountError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an `account_update` event says happened (`value.event`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountEventKind {
    /// `PARTNER_REMOVED`: the number was disconnected from the marketplace's Cloud API
    /// access.
    PartnerRemoved,
    /// `ACCOUNT_OFFBOARDED`: the number was re-registered; messaging is suspended.
    Offboarded,
    /// `ACCOUNT_RECONNECTED`: the number is onboarded again; messaging resumes.
    Reconnected,
    /// Any other event, by the name WhatsApp gave (it changes no state).
    Other(String),
}

impl AccountEventKind {
    /// From the webhook's `event` name.
    pub fn from_name(name: &str) -> Self {
        match name {
            "PARTNER_REMOVED" => AccountEventKind::PartnerRemoved,
            "ACCOUNT_OFFBOARDED" => AccountEventKind::Offboarded,
            "ACCOUNT_RECONNECTED" => AccountEventKind::Reconnected,
            other => AccountEventKind::Other(other.to_owned()),
        }
    }

    /// The webhook's name of the event.
    pub fn name(&self) -> &str {
        match self {
            AccountEventKind::PartnerRemoved => "PARTNER_REMOVED",
            AccountEventKind::Offboarded => "ACCOUNT_OFFBOARDED",
            AccountEventKind::Reconnected => "ACCOUNT_RECONNECTED",
            AccountEventKind::Other(name) => name,
        }
    }

    /// The state the event puts the account in; `None` for an event that says
    /// nothing about it.
    pub fn state(&self) -> Option<AccountState> {
        match self {
            AccountEventKind::PartnerRemoved => Some(AccountState::Disconnected),
            AccountEventKind::Offboarded => Some(AccountState::Offboarded),
            AccountEventKind::Reconnected => Some(AccountState::Connected),
            AccountEventKind::Other(_) => None,
        }
    }
}

impl Serialize for AccountEventKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Whether the marketplace can message through an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Messaging flows (also the state of an account no event has been seen for).
    Connected,
    /// Re-registered: messaging suspended until the owner accepts the reconnect prompt.
    Offboarded,
    /// Disconnected from the marketplace: it must be connected again.
    Disconnected,
}

impl AccountState {
    /// Every state.
    pub const ALL: [AccountState; 3] = [
        AccountState::Connected,
        AccountState::Offboarded,
        AccountState::Disconnected,
    ];

    /// The stored and reported name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Connected => "connected",
            AccountState::Offboarded => "offboarded",
            AccountState::Disconnected => "disconnected",
        }
    }

    /// From the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One `account_update` webhook change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountEvent {
    /// The account (`entry[].id`).
    pub waba_id: String,
    /// What happened (`value.event`).
    pub kind: AccountEventKind,
    /// `disconnection_info.reason`, e.g. `PRIMARY_INACTIVITY`, when given.
    pub reason: Option<String>,
    /// `disconnection_info.initiated_by`: `USER` or `SYSTEM`, when given.
    pub initiated_by: Option<String>,
    /// `value.phone_number`, when given.
    pub phone_number: Option<String>,
    /// `entry[].time` (Unix seconds), when given.
    pub time: Option<i64>,
}

/// An account's state as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessAccount {
    /// The account.
    pub waba_id: String,
    /// Its state.
    pub state: AccountState,
    /// The last event applied (its webhook name).
    pub last_event: String,
    /// Its reason, when given.
    pub reason: Option<String>,
    /// Who started it (`USER`, `SYSTEM`), when given.
    pub initiated_by: Option<String>,
    /// The phone number the event named, when given.
    pub phone_number: Option<String>,
    /// When the last event happened (its `entry[].time`, else when it was received).
    pub event_at: i64,
    /// When the state last changed (received time, Unix seconds).
    pub changed_at: i64,
}

/// A change of an account's state that a webhook made, for the plugin to tell the
/// vendors and the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountChange {
    /// The account.
    pub waba_id: String,
    /// The state before (`connected` for an account not seen before).
    pub from: AccountState,
    /// The state now.
    pub to: AccountState,
    /// The event (its webhook name).
    pub event: String,
    /// Its reason, when given.
    pub reason: Option<String>,
    /// Who started it, when given.
    pub initiated_by: Option<String>,
    /// The phone number the event named, when given.
    pub phone_number: Option<String>,
}

/// Applies an `account_update` event inside the webhook's transaction; returns the
/// change when the account's state changed. An event with no account, of a kind that
/// says nothing about the state, older than the one applied last, or the same event
/// again, changes nothing.
pub fn apply_event(
    tx: &WriteTx<'_>,
    event: &AccountEvent,
    now: i64,
) -> Result<Option<AccountChange>, StoreError> {
    let Some(to) = event.kind.state() else {
        return Ok(None);
    };
    if event.waba_id.is_empty() {
        return Ok(None);
    }
    let at = event.time.filter(|t| *t > 0).unwrap_or(now);
    let repo = tx.business_accounts();
    let before = repo.get(&event.waba_id)?;
    let from = before.as_ref().map_or(AccountState::Connected, |b| b.state);
    if let Some(before) = &before {
        // Older than what the state came from, or the same event once more.
        let repeat = at == before.event_at && before.last_event == event.kind.name();
        if at < before.event_at || repeat {
            return Ok(None);
        }
    }
    let changed_at = match &before {
        Some(before) if before.state == to => before.changed_at,
        _ => now,
    };
    repo.put(&BusinessAccountRecord {
        waba_id: &event.waba_id,
        state: to,
        last_event: event.kind.name(),
        reason: event.reason.as_deref(),
        initiated_by: event.initiated_by.as_deref(),
        phone_number: event.phone_number.as_deref(),
        event_at: at,
        changed_at,
    })?;
    if from == to {
        return Ok(None);
    }
    // The plugin logs the change (site-wide and for the vendors on the account): it
    // knows which connections and vendors use it.
    Ok(Some(AccountChange {
        waba_id: event.waba_id.clone(),
        from,
        to,
        event: event.kind.name().to_owned(),
        reason: event.reason.clone(),
        initiated_by: event.initiated_by.clone(),
        phone_number: event.phone_number.clone(),
    }))
}

/// Every account whose state an event has set, by WABA id.
pub fn list(store: &Store) -> Result<Vec<BusinessAccount>, BusinessAccountError> {
    Ok(store.business_accounts().list()?)
}

/// One account's state, `None` when no event has been seen for it.
pub fn get(store: &Store, waba_id: &str) -> Result<Option<BusinessAccount>, BusinessAccountError> {
    Ok(store.business_accounts().get(waba_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: AccountEventKind, time: Option<i64>) -> AccountEvent {
        AccountEvent {
            waba_id: "102290129340398".into(),
            kind,
            reason: None,
            initiated_by: None,
            phone_number: None,
            time,
        }
    }

    fn apply(store: &Store, event: &AccountEvent, now: i64) -> Option<AccountChange> {
        store
            .transact(|tx| apply_event(tx, event, now))
            .expect("applies")
    }

    #[test]
    fn events_move_the_state_once_and_in_order() {
        let store = Store::open_in_memory().unwrap();
        let offboarded = event(AccountEventKind::Offboarded, Some(1_000));
        let change = apply(&store, &offboarded, 5_000).expect("a change");
        assert_eq!(
            (change.from, change.to, change.event.as_str()),
            (
                AccountState::Connected,
                AccountState::Offboarded,
                "ACCOUNT_OFFBOARDED"
            )
        );
        // Delivered again: nothing.
        assert_eq!(apply(&store, &offboarded, 5_100), None);
        // Reconnected later.
        let reconnected = event(AccountEventKind::Reconnected, Some(1_200));
        let change = apply(&store, &reconnected, 5_200).expect("a change");
        assert_eq!(
            (change.from, change.to),
            (AccountState::Offboarded, AccountState::Connected)
        );
        // The offboarding delivered late, after the reconnection: older, nothing.
        assert_eq!(apply(&store, &offboarded, 5_300), None);
        let stored = get(&store, "102290129340398").unwrap().unwrap();
        assert_eq!(stored.state, AccountState::Connected);
        assert_eq!(stored.last_event, "ACCOUNT_RECONNECTED");
        assert_eq!((stored.event_at, stored.changed_at), (1_200, 5_200));
    }

    #[test]
    fn an_older_event_arriving_first_is_overtaken_by_a_newer_one() {
        let store = Store::open_in_memory().unwrap();
        // The reconnection (newer) arrives before the offboarding (older).
        assert_eq!(
            apply(
                &store,
                &event(AccountEventKind::Reconnected, Some(2_000)),
                10
            ),
            None,
            "an unknown account is taken as connected: no change"
        );
        assert_eq!(
            apply(
                &store,
                &event(AccountEventKind::Offboarded, Some(1_000)),
                20
            ),
            None
        );
        assert_eq!(
            get(&store, "102290129340398").unwrap().unwrap().state,
            AccountState::Connected
        );
    }

    #[test]
    fn partner_removed_keeps_its_reason_and_without_time_the_receipt_orders() {
        let store = Store::open_in_memory().unwrap();
        let mut removed = event(AccountEventKind::PartnerRemoved, None);
        removed.reason = Some("PRIMARY_INACTIVITY".into());
        removed.initiated_by = Some("SYSTEM".into());
        removed.phone_number = Some("15550001111".into());
        let change = apply(&store, &removed, 100).expect("a change");
        assert_eq!(change.to, AccountState::Disconnected);
        assert_eq!(change.reason.as_deref(), Some("PRIMARY_INACTIVITY"));
        assert_eq!(change.initiated_by.as_deref(), Some("SYSTEM"));
        // The same event received at the same second: a repeat.
        assert_eq!(apply(&store, &removed, 100), None);
        // Received later, same state: recorded, but no change to report.
        assert_eq!(apply(&store, &removed, 200), None);
        let stored = list(&store).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].state, AccountState::Disconnected);
        assert_eq!(stored[0].phone_number.as_deref(), Some("15550001111"));
        assert_eq!((stored[0].event_at, stored[0].changed_at), (200, 100));
    }

    #[test]
    fn other_events_and_nameless_accounts_change_nothing() {
        let store = Store::open_in_memory().unwrap();
        let other = event(AccountEventKind::Other("VERIFIED_ACCOUNT".into()), Some(5));
        assert_eq!(apply(&store, &other, 10), None);
        let mut nameless = event(AccountEventKind::Offboarded, Some(5));
        nameless.waba_id.clear();
        assert_eq!(apply(&store, &nameless, 10), None);
        assert!(list(&store).unwrap().is_empty());
        assert_eq!(get(&store, "102290129340398").unwrap(), None);
    }

    #[test]
    fn kinds_read_and_name_the_webhook_events() {
        for name in [
            "PARTNER_REMOVED",
            "ACCOUNT_OFFBOARDED",
            "ACCOUNT_RECONNECTED",
        ] {
            let kind = AccountEventKind::from_name(name);
            assert!(!matches!(kind, AccountEventKind::Other(_)));
            assert_eq!(kind.name(), name);
            assert_eq!(serde_json::to_value(&kind).unwrap(), name);
        }
        assert_eq!(
            AccountEventKind::from_name("NEW_THING"),
            AccountEventKind::Other("NEW_THING".into())
        );
        for state in AccountState::ALL {
            assert_eq!(AccountState::parse(state.as_str()), Some(state));
        }
    }
}
