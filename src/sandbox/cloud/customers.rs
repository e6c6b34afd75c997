//! The customers the Cloud API side knows, as people: one person may be reached by
//! phone number, by business-scoped user id (BSUID), or by parent BSUID, and the
//! customer-service window and the pair-rate pacing belong to the person, not to the
//! id a message used. Also `POST /sandbox/customers/user-id-update`, WhatsApp telling
//! the business that a customer's BSUID changed (docs/whatsapp-contracts.md, "Webhook
//! `user_id_update`"):
//!
//! - body `{"previous": bsuid, "current": bsuid, "phone_number_id"?, "wa_id"?,
//!   "username"?, "name"?}`;
//! - a `user_id_update` webhook, signed and delivered like every Cloud API webhook:
//!   `{"messaging_product": "whatsapp", "metadata", "contacts": [{"profile": {"name",
//!   "username"?}, "wa_id"?}], "user_id_update": [{"wa_id"?, "detail": "User id for
//!   <NAME> has been updated.", "user_id": {"previous", "current"}, "timestamp"}]}`;
//! - `name` defaults to the name of the customer's latest message (else `Sandbox
//!   Customer`), `username` to its username, `wa_id` to the customer's known phone
//!   number (omitted when none is known); a `wa_id` given becomes the customer's
//!   number (a number change), and `name` / `username` their profile;
//! - from then on the person is `current`: window and pacing carry over, and
//!   `previous` names nobody (a send to it reaches an unknown customer);
//! - the sandbox never changes a parent BSUID, so `parent_user_id` is left out;
//! - 404 when nobody is known as `previous`, 409 when `current` or `wa_id` is another
//!   customer's or no `cloud_webhook_url` is configured, 422 for a malformed body.

use std::collections::HashMap;
use std::sync::Arc;

use hyper::{Response, StatusCode};
use serde_json::Value;

use super::super::http::{Body, json, waha_error};
use super::super::state::Shared;
use super::messages::Messages;
use super::validate::{self, Address};

/// A person's handle in [`People`]; never reused within a sandbox's life.
pub(super) type PersonId = u64;

/// One customer and every id they are known by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Person {
    /// The phone number's digits (the WhatsApp id), when known.
    pub phone: Option<String>,
    /// The BSUID. Unknown only for someone reached by parent BSUID alone.
    pub user_id: Option<String>,
    pub parent_user_id: Option<String>,
    /// `profile.name` of the latest injected message.
    pub name: Option<String>,
    /// `profile.username` of the latest injected message (none: no username).
    pub username: Option<String>,
}

/// Every person the sandbox has met, by each of their ids. Each id names at most one
/// person.
#[derive(Debug, Default)]
pub(super) struct People {
    next: PersonId,
    people: HashMap<PersonId, Person>,
    by_phone: HashMap<String, PersonId>,
    by_user_id: HashMap<String, PersonId>,
    by_parent: HashMap<String, PersonId>,
}

/// Why a change to [`People`] is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Nobody is known by the id.
    Unknown(String),
    /// The ids given belong to different people, or would take one from someone else.
    Conflict(String),
}

impl People {
    /// The person, if `id` is one of [`People`]'s.
    pub(super) fn get(&self, id: PersonId) -> Option<&Person> {
        self.people.get(&id)
    }

    /// The person, to change their profile (not their ids: those are indexed).
    pub(super) fn get_mut(&mut self, id: PersonId) -> Option<&mut Person> {
        self.people.get_mut(&id)
    }

    /// Whom a send to `address` reaches, if they are known already.
    pub(super) fn find(&self, address: &Address) -> Option<PersonId> {
        match address {
            Address::Phone(phone) => self.find_phone(phone),
            Address::UserId(user_id) => self.by_user_id.get(user_id).copied(),
            Address::ParentUserId(parent) => self.by_parent.get(parent).copied(),
        }
    }

    /// The person with this phone number, or the one holding its derived BSUID with
    /// no number yet (reached by BSUID before they wrote from their phone).
    fn find_phone(&self, phone: &str) -> Option<PersonId> {
        self.by_phone.get(phone).copied().or_else(|| {
            let id = *self.by_user_id.get(&derived_user_id(phone))?;
            self.people[&id].phone.is_none().then_some(id)
        })
    }

