//! A customer's personal data in the store: what a data-export request hands back,
//! what an erasure request removes, and the retention purge of old conversations.
//!
//! Customers are known by their WhatsApp id (the phone number's digits with the
//! country code), which is how every table that holds their data keys them.

use serde::Serialize;

use crate::store::{RemovalScope, Store, StoreError};

/// Why a privacy request could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// The number cannot be a WhatsApp id, so it could match nobody (or the wrong person).
    #[error(
        "{0:?} is not a WhatsApp number: give it in international form, 6 to 15 digits with the country code"
    )]
    BadNumber(String),
    /// A retention too short to keep the month's sends the allowance counts, or absurdly long.
    #[error(
        "customer messages are kept {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days, not {0}"
    )]
    Retention(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The shortest retention the purge accepts: a month's sends count against the
/// monthly allowance, so they must outlive the month.
pub const MIN_RETENTION_DAYS: i64 = 31;

/// The longest retention the purge accepts (a hundred years: "keep forever" is no purge).
pub const MAX_RETENTION_DAYS: i64 = 36_500;

/// The cut-off of a purge that keeps `days` days of conversations at `now`.
pub fn retention_cutoff(days: i64, now: i64) -> Result<i64, PrivacyError> {
    if !(MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&days) {
        return Err(PrivacyError::Retention(days));
    }
    Ok(now - days * 86_400)
}

/// Turns a phone number as people write it (`+49 (170) 123-4567`, `0049 170…`) into
/// the WhatsApp id the store keys customers by. National numbers without a country
/// code are refused rather than guessed.
pub fn whatsapp_id(number: &str) -> Result<String, PrivacyError> {
    let trimmed = number.trim();
    let bad = || PrivacyError::BadNumber(trimmed.chars().take(40).collect());
    if !trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().\u{a0}/".contains(c))
    {
        return Err(bad());
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = trimmed.starts_with('+') || digits.starts_with("00");
    let id = digits.strip_prefix("00").unwrap_or(&digits);
    if !international && trimmed.starts_with('0') {
        return Err(bad());
    }
    if !crate::rules::WHATSAPP_NUMBER_DIGITS.contains(id.len() as i64) || id.starts_with('0') {
        return Err(bad());
    }
    Ok(id.to_owned())
}

/// One conversation of the customer's, with its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerConversation {
    /// The vendor it belongs to (0 = the marketplace team).
    pub vendor_id: u64,
    /// The profile name WhatsApp gave for the customer.
    pub customer_name: Option<String>,
    /// The product last referred to (retailer id).
    pub product: Option<String>,
    /// When it started (Unix seconds).
    pub created_at: i64,
    /// Its messages.
    pub messages: Vec<CustomerMessage>,
}

/// One message, as a person reading their data export would want it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerMessage {
    /// `inbound` (from the customer), `outbound` (to them) or `echo` (the vendor's own
    /// phone, seen through their linked session).
    pub direction: String,
    /// The WhatsApp message type (`text`, `image`, `order`, `template`…).
    pub kind: String,
    /// Its text, where it had one.
    pub text: Option<String>,
    /// The last delivery state reported (`sent`, `delivered`, `read`, `failed`).
    pub status: Option<String>,
    /// When it was sent (Unix seconds).
    pub sent_at: i64,
}

/// Everything the store holds about one customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerData {
    /// Their conversations, most recent first.
    pub conversations: Vec<CustomerConversation>,
    /// Vendor answers seen from the vendors' phones (response metrics).
    pub vendor_replies: u64,
    /// When they were last asked which shop they meant, if they were.
    pub asked_for_shop_at: Option<i64>,
    /// Their consent records (what they agreed to or withdrew, where, when, the text
    /// shown), oldest first.
    pub consents: Vec<crate::consent::Record>,
    /// The order updates sent (or not sent) to them.
    pub order_updates: Vec<crate::order_updates::UpdateView>,
    /// The carts they sent from the catalog, oldest first: lines, state, the order
    /// each became or why none was made.
    pub carts: Vec<crate::orders::Cart>,
}

/// What an erasure or a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// Conversations deleted.
    pub conversations: u64,
    /// Messages deleted (with their delivery statuses).
    pub messages: u64,
    /// Other rows that named the customer (vendor answers, shop menus, carts, consent
    /// records, order updates).
    pub other: u64,
}

/// Everything stored about the customer with WhatsApp id `customer`.
pub fn customer_data(store: &Store, customer: &str) -> Result<CustomerData, PrivacyError> {
    Ok(store.privacy().customer_data(customer)?)
}

/// Deletes everything stored about the customer with WhatsApp id `customer`, in one
/// transaction: a failure half-way leaves their data whole, never half-erased.
pub fn erase_customer(store: &Store, customer: &str) -> Result<Removed, PrivacyError> {
    remove(store, RemovalScope::Customer(customer))
}

/// Deletes the conversations nobody wrote in since `before` (Unix seconds), with all
/// their messages; the daily retention purge calls this. Newer conversations keep
/// their whole history, so a thread is never left with its beginning cut off.
pub fn purge_conversations(store: &Store, before: i64) -> Result<Removed, PrivacyError> {
    remove(store, RemovalScope::OlderThan(before))
}

/// Deletes, in one transaction, the conversations in `scope` with their messages and
/// the messages' delivery statuses, and the vendor answers and shop menus in `scope`.
fn remove(store: &Store, scope: RemovalScope<'_>) -> Result<Removed, PrivacyError> {
    store.transact(|tx| Ok::<_, PrivacyError>(tx.privacy().remove(scope)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_keeps_at_least_a_month() {
        assert_eq!(retention_cutoff(31, 100 * 86_400).unwrap(), 69 * 86_400);
        for days in [0, 30, -1, 36_501] {
            assert!(
                matches!(retention_cutoff(days, 0), Err(PrivacyError::Retention(d)) if d == days)
            );
        }
    }

    #[test]
    fn numbers_become_whatsapp_ids() {
        for (written, id) in [
            ("+49 (170) 123-4567", "491701234567"),
            ("0049 170 1234567", "491701234567"),
            ("15550001234", "15550001234"),
            ("+1 555.000.1234", "15550001234"),
        ] {
            assert_eq!(whatsapp_id(written).unwrap(), id, "{written}");
        }
    }

    #[test]
    fn numbers_that_could_match_the_wrong_person_are_refused() {
        for bad in [
            "",
            "0170 1234567",
            "12345",
            "+1234567890123456",
            "call me",
            "+49 170 ext 5",
        ] {
            assert!(
                matches!(whatsapp_id(bad), Err(PrivacyError::BadNumber(_))),
                "{bad:?}"
            );
        }
    }
}
