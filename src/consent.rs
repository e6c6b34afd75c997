//! Customers' consent to WhatsApp messages: what they agreed to (order updates,
//! marketing), where (checkout, a WhatsApp reply, the admin), when, and the exact text
//! they were shown.
//!
//! The history is append-only: every grant and withdrawal is a new record, and a
//! customer's current state for a purpose is their latest record for it. Nothing is
//! sent on a purpose without a current grant ([`granted`]).
//!
//! Replies on WhatsApp change consent too ([`apply_reply`]): a message that is exactly
//! one of the admin's opt-out words (STOP by default, trimmed, any case) withdraws
//! every purpose; one of the opt-in words (YES, START) grants order updates, but only
//! to a customer who was invited to reply so ([`invite`]) in the last
//! [`INVITATION_SECONDS`]: a stray "yes" in a conversation with a vendor is no
//! agreement to messages nobody offered.

use serde::Serialize;

use crate::store::{Store, StoreError};

/// How long an invitation to reply YES stays open (7 days).
pub const INVITATION_SECONDS: i64 = 7 * 86_400;

/// Longest consent text recorded, in characters (a checkbox label, an invitation).
pub const MAX_TEXT_CHARS: usize = 1000;

/// The opt-out words when the admin has set none.
pub const DEFAULT_OPT_OUT_WORDS: &str = "STOP";

/// The opt-in words when the admin has set none.
pub const DEFAULT_OPT_IN_WORDS: &str = "YES, START";

/// Why consent could not be recorded or read.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// The customer is not a WhatsApp number.
    #[error(
        "the customer must be a WhatsApp number (6 to 15 digits with the country code) or a WhatsApp user ID"
    )]
    BadCustomer,
    /// A purpose the core does not know.
    #[error("unknown consent purpose {0:?}: use order_updates or marketing")]
    UnknownPurpose(String),
    /// A source the core does not know.
    #[error("unknown consent source {0:?}: use checkout, whatsapp or admin")]
    UnknownSource(String),
    /// No text was given: a consent record says what the customer saw.
    #[error("a consent record needs the text the customer was shown")]
    MissingText,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a customer consents to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Utility templates about their orders.
    OrderUpdates,
    /// Marketing templates.
    Marketing,
}

impl Purpose {
    /// Every purpose.
    pub const ALL: [Purpose; 2] = [Purpose::OrderUpdates, Purpose::Marketing];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::OrderUpdates => "order_updates",
            Purpose::Marketing => "marketing",
        }
    }

    /// The purpose named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Where consent was given or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The checkout's opt-in box.
    Checkout,
    /// A WhatsApp reply (opt-in or opt-out word).
    Whatsapp,
    /// The admin, on the customer's behalf.
    Admin,
}

impl Source {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Checkout => "checkout",
            Source::Whatsapp => "whatsapp",
            Source::Admin => "admin",
        }
    }

    /// The source named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [Source::Checkout, Source::Whatsapp, Source::Admin]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// The customer's WhatsApp id.
    pub customer: String,
    /// What it is about.
    pub purpose: Purpose,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// Where.
    pub source: Source,
    /// The exact text the customer was shown (or wrote, for a WhatsApp reply).
    pub text: String,
    /// The order it was given with at checkout.
    pub order_id: Option<u64>,
    /// When (Unix seconds).
    pub at: i64,
}

/// Checks a customer's key: their WhatsApp number's digits (6 to 15), or the BSUID of
/// a customer who never showed a number ([`crate::customer`]).
pub fn check_customer(customer: &str) -> Result<(), ConsentError> {
    if crate::customer::is_phone(customer) || crate::customer::is_bsuid(customer) {
        Ok(())
    } else {
        Err(ConsentError::BadCustomer)
    }
}

