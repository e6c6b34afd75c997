//! Who a customer is. Since April 2026 WhatsApp names every person in a webhook by a
//! business-scoped user id (BSUID, `US.13491208655302741918`), and by phone number
//! only while the business may see it: a user with a username may arrive without one.
//! A BSUID changes when the person changes number (`user_id_update`), a username may
//! change at any time and is shown, never matched alone.
//!
//! Every table names a customer by one key that never changes: the phone digits of a
//! customer first seen with a phone (so WooCommerce's billing phones still match), else
//! their BSUID. Each identifier is kept beside the key and matched on; when one webhook
//! shows that two keys are the same person, the later is merged into the other.
//! See `docs/whatsapp-contracts.md`, "Business-scoped user IDs".

use serde::Serialize;

use crate::store::{StoreError, WriteTx};

/// The identifiers a webhook gives for one person; any may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// Phone number digits (`wa_id`, `from`).
    pub phone: Option<String>,
    /// Business-scoped user id (`user_id`, `from_user_id`).
    pub bsuid: Option<String>,
    /// Parent BSUID, shared by linked business portfolios (`parent_user_id`).
    pub parent_bsuid: Option<String>,
    /// WhatsApp username (`profile.username`), display only.
    pub username: Option<String>,
}

impl Identity {
    /// The key a customer first seen with this identity gets: the phone, else the BSUID.
    pub fn new_key(&self) -> Option<&str> {
        self.phone.as_deref().or(self.bsuid.as_deref())
    }

    /// `self`, with what `newer` says where it says something.
    fn updated_by(&self, newer: &Identity) -> Identity {
        let pick = |new: &Option<String>, old: &Option<String>| new.clone().or(old.clone());
        Identity {
            phone: pick(&newer.phone, &self.phone),
            bsuid: pick(&newer.bsuid, &self.bsuid),
            parent_bsuid: pick(&newer.parent_bsuid, &self.parent_bsuid),
            username: pick(&newer.username, &self.username),
        }
    }
}

/// A customer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// The key other tables name them by.
    pub key: String,
    /// What WhatsApp has told of them, latest first.
    pub identity: Identity,
    /// First seen (Unix seconds).
    pub created_at: i64,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
}

/// How a message reaches a customer: `to` a phone number when one is known (Meta's
/// advice, so that phone fields keep coming in webhooks), else `recipient` a BSUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// Phone digits, sent as `to`.
    Phone(String),
    /// A BSUID, sent as `recipient`.
    Bsuid(String),
}

impl Recipient {
    /// The request body field that addresses the message, and its value.
    pub fn field(&self) -> (&'static str, &str) {
        match self {
            Recipient::Phone(phone) => ("to", phone),
            Recipient::Bsuid(bsuid) => ("recipient", bsuid),
        }
    }
}

/// The way to reach the customer under `key`, given what is stored of them.
pub fn recipient(key: &str, stored: Option<&Customer>) -> Option<Recipient> {
    let identity = stored.map(|c| &c.identity);
    if let Some(phone) = identity.and_then(|i| i.phone.clone()) {
        return Some(Recipient::Phone(phone));
    }
    if let Some(bsuid) = identity.and_then(|i| i.bsuid.clone()) {
        return Some(Recipient::Bsuid(bsuid));
    }
    if is_phone(key) {
        Some(Recipient::Phone(key.to_owned()))
    } else if is_bsuid(key) {
        Some(Recipient::Bsuid(key.to_owned()))
    } else {
        None
    }
}

/// The phone number a customer key is, when it is one (a customer first seen with a
/// phone is keyed by it), for showing and for wa.me links.
pub fn key_phone(key: &str) -> Option<String> {
    is_phone(key).then(|| key.to_owned())
}