    /// Whom a send to `address` reaches, met now if never before: a phone number's
    /// person gets the number's derived BSUID, a BSUID's or parent's person no phone.
    pub(super) fn reach(&mut self, address: &Address) -> PersonId {
        if let Some(id) = self.find(address) {
            if let Address::Phone(phone) = address
                && self.people[&id].phone.is_none()
            {
                // Found by the number's derived BSUID: the number is theirs too now.
                let person = Person {
                    phone: Some(phone.clone()),
                    ..self.people[&id].clone()
                };
                self.replace(id, person);
            }
            return id;
        }
        let person = match address {
            Address::Phone(phone) => {
                let derived = derived_user_id(phone);
                Person {
                    phone: Some(phone.clone()),
                    // Taken only if a BSUID change handed it to someone else.
                    user_id: (!self.by_user_id.contains_key(&derived)).then_some(derived),
                    ..Person::default()
                }
            }
            Address::UserId(user_id) => Person {
                user_id: Some(user_id.clone()),
                ..Person::default()
            },
            Address::ParentUserId(parent) => Person {
                parent_user_id: Some(parent.clone()),
                ..Person::default()
            },
        };
        self.insert(person)
    }

    /// The person an injected message comes from (or an echo goes to), named by a
    /// phone number, a BSUID or both, and perhaps a parent BSUID: found by any of
    /// them or met now, and given the ids they lacked. A person without a BSUID gets
    /// the phone number's derived one, since every message webhook carries one.
    /// Refused when the ids name different people or contradict the ids a person
    /// has: ids change only through `user-id-update`.
    pub(super) fn introduce(
        &mut self,
        phone: Option<&str>,
        user_id: Option<&str>,
        parent: Option<&str>,
    ) -> Result<PersonId, Refusal> {
        let mut found: Option<(PersonId, String)> = None;
        let named = [
            phone.and_then(|p| Some((self.find_phone(p)?, format!("phone number {p}")))),
            user_id.and_then(|u| Some((*self.by_user_id.get(u)?, format!("BSUID {u}")))),
            parent.and_then(|p| Some((*self.by_parent.get(p)?, format!("parent BSUID {p}")))),
        ];
        for (id, what) in named.into_iter().flatten() {
            match &found {
                Some((other, first)) if *other != id => {
                    return Err(Refusal::Conflict(format!(
                        "The {first} and the {what} belong to different customers"
                    )));
                }
                _ => found = Some((id, what)),
            }
        }
        let Some((id, _)) = found else {
            let user_id = user_id
                .map(str::to_owned)
                .or_else(|| phone.map(derived_user_id))
                .filter(|u| !self.by_user_id.contains_key(u));
            return Ok(self.insert(Person {
                phone: phone.map(str::to_owned),
                user_id,
                parent_user_id: parent.map(str::to_owned),
                ..Person::default()
            }));
        };
        let person = &self.people[&id];
        let contradicts = |known: &Option<String>, given: Option<&str>| matches!((known, given), (Some(k), Some(g)) if k != g);
        let known_as = |what: &str, value: &Option<String>| {
            Refusal::Conflict(format!(
                "That customer's {what} is {}: change a customer's ids with POST /sandbox/customers/user-id-update",
                value.as_deref().unwrap_or_default()
            ))
        };
        if contradicts(&person.phone, phone) {
            return Err(known_as("phone number", &person.phone));
        }
        if contradicts(&person.user_id, user_id) {
            return Err(known_as("BSUID", &person.user_id));
        }
        if contradicts(&person.parent_user_id, parent) {
            return Err(known_as("parent BSUID", &person.parent_user_id));
        }
        let user_id = person.user_id.clone().or_else(|| {
            user_id
                .map(str::to_owned)
                .or_else(|| phone.map(derived_user_id))
                .filter(|u| !self.by_user_id.contains_key(u))
        });
        let person = Person {
            phone: person.phone.clone().or_else(|| phone.map(str::to_owned)),
            user_id,
            parent_user_id: person
                .parent_user_id
                .clone()
                .or_else(|| parent.map(str::to_owned)),
            ..person.clone()
        };
        self.replace(id, person);
        Ok(id)
    }

    /// The person known as `previous` is from now on `current`, and `previous` names
    /// nobody. With `phone`, that becomes their number (the old one names nobody).
    /// The person, changed.
    pub(super) fn change_user_id(
        &mut self,
        previous: &str,
        current: &str,
        phone: Option<&str>,
    ) -> Result<&mut Person, Refusal> {
        let id = *self.by_user_id.get(previous).ok_or_else(|| {
            Refusal::Unknown(format!(
                "No customer is known by the BSUID {previous}: inject a message with it as user_id first (POST /sandbox/messages/inject)"
            ))
        })?;
        if self
            .by_user_id
            .get(current)
            .is_some_and(|other| *other != id)
        {
            return Err(Refusal::Conflict(format!(
                "The BSUID {current} belongs to another customer"
            )));
        }
        if let Some(phone) = phone
            && self.by_phone.get(phone).is_some_and(|other| *other != id)
        {
            return Err(Refusal::Conflict(format!(
                "The phone number {phone} belongs to another customer"
            )));
        }
        let mut person = self.people[&id].clone();
        person.user_id = Some(current.to_owned());
        if let Some(phone) = phone {
            person.phone = Some(phone.to_owned());
        }
        self.replace(id, person);
        self.people
            .get_mut(&id)
            .ok_or_else(|| Refusal::Unknown(previous.to_owned()))
    }

