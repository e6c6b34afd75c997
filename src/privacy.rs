//! A customer's personal data in the store: what a data-export request hands back,
//! what an erasure request removes, and the retention purge of old conversations.
//!
//! Every table keys a customer by one key ([`crate::customer`]): the digits of their
//! phone number with the country code, or for a customer who never showed one, their
//! business-scoped user id (BSUID). A request may name them by phone, BSUID or
//! WhatsApp username ([`customer_keys`]).

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

/// The customer key a privacy request names directly: a BSUID as it is, a phone
/// number as [`whatsapp_id`] reads it.
pub fn customer_key(term: &str) -> Result<String, PrivacyError> {
    let trimmed = term.trim();
    if crate::customer::is_bsuid(trimmed) {
        return Ok(trimmed.to_owned());
    }
    whatsapp_id(trimmed)
}

/// Every customer key a phone number, BSUID or WhatsApp username (with or without
/// `@`) names: the person's own key, and those of customers WhatsApp has told are
/// them. A phone number names its own key even when nothing is recorded under it.
pub fn customer_keys(store: &Store, term: &str) -> Result<Vec<String>, PrivacyError> {
    let trimmed = term.trim();
    let mut keys = Vec::new();
    let mut add = |found: Vec<String>| {
        for key in found {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    };
    let customers = store.customers();
    match customer_key(trimmed) {
        Ok(key) => {
            add(vec![key.clone()]);
            add(customers.keys_matching(&key)?);
        }
        Err(not_a_number) => {
            let bare = trimmed.trim_start_matches('@');
            let is_username = (1..=crate::rules::MAX_USERNAME_CHARS)
                .contains(&bare.chars().count())
                && bare
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !is_username {
                return Err(not_a_number);
            }
            add(customers.keys_matching(bare)?);
            add(customers.keys_matching(&format!("@{bare}"))?);
        }
    }
    Ok(keys)
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
    /// What WhatsApp told of them: phone, BSUID, parent BSUID, username.
    pub identity: Option<crate::customer::Identity>,
    /// Their phone digits, when known (the key itself for a customer first seen with
    /// a phone); `None` for a customer WhatsApp names only by user ID.
    pub phone: Option<String>,
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
    let mut data = store.privacy().customer_data(customer)?;
    // An export with nothing in it names no one.
    if data != CustomerData::default() {
        data.phone = data
            .identity
            .as_ref()
            .and_then(|i| i.phone.clone())
            .or_else(|| crate::customer::key_phone(customer));
    }
    Ok(data)
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
    fn a_customer_without_a_phone_is_found_by_bsuid_or_username_and_erased_whole() {
        let store = Store::open_in_memory().unwrap();
        let bsuid = "US.13491208655302741918";
        let webhook = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "7", "changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": "42"},
            "contacts": [{"profile": {"name": "Dana", "username": "@dana.shops"}, "user_id": bsuid}],
            "messages": [{"from_user_id": bsuid, "id": "wamid.1", "timestamp": "1000", "type": "text", "text": {"body": "#ACME hello"}}]}}]}]});
        let vendors = [crate::routing::VendorEntry {
            vendor_id: 11,
            code: "ACME".into(),
            store_name: "Acme".into(),
        }];
        let config = crate::routing::RoutingConfig::default();
        crate::conversation::ingest(
            &store,
            webhook.to_string().as_bytes(),
            &vendors,
            &config,
            1000,
        )
        .unwrap();

        for term in [bsuid, "@dana.shops", "dana.shops", " dana.shops "] {
            assert_eq!(
                customer_keys(&store, term).unwrap(),
                vec![bsuid.to_owned()],
                "{term}"
            );
        }
        assert!(customer_keys(&store, "@nobody").unwrap().is_empty());
        // A phone number names its own key, recorded or not.
        assert_eq!(
            customer_keys(&store, "+1 555 000 1234").unwrap(),
            vec!["15550001234".to_owned()]
        );
        assert!(matches!(
            customer_keys(&store, "<script>"),
            Err(PrivacyError::BadNumber(_))
        ));

        let data = customer_data(&store, &customer_key(bsuid).unwrap()).unwrap();
        assert_eq!(data.conversations.len(), 1);
        assert_eq!(
            data.conversations[0].messages[0].text.as_deref(),
            Some("#ACME hello")
        );
        let identity = data.identity.expect("identity exported");
        assert_eq!(identity.username.as_deref(), Some("@dana.shops"));

        let removed = erase_customer(&store, bsuid).unwrap();
        assert_eq!((removed.conversations, removed.messages), (1, 1));
        assert!(customer_keys(&store, "@dana.shops").unwrap().is_empty());
        assert_eq!(
            customer_data(&store, bsuid).unwrap(),
            CustomerData::default()
        );
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