/// Appends a record (the customer's new current state for its purpose) and returns it.
pub fn record(store: &Store, record: Record) -> Result<Record, ConsentError> {
    check_customer(&record.customer)?;
    let text: String = record.text.trim().chars().take(MAX_TEXT_CHARS).collect();
    if text.is_empty() {
        return Err(ConsentError::MissingText);
    }
    let record = Record { text, ..record };
    store.transact(|tx| {
        tx.consents().append(&record)?;
        if record.granted && record.purpose == Purpose::OrderUpdates {
            // An invitation answered some other way is closed all the same.
            tx.consents().forget_invitation(&record.customer)?;
        }
        Ok::<_, ConsentError>(())
    })?;
    tracing::info!(
        kind = "consent",
        code = if record.granted {
            "consent_granted"
        } else {
            "consent_withdrawn"
        },
        purpose = record.purpose.as_str(),
        source = record.source.as_str(),
        "Consent to {} {} ({})",
        record.purpose.as_str(),
        if record.granted {
            "granted"
        } else {
            "withdrawn"
        },
        record.source.as_str()
    );
    Ok(record)
}

/// The customer's current state for `purpose`: their latest record, if any.
pub fn current(
    store: &Store,
    customer: &str,
    purpose: Purpose,
) -> Result<Option<Record>, ConsentError> {
    Ok(store.consents().latest(customer, purpose)?)
}

/// Whether the customer's current state for `purpose` is a grant.
pub fn granted(store: &Store, customer: &str, purpose: Purpose) -> Result<bool, ConsentError> {
    Ok(current(store, customer, purpose)?.is_some_and(|r| r.granted))
}

/// Every record of the customer's, oldest first.
pub fn history(store: &Store, customer: &str) -> Result<Vec<Record>, ConsentError> {
    Ok(store.consents().history(customer)?)
}

/// Records that the customer was invited to reply an opt-in word for order updates
/// (e.g. with the pay link of an order made from their WhatsApp cart), with the text
/// they were shown. The invitation stays open [`INVITATION_SECONDS`].
pub fn invite(
    store: &Store,
    customer: &str,
    order_id: Option<u64>,
    text: &str,
    now: i64,
) -> Result<(), ConsentError> {
    check_customer(customer)?;
    let text: String = text.trim().chars().take(MAX_TEXT_CHARS).collect();
    if text.is_empty() {
        return Err(ConsentError::MissingText);
    }
    Ok(store
        .consents()
        .put_invitation(customer, order_id, &text, now)?)
}

/// The admin's opt-out and opt-in words, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    opt_out: Vec<String>,
    opt_in: Vec<String>,
}

impl Default for Words {
    fn default() -> Self {
        Self::parse(DEFAULT_OPT_OUT_WORDS, DEFAULT_OPT_IN_WORDS)
    }
}

impl Words {
    /// The words of two comma- or newline-separated lists; an empty list keeps the
    /// default (a store that cannot be told STOP is no option). A word in both lists
    /// counts as opt-out only.
    pub fn parse(opt_out: &str, opt_in: &str) -> Self {
        let list = |text: &str, default: &str| {
            let words = split_words(text);
            if words.is_empty() {
                split_words(default)
            } else {
                words
            }
        };
        let opt_out = list(opt_out, DEFAULT_OPT_OUT_WORDS);
        let opt_in = list(opt_in, DEFAULT_OPT_IN_WORDS)
            .into_iter()
            .filter(|w| !opt_out.contains(w))
            .collect();
        Self { opt_out, opt_in }
    }

    /// The opt-out words.
    pub fn opt_out(&self) -> &[String] {
        &self.opt_out
    }

    /// The opt-in words.
    pub fn opt_in(&self) -> &[String] {
        &self.opt_in
    }

    /// What a customer's message means: `Some(false)` an opt-out, `Some(true)` an
    /// opt-in, `None` neither. The whole message must be the word (trimmed, any case,
    /// a final `.` or `!` ignored): "stop sending me the wrong size" is a question for
    /// the vendor, not an opt-out.
    pub fn meaning(&self, text: &str) -> Option<bool> {
        let word = normalize(text.trim().trim_end_matches(['.', '!']));
        if word.is_empty() {
            None
        } else if self.opt_out.contains(&word) {
            Some(false)
        } else if self.opt_in.contains(&word) {
            Some(true)
        } else {
            None
        }
    }
}