    fn insert(&mut self, person: Person) -> PersonId {
        self.next += 1;
        let id = self.next;
        self.index(id, &person);
        self.people.insert(id, person);
        id
    }

    /// Puts `person` in place of person `id`, moving the indexes from their old ids to
    /// the new ones.
    fn replace(&mut self, id: PersonId, person: Person) {
        if let Some(old) = self.people.remove(&id) {
            for (index, key) in [
                (&mut self.by_phone, old.phone),
                (&mut self.by_user_id, old.user_id),
                (&mut self.by_parent, old.parent_user_id),
            ] {
                if let Some(key) = key
                    && index.get(&key) == Some(&id)
                {
                    index.remove(&key);
                }
            }
        }
        self.index(id, &person);
        self.people.insert(id, person);
    }

    fn index(&mut self, id: PersonId, person: &Person) {
        for (index, key) in [
            (&mut self.by_phone, &person.phone),
            (&mut self.by_user_id, &person.user_id),
            (&mut self.by_parent, &person.parent_user_id),
        ] {
            if let Some(key) = key {
                index.insert(key.clone(), id);
            }
        }
    }
}

/// The BSUID the sandbox gives the customer of a phone number (its digits) when
/// nothing else names them: `US.` and 20 digits, the 64-bit FNV-1a hash of the digits,
/// zero-padded. Deterministic across runs and builds (std's hashers are not), so tests
/// and fixtures may compute it; always `US` because the sandbox has no numbering plan
/// to tell a number's country.
pub(super) fn derived_user_id(phone: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = phone.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    format!("US.{hash:020}")
}

/// A parsed `user-id-update` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct UserIdUpdate {
    pub previous: String,
    pub current: String,
    /// `metadata.phone_number_id`; the configured number's when not given.
    pub phone_number_id: Option<String>,
    /// The phone number's digits.
    pub wa_id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
}

/// Handles `POST /sandbox/customers/user-id-update`.
pub(crate) fn control_update(
    messages: &Arc<Messages>,
    shared: &Arc<Shared>,
    body: Option<Value>,
) -> Response<Body> {
    let update = match parse_update(body) {
        Ok(update) => update,
        Err(message) => return waha_error(StatusCode::UNPROCESSABLE_ENTITY, &message),
    };
    match messages.change_user_id(shared, &update) {
        Ok(answer) => json(StatusCode::OK, &answer),
        Err((status, message)) => waha_error(status, &message),
    }
}