/// Whether `text` is a WhatsApp id: 6 to 15 digits.
pub fn is_phone(text: &str) -> bool {
    crate::rules::WHATSAPP_NUMBER_DIGITS.contains(text.len() as i64)
        && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` is shaped as a BSUID or parent BSUID: a two-letter country code, a
/// dot, `ENT.` for a parent, then up to 64 letters and digits (Meta's samples are 20
/// digits; the format is not promised, so only the frame is checked).
pub fn is_bsuid(text: &str) -> bool {
    let Some((country, rest)) = text.split_once('.') else {
        return false;
    };
    let id = rest.strip_prefix("ENT.").unwrap_or(rest);
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Finds the customer `identity` names, records what it adds, and returns their key;
/// `None` when it names no one (no phone and no BSUID). A phone and a BSUID that
/// belonged to two customers until now are one person: the two are merged.
pub fn resolve(
    tx: &WriteTx<'_>,
    identity: &Identity,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let customers = tx.customers();
    let by_bsuid = match &identity.bsuid {
        Some(bsuid) => customers.by_bsuid(bsuid)?,
        None => None,
    };
    let by_phone = match &identity.phone {
        Some(phone) => customers.by_phone(phone)?,
        None => None,
    };
    let found = match (by_bsuid, by_phone) {
        (Some(a), Some(b)) if a.key != b.key => Some(merge(tx, a, b, now)?),
        (Some(found), _) | (None, Some(found)) => Some(found),
        (None, None) => None,
    };
    match found {
        Some(found) => {
            let updated = found.identity.updated_by(identity);
            if updated != found.identity {
                customers.update(&found.key, &updated, now)?;
            }
            Ok(Some(found.key))
        }
        None => {
            let Some(key) = identity.new_key() else {
                return Ok(None);
            };
            // A customer seen before BSUIDs, under this key, with nothing recorded yet.
            if customers.get(key)?.is_some() {
                customers.update(key, identity, now)?;
            } else {
                customers.insert(key, identity, now)?;
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// Merges two customers found to be one person and returns the one kept: the one keyed
/// by a phone number (WooCommerce's orders and opt-ins name that), else the older.
fn merge(tx: &WriteTx<'_>, a: Customer, b: Customer, now: i64) -> Result<Customer, StoreError> {
    let a_first = match (is_phone(&a.key), is_phone(&b.key)) {
        (true, false) => true,
        (false, true) => false,
        _ => (a.created_at, &a.key) <= (b.created_at, &b.key),
    };
    let (kept, gone) = if a_first { (a, b) } else { (b, a) };
    // The row that goes holds identifiers the kept one takes over: it goes first.
    tx.customers().merge(&gone.key, &kept.key)?;
    let identity = kept.identity.updated_by(&Identity {
        phone: None,
        ..gone.identity.clone()
    });
    let identity = Identity {
        phone: kept.identity.phone.clone().or(gone.identity.phone),
        ..identity
    };
    tx.customers().update(&kept.key, &identity, now)?;
    tracing::info!(
        kind = "message",
        code = "customer_merged",
        "Two WhatsApp identities turned out to be one customer; their conversations were joined"
    );
    Ok(Customer { identity, ..kept })
}

/// A person's new BSUID or number (`user_id_update`, or a system message
/// `user_changed_user_id` / `user_changed_number`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdentityChange {
    /// The BSUID they had, when the event says.
    pub previous_bsuid: Option<String>,
    /// The BSUID they have now.
    pub current_bsuid: Option<String>,
    /// The phone number they had, to find them by when no BSUID is given (a system
    /// message is sent `from` it).
    pub previous_phone: Option<String>,
    /// Their phone number now, when given.
    pub phone: Option<String>,
    /// Their parent BSUID now, when given.
    pub parent_bsuid: Option<String>,
    /// Their username, when given.
    pub username: Option<String>,
}

/// Applies an identity change: the customer found by their previous BSUID (or
/// previous phone) keeps their key and conversations and is known by the new
/// identifiers from now on. Returns their key; `None` when no stored customer had
/// the previous identifiers (a redelivered or unrelated event changes nothing).
pub fn apply_change(
    tx: &WriteTx<'_>,
    change: &IdentityChange,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let customers = tx.customers();
    let mut found = None;
    if let Some(previous) = &change.previous_bsuid {
        found = customers.by_bsuid(previous)?;
    }
    if let (None, Some(previous)) = (&found, &change.previous_phone) {
        found = customers.by_phone(previous)?;
    }
    let Some(mut found) = found else {
        return Ok(None);
    };
    let newer = Identity {
        phone: change.phone.clone(),
        bsuid: change.current_bsuid.clone(),
        parent_bsuid: change.parent_bsuid.clone(),
        username: change.username.clone(),
    };
    // The new identifiers may already name a customer: a message under the new BSUID
    // can arrive before the event that announces it.
    let others = [
        newer
            .bsuid
            .as_deref()
            .map(|b| customers.by_bsuid(b))
            .transpose()?,
        newer
            .phone
            .as_deref()
            .map(|p| customers.by_phone(p))
            .transpose()?,
    ];
    for other in others.into_iter().flatten().flatten() {
        if other.key != found.key {
            found = merge(tx, found, other, now)?;
        }
    }
    let updated = found.identity.updated_by(&newer);
    if updated == found.identity {
        return Ok(None);
    }
    customers.update(&found.key, &updated, now)?;
    tracing::info!(
        kind = "message",
        code = "customer_identity_changed",
        "A customer's WhatsApp identity changed; their conversations continue"
    );
    Ok(Some(found.key))
}

#[cfg(test)]
mod tests;