fn normalize(word: &str) -> String {
    word.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

fn split_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split([',', '\n']).map(normalize) {
        if !word.is_empty() && word.chars().count() <= 40 && !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// A change of consent a customer's WhatsApp reply made, for the plugin to confirm to
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentChange {
    /// The customer's WhatsApp id.
    pub customer: String,
    /// Granted (an opt-in word) or withdrawn (an opt-out word).
    pub granted: bool,
    /// The purposes it changed.
    pub purposes: Vec<Purpose>,
    /// What to tell the customer, as a code the plugin words: `consent_withdrawn` or
    /// `consent_granted`.
    pub code: &'static str,
    /// The order the answered invitation was about, for an opt-in.
    pub order_id: Option<u64>,
}

/// Applies a customer's message to their consent: an opt-out word withdraws every
/// purpose (recorded even when nothing was granted: the customer asked, and is told
/// so); an opt-in word grants order updates when an invitation is open, recording the
/// invitation's text. Runs inside the caller's write transaction.
pub fn apply_reply(
    tx: &crate::store::WriteTx<'_>,
    customer: &str,
    text: &str,
    words: &Words,
    now: i64,
) -> Result<Option<ConsentChange>, ConsentError> {
    if check_customer(customer).is_err() {
        return Ok(None);
    }
    let reply: String = text.trim().chars().take(MAX_TEXT_CHARS).collect();
    match words.meaning(text) {
        None => Ok(None),
        Some(false) => {
            for purpose in Purpose::ALL {
                tx.consents().append(&Record {
                    customer: customer.to_owned(),
                    purpose,
                    granted: false,
                    source: Source::Whatsapp,
                    text: reply.clone(),
                    order_id: None,
                    at: now,
                })?;
            }
            tx.consents().forget_invitation(customer)?;
            Ok(Some(ConsentChange {
                customer: customer.to_owned(),
                granted: false,
                purposes: Purpose::ALL.to_vec(),
                code: "consent_withdrawn",
                order_id: None,
            }))
        }
        Some(true) => {
            let Some((order_id, invitation)) = tx
                .consents()
                .invitation(customer, now - INVITATION_SECONDS)?
            else {
                return Ok(None);
            };
            tx.consents().append(&Record {
                customer: customer.to_owned(),
                purpose: Purpose::OrderUpdates,
                granted: true,
                source: Source::Whatsapp,
                text: invitation,
                order_id,
                at: now,
            })?;
            tx.consents().forget_invitation(customer)?;
            Ok(Some(ConsentChange {
                customer: customer.to_owned(),
                granted: true,
                purposes: vec![Purpose::OrderUpdates],
                code: "consent_granted",
                order_id,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout(customer: &str, granted: bool, at: i64) -> Record {
        Record {
            customer: customer.into(),
            purpose: Purpose::OrderUpdates,
            granted,
            source: Source::Checkout,
            text: "  Send me order updates on WhatsApp  ".into(),
            order_id: Some(7),
            at,
        }
    }

    #[test]
    fn the_latest_record_is_the_current_state_and_history_is_kept() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            current(&store, "15550001", Purpose::OrderUpdates).unwrap(),
            None
        );
        assert!(!granted(&store, "15550001", Purpose::OrderUpdates).unwrap());
        let first = record(&store, checkout("15550001", true, 100)).unwrap();
        assert_eq!(
            first.text, "Send me order updates on WhatsApp",
            "the text as shown, trimmed"
        );
        assert!(granted(&store, "15550001", Purpose::OrderUpdates).unwrap());
        assert!(
            !granted(&store, "15550001", Purpose::Marketing).unwrap(),
            "order updates are no marketing consent"
        );
        record(&store, checkout("15550001", false, 200)).unwrap();
        assert!(!granted(&store, "15550001", Purpose::OrderUpdates).unwrap());
        let history = history(&store, "15550001").unwrap();
        assert_eq!(
            history
                .iter()
                .map(|r| (r.granted, r.at))
                .collect::<Vec<_>>(),
            vec![(true, 100), (false, 200)]
        );
        assert_eq!(history[0].order_id, Some(7));
        assert!(
            !granted(&store, "15550002", Purpose::OrderUpdates).unwrap(),
            "per customer"
        );
    }

    #[test]
    fn records_need_a_number_and_a_text() {
        let store = Store::open_in_memory().unwrap();
        assert!(matches!(
            record(&store, checkout("+1555", true, 1)),
            Err(ConsentError::BadCustomer)
        ));
        let mut blank = checkout("15550001", true, 1);
        blank.text = "  ".into();
        assert!(matches!(
            record(&store, blank),
            Err(ConsentError::MissingText)
        ));
        assert_eq!(
            Purpose::parse("marketing"),
            Some(Purpose::Marketing),
            "purposes by their stored word"
        );
        assert_eq!(Purpose::parse("everything"), None);
        assert_eq!(Source::parse("admin"), Some(Source::Admin));
        assert_eq!(Source::parse("email"), None);
    }

    #[test]
    fn words_match_the_whole_message_in_any_case() {
        let words = Words::default();
        for stop in ["STOP", " stop ", "Stop.", "stop!"] {
            assert_eq!(words.meaning(stop), Some(false), "{stop:?}");
        }
        for yes in ["yes", "START", "Yes!"] {
            assert_eq!(words.meaning(yes), Some(true), "{yes:?}");
        }
        for other in [
            "stop sending the wrong size",
            "yes please, in blue",
            "",
            "?",
        ] {
            assert_eq!(words.meaning(other), None, "{other:?}");
        }
        let admin = Words::parse("stop, Unsubscribe,\n  no more ", "ja, stop");
        assert_eq!(admin.opt_out(), ["STOP", "UNSUBSCRIBE", "NO MORE"]);
        assert_eq!(admin.opt_in(), ["JA"], "a word in both lists only opts out");
        assert_eq!(admin.meaning("no   more"), Some(false));
        assert_eq!(admin.meaning("yes"), None, "the admin's list replaces YES");
        assert_eq!(
            Words::parse("", " , "),
            Words::default(),
            "empty lists keep the defaults"
        );
    }

    #[test]
    fn stop_withdraws_every_purpose_and_says_so() {
        let store = Store::open_in_memory().unwrap();
        record(&store, checkout("15550001", true, 100)).unwrap();
        let tx = store.write_transaction().unwrap();
        let change = apply_reply(&tx, "15550001", " Stop ", &Words::default(), 200)
            .unwrap()
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(
            (change.granted, change.code, change.purposes.len()),
            (false, "consent_withdrawn", 2)
        );
        let now = current(&store, "15550001", Purpose::OrderUpdates)
            .unwrap()
            .unwrap();
        assert_eq!(
            (now.granted, now.source, now.text.as_str(), now.at),
            (false, Source::Whatsapp, "Stop", 200)
        );
        assert!(!granted(&store, "15550001", Purpose::Marketing).unwrap());
        let tx = store.write_transaction().unwrap();
        assert_eq!(
            apply_reply(
                &tx,
                "15550001",
                "Where is my parcel?",
                &Words::default(),
                300
            )
            .unwrap(),
            None
        );
    }

    #[test]
    fn yes_grants_order_updates_only_to_an_invited_customer() {
        let store = Store::open_in_memory().unwrap();
        let words = Words::default();
        let tx = store.write_transaction().unwrap();
        assert_eq!(
            apply_reply(&tx, "15550001", "yes", &words, 100).unwrap(),
            None,
            "nobody asked"
        );
        drop(tx);
        invite(
            &store,
            "15550001",
            Some(42),
            "Reply YES to get updates about order 42",
            1000,
        )
        .unwrap();
        let tx = store.write_transaction().unwrap();
        assert_eq!(
            apply_reply(
                &tx,
                "15550001",
                "yes",
                &words,
                1000 + INVITATION_SECONDS + 1
            )
            .unwrap(),
            None,
            "the invitation expired"
        );
        let change = apply_reply(&tx, "15550001", "YES", &words, 2000)
            .unwrap()
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(
            (change.granted, change.code, change.order_id),
            (true, "consent_granted", Some(42))
        );
        let now = current(&store, "15550001", Purpose::OrderUpdates)
            .unwrap()
            .unwrap();
        assert_eq!(
            (now.source, now.text.as_str(), now.order_id),
            (
                Source::Whatsapp,
                "Reply YES to get updates about order 42",
                Some(42)
            )
        );
        assert!(!granted(&store, "15550001", Purpose::Marketing).unwrap());
        let tx = store.write_transaction().unwrap();
        assert_eq!(
            apply_reply(&tx, "15550001", "yes", &words, 2001).unwrap(),
            None,
            "an invitation is answered once"
        );
    }
}