/// Checks a `user-id-update` body.
fn parse_update(body: Option<Value>) -> Result<UserIdUpdate, String> {
    let Some(Value::Object(body)) = body else {
        return Err(
            "The body must be a JSON object with \"previous\" and \"current\" BSUIDs".into(),
        );
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 256 => {
                Ok(Some(s.trim().to_owned()))
            }
            Some(_) => Err(format!("{key} must be a non-empty string")),
        }
    };
    let bsuid = |key: &str| -> Result<String, String> {
        text(key)?.filter(|id| validate::is_user_id(id)).ok_or_else(|| {
            format!(
                "{key} must be a business-scoped user ID like US.13491208655302741918 (two capital letters, a dot, 1 to 32 digits)"
            )
        })
    };
    let (previous, current) = (bsuid("previous")?, bsuid("current")?);
    if previous == current {
        return Err("current must differ from previous".into());
    }
    let phone_number_id = match text("phone_number_id")? {
        Some(id) if id.len() > 32 || !id.bytes().all(|b| b.is_ascii_digit()) => {
            return Err("phone_number_id must be a string of 1 to 32 digits".into());
        }
        id => id,
    };
    let wa_id = match text("wa_id")? {
        Some(phone) => Some(
            validate::wa_id(&phone)
                .ok_or("wa_id must be the customer's phone number, with 6 to 15 digits")?,
        ),
        None => None,
    };
    Ok(UserIdUpdate {
        previous,
        current,
        phone_number_id,
        wa_id,
        username: text("username")?,
        name: text("name")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn derived_ids_are_stable_bsuids() {
        let a = derived_user_id("15550001");
        assert_eq!(a, derived_user_id("15550001"));
        assert_ne!(a, derived_user_id("15550002"));
        assert!(validate::is_user_id(&a), "{a}");
        assert_eq!(a.len(), "US.".len() + 20);
        // Pinned: the formula is documented, so clients and fixtures may rely on it.
        assert_eq!(derived_user_id(""), "US.14695981039346656037");
    }

    #[test]
    fn one_person_by_phone_bsuid_or_parent() {
        let mut people = People::default();
        let by_phone = people.reach(&Address::Phone("15550001".into()));
        let derived = derived_user_id("15550001");
        assert_eq!(
            people.get(by_phone).unwrap().user_id.as_deref(),
            Some(derived.as_str())
        );
        assert_eq!(
            people.find(&Address::UserId(derived.clone())),
            Some(by_phone)
        );
        assert_eq!(
            people.introduce(Some("15550001"), None, Some("US.ENT.7")),
            Ok(by_phone)
        );
        assert_eq!(
            people.find(&Address::ParentUserId("US.ENT.7".into())),
            Some(by_phone)
        );
        // A phone known as one BSUID cannot be claimed by another.
        assert!(matches!(
            people.introduce(Some("15550001"), Some("US.9"), None),
            Err(Refusal::Conflict(_))
        ));
        // Met by BSUID first, then writing from the phone whose derived BSUID it is.
        let other = derived_user_id("15550002");
        let by_id = people.reach(&Address::UserId(other.clone()));
        assert_eq!(people.reach(&Address::Phone("15550002".into())), by_id);
        assert_eq!(
            people.get(by_id).unwrap().phone.as_deref(),
            Some("15550002")
        );
        // Two ids of two people in one injection.
        assert!(matches!(
            people.introduce(Some("15550001"), Some(&other), None),
            Err(Refusal::Conflict(_))
        ));
        // A username customer: BSUID only.
        let hidden = people.introduce(None, Some("US.5"), None).unwrap();
        assert_eq!(people.get(hidden).unwrap().phone, None);
        assert_eq!(people.introduce(None, Some("US.5"), None), Ok(hidden));
    }

    #[test]
    fn a_bsuid_change_moves_the_person() {
        let mut people = People::default();
        let id = people
            .introduce(Some("15550001"), Some("US.1"), None)
            .unwrap();
        assert!(matches!(
            people.change_user_id("US.404", "US.2", None),
            Err(Refusal::Unknown(_))
        ));
        let other = people.introduce(None, Some("US.3"), None).unwrap();
        assert!(matches!(
            people.change_user_id("US.1", "US.3", None),
            Err(Refusal::Conflict(_))
        ));
        assert!(people.change_user_id("US.1", "US.2", None).is_ok());
        assert_eq!(people.find(&Address::UserId("US.2".into())), Some(id));
        assert_eq!(people.find(&Address::UserId("US.1".into())), None);
        assert_eq!(people.find(&Address::Phone("15550001".into())), Some(id));
        // A number change with it.
        let moved = people
            .change_user_id("US.2", "US.4", Some("15550009"))
            .unwrap();
        assert_eq!(
            (moved.user_id.as_deref(), moved.phone.as_deref()),
            (Some("US.4"), Some("15550009"))
        );
        assert_eq!(people.find(&Address::Phone("15550001".into())), None);
        assert_eq!(people.find(&Address::Phone("15550009".into())), Some(id));
        assert_ne!(people.reach(&Address::UserId("US.1".into())), id);
        assert_eq!(people.find(&Address::UserId("US.3".into())), Some(other));
    }

    #[test]
    fn update_bodies_follow_the_contract() {
        let update = parse_update(Some(json!({"previous": "US.1", "current": "US.2",
            "wa_id": "+1 555 0001", "name": "Dana", "phone_number_id": "123"})))
        .unwrap();
        assert_eq!(
            update,
            UserIdUpdate {
                previous: "US.1".into(),
                current: "US.2".into(),
                phone_number_id: Some("123".into()),
                wa_id: Some("15550001".into()),
                username: None,
                name: Some("Dana".into()),
            }
        );
        for bad in [
            json!(null),
            json!({"previous": "US.1"}),
            json!({"previous": "US.1", "current": "US.1"}),
            json!({"previous": "US.1", "current": "US.ENT.2"}),
            json!({"previous": "US.1", "current": "US.2", "wa_id": "abc"}),
            json!({"previous": "US.1", "current": "US.2", "phone_number_id": "x1"}),
            json!({"previous": "US.1", "current": "US.2", "name": 7}),
        ] {
            assert!(parse_update(Some(bad.clone())).is_err(), "{bad}");
        }
    }
}
