//! Cloud API messaging: `POST /{version}/{phone_number_id}/messages` and everything
//! that follows a send (status webhooks), plus the sandbox-only customer side
//! (`/sandbox/messages/inject`, and `/sandbox/customers/user-id-update`, whose body
//! and webhook customers.rs describes) and what tests read back
//! (`/sandbox/messages/sent`, `/sandbox/cloud/webhooks`).
//!
//! Where the real API leaves room, the sandbox chooses (clients may rely on these):
//! - Any numeric phone number id is accepted in the path; statuses of a send carry
//!   the id it was sent from. Injected customer messages carry the configured
//!   `phone_number_id`, or the one the injection names (`"phone_number_id"`).
//! - Customers are people with up to three ids (customers.rs): a phone number, a
//!   business-scoped user id (BSUID, `US.13491208655302741918`: two capital letters,
//!   a dot, 1 to 32 digits) and a parent BSUID (`US.ENT.…`). A customer first met by
//!   phone number (an injection's `from`, a send's `to`) gets a BSUID derived from
//!   it: `US.` and the 64-bit FNV-1a hash of the number's digits as 20 digits,
//!   zero-padded (stable across runs). Each id names one person at a time; only
//!   `POST /sandbox/customers/user-id-update` changes a person's BSUID (or number).
//! - Checks run in this order: `cloud_fail_mode`, auth, `messages_fail_mode`, the
//!   request's shape (400, code 100), the template checks (templates.rs), an
//!   authentication template to a BSUID (131062), the number's throughput (130429: at
//!   most `messages_per_second` accepted sends in any second), then the pair rate
//!   (131056: a send to a customer less than `pair_interval_ms` after the last
//!   accepted one to the same person, by phone or by BSUID alike). Refused sends
//!   count toward neither limit, and a customer first named by a refused send is not
//!   remembered.
//! - A send is addressed by `to` (a phone number) or, without `to`, by `recipient` (a
//!   BSUID or a parent BSUID); with both, `to` wins and `recipient` is not read;
//!   with neither: "(#100) The parameter to is required.". A BSUID never seen is
//!   accepted like an unknown number: a customer outside any window. The answer's
//!   `contacts` is `[{"input", "wa_id"}]` for a phone send, `[{"input", "user_id"}]`
//!   for a BSUID send, and `[{"input", "parent_user_id", "user_id"?}]` for a parent
//!   BSUID send (`user_id` when the person's BSUID is known).
//! - The customer-service window is 24 hours from the newest injected message's
//!   `timestamp` from that customer (the person, whichever id their messages or the
//!   send used). A non-template send to a customer outside it (or who never wrote) is
//!   accepted, then gets a single `failed` status with 131047 after
//!   `status_delays_ms[0]`, and no other status.
//! - Every other accepted send gets `sent`, `delivered` and (with `auto_read`) `read`,
//!   `status_delays_ms` apart. `pricing` comes with each, per-message pricing as
//!   since July 2025: `{billable, pricing_model: "PMP", category, type}`, the
//!   category `service` for free-form messages and the template's own category
//!   (`marketing`, `utility`, `authentication`; `utility` when the template is not
//!   known) for templates. Free-form messages and utility templates inside the
//!   customer's window are free (`billable: false`, `type: free_customer_service`);
//!   the rest is `billable: true`, `type: regular`. A `conversation` object comes too
//!   (optional and informative under per-message pricing): one per customer and
//!   category, lasting 24 hours.
//! - Statuses name the customer as known when the message was sent:
//!   `recipient_id` (the number) only when the send used `to` (the real API may add
//!   it for BSUID sends under its 30-day and contact-book rules; the sandbox never
//!   does), `recipient_user_id` and `recipient_parent_user_id` whenever known. Beside
//!   every status but `failed` comes `contacts: [{"wa_id"?, "user_id"?,
//!   "parent_user_id"?, "profile"?: {"username"}}]` with the same ids, the username
//!   (from the customer's latest injection) on `delivered` and `read` only. A
//!   `failed` status has no `contacts`, and when the send used `to` it names the
//!   number alone (no `recipient_user_id`).
//! - Webhooks (messages and statuses) go to `cloud_webhook_url`, one change per
//!   webhook, signed with `cloud_app_secret`, one at a time in the order they were
//!   produced, each retried like the gateway's (`webhook_retries`, `webhook_retry_ms`,
//!   `webhook_latency_ms`). `webhook_duplicate` / `webhook_reorder` apply to them as
//!   well as the per-injection `duplicate` / `reorder` options. With no URL set,
//!   statuses still advance (see `/sandbox/messages/sent`) and injection is refused
//!   with 409.
//! - An injection names the customer by `from` (a phone number), `user_id` (a BSUID;
//!   then `from` may be left out, as for a username customer who hides the number)
//!   or both (400 with neither), plus optional `parent_user_id` (parent form only)
//!   and `username`; ids contradicting what the sandbox knows are refused (409).
//!   The webhook's `contacts` is `[{"profile": {"name", "username"?}, "wa_id"?,
//!   "user_id", "parent_user_id"?}]` and each message carries `from` (only when the
//!   injection gave it, like `wa_id`) and `from_user_id`; `from_parent_user_id` is
//!   never sent (no Meta source shows it). The parent BSUID is remembered; the name
//!   and username are the latest injection's. The answer's `messages[]` are `{"id",
//!   "timestamp", "from"?, "from_user_id"}` (an echo's: `"to"?, "to_user_id"`), the
//!   ids exactly as the webhook carries them.
//! - An injection with `"echo": true` is what the business sent from its WhatsApp
//!   Business app on this number (coexistence): an `smb_message_echoes` webhook with
//!   `message_echoes[]` (`from` the business number, `to` the customer's number when
//!   given as `to`, `to_user_id` their BSUID; the customer given as `to`,
//!   `to_user_id` or both), which neither opens nor extends the customer's window.
//! - `GET /sandbox/messages/sent` entries carry `to` (as given; null for a BSUID
//!   send), `recipient` (the BSUID or parent BSUID that addressed it; null for a
//!   phone send), `wa_id` (the customer's number, null when unknown) and `user_id`
//!   (their BSUID when known), as of the send.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::super::config::{MessagesFailMode, SandboxConfig};
use super::super::http::{Body, graph_error as error, json, waha_error};
use super::super::random;
use super::super::state::Shared;
use super::super::webhooks::{self, Destination, Event, Ledger, Signing};
use super::customers::{People, Person, PersonId, Refusal, UserIdUpdate};
use super::templates::{self, TemplateSet};
use super::validate::{self, Address, Outbound};
use super::{SUBCODE_EXPIRED, read_body};

/// The customer-service window.
const SERVICE_WINDOW_SECS: i64 = 24 * 60 * 60;
/// The business account id in webhook envelopes (`entry[].id`).
pub(crate) const WABA_ID: &str = "100000000000009";
/// Most accepted messages and delivery log entries kept; older ones fall off.
const SENT_CAPACITY: usize = 10_000;
const LOG_CAPACITY: usize = 2_000;
/// Most messages one injection may produce.
const MAX_INJECT_COUNT: u64 = 100;
/// `profile.name` of a customer whose injection gives none.
const DEFAULT_NAME: &str = "Sandbox Customer";
const ERROR_HREF: &str =
    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

/// The messaging side's state. Cheap to share; one per sandbox.
#[derive(Default)]
pub(crate) struct Messages {
    inner: Mutex<Inner>,
    /// The account's message templates, which template sends are checked against.
    pub(crate) templates: TemplateSet,
}

#[derive(Default)]
struct Inner {
    /// Bumped by a reset: timers and queued webhooks from before it do nothing.
    epoch: u64,
    sent: VecDeque<Value>,
    /// Every customer met, by each of their ids (phone number, BSUID, parent BSUID).
    people: People,
    /// The newest message time (Unix seconds) of each customer: the window belongs
    /// to the person, whichever id their messages carried.
    customers: HashMap<PersonId, i64>,
    /// Accepted sends in the last second, per business number.
    throughput: HashMap<String, VecDeque<Instant>>,
    /// The last accepted send per (business number, customer), whichever id it used.
    pairs: HashMap<(String, PersonId), Instant>,
    /// Open conversations per (business number, customer, category): id, expiry.
    conversations: HashMap<(String, PersonId, &'static str), (String, i64)>,
    log: VecDeque<Value>,
    /// The delivery worker's queue, started on first use.
    queue: Option<UnboundedSender<Event>>,
}

impl Messages {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets everything: sends, windows, limits, conversations, the log, and
    /// whatever was still to be delivered.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        let queue = inner.queue.take();
        *inner = Inner {
            epoch: inner.epoch + 1,
            queue,
            ..Inner::default()
        };
        drop(inner);
        self.templates.reset();
    }

    /// Queues an account-level webhook (`field` is e.g. `template_category_update`),
    /// signed like every Cloud API webhook; false when no `cloud_webhook_url` is set.
    pub(crate) fn emit_account_change(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        field: &'static str,
        value: Value,
    ) -> bool {
        self.emit_account_change_of(shared, WABA_ID, now_secs(), field, value)
    }

    /// As [`Messages::emit_account_change`], for the account `waba_id` at `time`
    /// (`entry[].id` and `entry[].time`).
    pub(crate) fn emit_account_change_of(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        waba_id: &str,
        time: i64,
        field: &'static str,
        value: Value,
    ) -> bool {
        let config = shared.lock().config.clone();
        if config.cloud_webhook_url.is_empty() {
            return false;
        }
        let envelope = json!({
            "object": "whatsapp_business_account",
            "entry": [{"id": waba_id, "time": time, "changes": [{"value": value, "field": field}]}],
        });
        let mut inner = self.lock();
        let event = Event::new(
            format!("{field}:{}", random::ulid()),
            inner.epoch,
            vec![("kind", json!(field))],
            Bytes::from(envelope.to_string()),
            vec![Destination {
                url: config.cloud_webhook_url.clone(),
                signing: Signing::Cloud {
                    app_secret: config.cloud_app_secret.clone(),
                },
            }],
        )
        .fixed(config.webhook_duplicate, config.webhook_reorder);
        self.enqueue(shared, &mut inner, event);
        true
    }

    /// `GET /sandbox/messages/sent`: the accepted messages, oldest first.
    pub(crate) fn sent_json(&self) -> Value {
        json!({"messages": self.lock().sent.iter().collect::<Vec<_>>()})
    }

    pub(crate) fn clear_sent(&self) {
        self.lock().sent.clear();
    }

    /// `GET /sandbox/cloud/webhooks`: every delivery attempt, oldest first.
    pub(crate) fn deliveries_json(&self) -> Value {
        json!({"deliveries": self.lock().log.iter().collect::<Vec<_>>()})
    }

    pub(crate) fn clear_deliveries(&self) {
        self.lock().log.clear();
    }

    /// Queues a webhook, starting the delivery worker on first use.
    fn enqueue(self: &Arc<Self>, shared: &Arc<Shared>, inner: &mut Inner, event: Event) {
        let queue = inner
            .queue
            .get_or_insert_with(|| webhooks::spawn_worker(shared, Arc::downgrade(self) as _));
        let _ = queue.send(event);
    }

    /// `POST /sandbox/messages/inject`: a customer writes to the business number, or
    /// (`echo`) the business answers from its WhatsApp Business app.
    pub(crate) fn inject(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        body: Option<Value>,
    ) -> Response<Body> {
        let config = shared.lock().config.clone();
        match self.try_inject(shared, &config, body.unwrap_or(Value::Null)) {
            Ok(response) => json(StatusCode::OK, &response),
            Err((status, message)) => waha_error(status, &message),
        }
    }

    fn try_inject(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        config: &SandboxConfig,
        body: Value,
    ) -> Result<Value, (StatusCode, String)> {
        let unprocessable = |m: &str| (StatusCode::UNPROCESSABLE_ENTITY, m.to_owned());
        if !body.is_object() {
            return Err(unprocessable("The body must be a JSON object"));
        }
        if config.cloud_webhook_url.is_empty() {
            return Err((
                StatusCode::CONFLICT,
                "No cloud_webhook_url is configured: set one with PUT /sandbox/config".into(),
            ));
        }
        let flag = |key: &str| match body.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(unprocessable(&format!("{key} must be true or false"))),
        };
        let (duplicate, reorder) = (flag("duplicate")?, flag("reorder")?);
        // An echo is what the business sent from its WhatsApp Business app on this
        // number (coexistence): `smb_message_echoes`, to the customer named `to`.
        let echo = flag("echo")?;
        let count = match body.get("count") {
            None | Some(Value::Null) => 1,
            Some(n) => n
                .as_u64()
                .filter(|n| (1..=MAX_INJECT_COUNT).contains(n))
                .ok_or_else(|| {
                    unprocessable(&format!(
                        "count must be an integer from 1 to {MAX_INJECT_COUNT}"
                    ))
                })?,
        };
        // The business number it reaches: the configured one, or another (a vendor's
        // own number under an account per vendor).
        let phone_number_id = match body.get("phone_number_id") {
            None | Some(Value::Null) => config.phone_number_id.clone(),
            Some(Value::String(id))
                if !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()) =>
            {
                id.clone()
            }
            Some(_) => return Err(unprocessable("phone_number_id must be 1 to 32 digits")),
        };
        let mut template = match (body.get("message"), body.get("text")) {
            (Some(Value::Object(message)), _) => message.clone(),
            (Some(_), _) => return Err(unprocessable("message must be an object")),
            (None, Some(Value::String(text))) => {
                let mut message = serde_json::Map::new();
                message.insert("type".into(), json!("text"));
                message.insert("text".into(), json!({"body": text}));
                message
            }
            (None, _) => {
                return Err(unprocessable(
                    "Give the customer's text as \"text\", or a Cloud API message object as \"message\"",
                ));
            }
        };
        // The customer: a phone number (`from`; an echo's `to`), a BSUID (`user_id`; an
        // echo's `to_user_id`), or both. A username customer may hide the number.
        let (phone_key, user_key) = if echo {
            ("to", "to_user_id")
        } else {
            ("from", "user_id")
        };
        let phone = match body
            .get(phone_key)
            .or_else(|| template.get(phone_key))
            .filter(|v| !v.is_null())
        {
            None => None,
            Some(value) => Some(value.as_str().and_then(validate::wa_id).ok_or_else(|| {
                unprocessable(&format!(
                    "{phone_key} must be the customer's phone number, with 6 to 15 digits"
                ))
            })?),
        };
        let optional = |key: &str, valid: fn(&str) -> bool, shape: &str| match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if valid(s) => Ok(Some(s.clone())),
            Some(_) => Err(unprocessable(&format!("{key} must be {shape}"))),
        };
        let user_id = optional(
            user_key,
            validate::is_user_id,
            "a business-scoped user ID like US.13491208655302741918 (two capital letters, a dot, 1 to 32 digits)",
        )?;
        // An echo carries no contacts: the profile and the parent play no part in it.
        let (parent_user_id, username) = if echo {
            (None, None)
        } else {
            (
                optional(
                    "parent_user_id",
                    validate::is_parent_user_id,
                    "a parent business-scoped user ID like US.ENT.11815799212886844830",
                )?,
                optional("username", |u| !u.trim().is_empty(), "a non-empty string")?,
            )
        };
        if phone.is_none() && user_id.is_none() {
            return Err((
                StatusCode::BAD_REQUEST,
                format!(
                    "Name the customer: {phone_key} (a phone number), {user_key} (a business-scoped user ID, for a customer who hides the number), or both"
                ),
            ));
        }
        if echo {
            let business: String = config
                .display_phone_number
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            template.insert("from".into(), json!(business));
            if let Some(phone) = &phone {
                template.insert("to".into(), json!(phone));
            }
        } else if let Some(phone) = &phone {
            template.insert("from".into(), json!(phone));
        }
        if let Some(timestamp) = body.get("timestamp").filter(|t| !t.is_null()) {
            template.insert("timestamp".into(), timestamp.clone());
        }
        // Checked before anything is remembered, so a refused injection leaves no trace.
        if template
            .get("timestamp")
            .is_some_and(|t| !t.is_null() && unix_seconds(t).is_none())
        {
            return Err(unprocessable("timestamp must be Unix seconds"));
        }
        if !template.contains_key("type") {
            let known = [
                "text",
                "image",
                "video",
                "audio",
                "document",
                "sticker",
                "location",
                "contacts",
                "order",
                "interactive",
                "button",
                "reaction",
                "system",
            ];
            let Some(kind) = known.iter().find(|k| template.contains_key(**k)) else {
                return Err(unprocessable("message.type is required"));
            };
            template.insert("type".into(), json!(kind));
        }
        let name = match body.get("name") {
            None | Some(Value::Null) => DEFAULT_NAME.to_owned(),
            Some(Value::String(name)) => name.clone(),
            Some(_) => return Err(unprocessable("name must be a string")),
        };

        let mut inner = self.lock();
        let epoch = inner.epoch;
        let person = inner
            .people
            .introduce(
                phone.as_deref(),
                user_id.as_deref(),
                parent_user_id.as_deref(),
            )
            .map_err(|refusal| match refusal {
                Refusal::Unknown(message) | Refusal::Conflict(message) => {
                    (StatusCode::CONFLICT, message)
                }
            })?;
        let Some(customer) = inner.people.get_mut(person) else {
            return Err((StatusCode::INTERNAL_SERVER_ERROR, "customer lost".into()));
        };
        // Every message webhook carries a BSUID since April 2026; only a number whose
        // derived one was handed to someone else by a BSUID change can lack it.
        let Some(bsuid) = customer.user_id.clone() else {
            return Err((
                StatusCode::CONFLICT,
                format!(
                    "This customer has no BSUID (the number's derived one belongs to another customer): give {user_key}"
                ),
            ));
        };
        if echo {
            template.insert("to_user_id".into(), json!(bsuid));
        } else {
            // Each injection states the customer's current profile.
            customer.name = Some(name.clone());
            customer.username = username.clone();
            template.insert("from_user_id".into(), json!(bsuid));
        }
        let mut contact = json!({"profile": {"name": name}});
        if let Some(username) = &username {
            contact["profile"]["username"] = json!(username);
        }
        // The number only when this message shows it (`from` given).
        if let Some(phone) = &phone {
            contact["wa_id"] = json!(phone);
        }
        contact["user_id"] = json!(bsuid);
        if let Some(parent) = &customer.parent_user_id {
            contact["parent_user_id"] = json!(parent);
        }
        let mut injected = Vec::new();
        for _ in 0..count {
            let mut message = template.clone();
            if !message.get("id").is_some_and(Value::is_string) {
                message.insert("id".into(), json!(new_wamid()));
            }
            if message.get("timestamp").is_none_or(Value::is_null) {
                message.insert("timestamp".into(), json!(now_secs().to_string()));
            }
            let timestamp = message
                .get("timestamp")
                .and_then(unix_seconds)
                .ok_or_else(|| unprocessable("timestamp must be Unix seconds"))?;
            let id = message["id"].as_str().unwrap_or_default().to_owned();
            // The answer names the customer as the webhook's message does, so a test
            // sees at once which ids went out.
            let mut answer = json!({"id": id, "timestamp": message["timestamp"]});
            let ids = if echo {
                ["to", "to_user_id"]
            } else {
                ["from", "from_user_id"]
            };
            for key in ids {
                if let Some(value) = message.get(key) {
                    answer[key] = value.clone();
                }
            }
            injected.push(answer);
            let event = if echo {
                // The app's messages do not open or extend the API's service window.
                let value = json!({
                    "messaging_product": "whatsapp",
                    "metadata": metadata(config, &phone_number_id),
                    "message_echoes": [message],
                });
                event(config, epoch, id, "echo", &value, duplicate, reorder)
            } else {
                let newest = inner.customers.entry(person).or_insert(timestamp);
                *newest = (*newest).max(timestamp);
                let value = json!({
                    "messaging_product": "whatsapp",
                    "metadata": metadata(config, &phone_number_id),
                    "contacts": [contact],
                    "messages": [message],
                });
                event(config, epoch, id, "message", &value, duplicate, reorder)
            };
            self.enqueue(shared, &mut inner, event);
        }
        Ok(json!({"messages": injected, "url": config.cloud_webhook_url}))
    }

    /// `POST /sandbox/customers/user-id-update` once its body is read: the customer
    /// known as `update.previous` is `update.current` from now on, and WhatsApp tells
    /// the business with a signed `user_id_update` webhook. The answer, or the status
    /// and message of a refusal.
    pub(super) fn change_user_id(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        update: &UserIdUpdate,
    ) -> Result<Value, (StatusCode, String)> {
        let config = shared.lock().config.clone();
        if config.cloud_webhook_url.is_empty() {
            return Err((
                StatusCode::CONFLICT,
                "No cloud_webhook_url is configured: set one with PUT /sandbox/config".into(),
            ));
        }
        let mut inner = self.lock();
        let customer = inner
            .people
            .change_user_id(&update.previous, &update.current, update.wa_id.as_deref())
            .map_err(|refusal| match refusal {
                Refusal::Unknown(message) => (StatusCode::NOT_FOUND, message),
                Refusal::Conflict(message) => (StatusCode::CONFLICT, message),
            })?;
        // The update states the customer's profile as it is now.
        if update.name.is_some() {
            customer.name.clone_from(&update.name);
        }
        if update.username.is_some() {
            customer.username.clone_from(&update.username);
        }
        let name = customer.name.as_deref().unwrap_or(DEFAULT_NAME).to_owned();
        let mut contact = json!({"profile": {"name": name}});
        if let Some(username) = &customer.username {
            contact["profile"]["username"] = json!(username);
        }
        let mut change = json!({
            "detail": format!("User id for {name} has been updated."),
            "user_id": {"previous": update.previous, "current": update.current},
            "timestamp": now_secs().to_string(),
        });
        let phone = customer.phone.clone();
        if let Some(phone) = &phone {
            contact["wa_id"] = json!(phone);
            change["wa_id"] = json!(phone);
        }
        let phone_number_id = update
            .phone_number_id
            .as_deref()
            .unwrap_or(&config.phone_number_id);
        let value = json!({
            "messaging_product": "whatsapp",
            "metadata": metadata(&config, phone_number_id),
            "contacts": [contact],
            "user_id_update": [change],
        });
        let id = format!("user_id_update:{}", random::ulid());
        let event = event(
            &config,
            inner.epoch,
            id,
            "user_id_update",
            &value,
            false,
            false,
        );
        self.enqueue(shared, &mut inner, event);
        Ok(json!({
            "webhooks": ["user_id_update"],
            "user_id": {"previous": update.previous, "current": update.current},
            "wa_id": phone,
            "url": config.cloud_webhook_url,
        }))
    }
}

/// `POST /{version}/{phone_number_id}/messages`, or `/marketing_messages` when
/// `marketing` (templates of the MARKETING category only), after auth and
/// `cloud_fail_mode`.
pub(super) async fn send(
    shared: &Arc<Shared>,
    messages: &Arc<Messages>,
    phone_number_id: &str,
    request: Request<Incoming>,
    marketing: bool,
) -> Response<Body> {
    let config = shared.lock().config.clone();
    match config.messages_fail_mode {
        MessagesFailMode::None => {}
        MessagesFailMode::SpamLimit => {
            return refused(
                StatusCode::BAD_REQUEST,
                131_048,
                "(#131048) Spam rate limit hit",
                "Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.",
            );
        }
        MessagesFailMode::TokenExpired => {
            return error(
                StatusCode::UNAUTHORIZED,
                json!({
                    "message": "Error validating access token: Session has expired",
                    "type": "OAuthException",
                    "code": 190,
                    "error_subcode": SUBCODE_EXPIRED,
                }),
            );
        }
        MessagesFailMode::ServerError => {
            return refused(
                StatusCode::INTERNAL_SERVER_ERROR,
                131_000,
                "(#131000) Something went wrong",
                "Message failed to send due to an unknown error.",
            );
        }
    }
    let body = match read_body(request).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let outbound = match validate::outbound(&body) {
        Ok(outbound) => outbound,
        Err(message) => return invalid(&message),
    };
    if let Some((code, message, details)) =
        templates::check_send(&messages.templates.lock(), &body, marketing)
    {
        return refused(StatusCode::BAD_REQUEST, code, &message, &details);
    }
    let is_template = outbound.kind == "template";
    let category: &'static str = if is_template {
        templates::pricing_category(&messages.templates.lock(), &body)
    } else {
        "service"
    };
    // One-tap, zero-tap and copy-code authentication templates still need a phone
    // number; the sandbox's authentication templates are all of these kinds.
    if category == "authentication" && !matches!(outbound.address, Address::Phone(_)) {
        return refused(
            StatusCode::BAD_REQUEST,
            131_062,
            "(#131062) Business-scoped User ID recipients are not supported for this message",
            "Authentication templates can only be sent to a phone number: give to instead of recipient.",
        );
    }

    let now = Instant::now();
    let mut inner = messages.lock();
    if config.messages_per_second > 0 {
        let window = inner
            .throughput
            .entry(phone_number_id.to_owned())
            .or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= config.messages_per_second as usize {
            return refused(
                StatusCode::BAD_REQUEST,
                130_429,
                "(#130429) Rate limit hit",
                "Cloud API message throughput has been reached.",
            );
        }
    }
    // Paced per person: the same customer by phone or by BSUID shares one clock.
    let known = inner.people.find(&outbound.address);
    if config.pair_interval_ms > 0
        && known
            .and_then(|person| inner.pairs.get(&(phone_number_id.to_owned(), person)))
            .is_some_and(|last| {
                now.duration_since(*last) < Duration::from_millis(config.pair_interval_ms)
            })
    {
        return refused(
            StatusCode::BAD_REQUEST,
            131_056,
            "(#131056) (Business Account, Consumer Account) pair rate limit hit",
            "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
        );
    }
    if config.messages_per_second > 0 {
        inner
            .throughput
            .entry(phone_number_id.to_owned())
            .or_default()
            .push_back(now);
    }
    // Accepted: only now is a customer never seen before remembered.
    let person = inner.people.reach(&outbound.address);
    let customer = inner.people.get(person).cloned().unwrap_or_default();
    inner
        .pairs
        .insert((phone_number_id.to_owned(), person), now);

    let wamid = new_wamid();
    let now_s = now_secs();
    let customer_window = inner
        .customers
        .get(&person)
        .is_some_and(|last| now_s - last <= SERVICE_WINDOW_SECS);
    let in_window = is_template || customer_window;
    // Free inside the customer's window: service messages and utility templates.
    let free = customer_window && matches!(category, "service" | "utility");
    let conversation = in_window.then(|| {
        let key = (phone_number_id.to_owned(), person, category);
        let open = inner
            .conversations
            .get(&key)
            .filter(|(_, expires)| *expires > now_s)
            .cloned();
        let open = open.unwrap_or_else(|| {
            let fresh = (conversation_id(), now_s + SERVICE_WINDOW_SECS);
            inner.conversations.insert(key, fresh.clone());
            fresh
        });
        (open.0, open.1, category)
    });
    if inner.sent.len() >= SENT_CAPACITY {
        inner.sent.pop_front();
    }
    let mut sent = record(
        &wamid,
        phone_number_id,
        &outbound,
        &customer,
        in_window,
        &body,
    );
    // Which endpoint took it: tests read the routing of marketing templates here.
    sent["endpoint"] = json!(if marketing {
        "marketing_messages"
    } else {
        "messages"
    });
    inner.sent.push_back(sent);
    let epoch = inner.epoch;
    drop(inner);

    let delays = config.status_delays_ms.map(Duration::from_millis);
    let plan: Vec<(&'static str, Duration)> = if in_window {
        let mut plan = vec![("sent", delays[0]), ("delivered", delays[1])];
        if config.auto_read {
            plan.push(("read", delays[2]));
        }
        plan
    } else {
        vec![("failed", delays[0])]
    };
    tokio::spawn(run_statuses(
        Arc::downgrade(shared),
        Arc::downgrade(messages),
        epoch,
        Pending {
            wamid: wamid.clone(),
            phone_number_id: phone_number_id.to_owned(),
            to_phone: matches!(outbound.address, Address::Phone(_)),
            customer: customer.clone(),
            conversation,
            free,
        },
        plan,
    ));

    // `wa_id` for a phone send, `user_id` for a BSUID send (docs/whatsapp-contracts.md).
    let contact = match &outbound.address {
        Address::Phone(wa_id) => json!({"input": outbound.input, "wa_id": wa_id}),
        Address::UserId(user_id) => json!({"input": outbound.input, "user_id": user_id}),
        Address::ParentUserId(parent) => {
            let mut contact = json!({"input": outbound.input, "parent_user_id": parent});
            if let Some(user_id) = &customer.user_id {
                contact["user_id"] = json!(user_id);
            }
            contact
        }
    };
    json(
        StatusCode::OK,
        &json!({
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": wamid}],
        }),
    )
}

/// What the status timeline of one accepted send needs.
struct Pending {
    wamid: String,
    phone_number_id: String,
    /// Whether the send went to a phone number (`to`): only then do its statuses
    /// carry the number, and a failed one nothing else.
    to_phone: bool,
    /// Who it went to, as known when it was sent.
    customer: Person,
    /// Id, expiry, pricing category; none outside the window.
    conversation: Option<(String, i64, &'static str)>,
    /// Whether the message is free (`billable: false`, `type: free_customer_service`).
    free: bool,
}

async fn run_statuses(
    shared: Weak<Shared>,
    messages: Weak<Messages>,
    epoch: u64,
    pending: Pending,
    plan: Vec<(&'static str, Duration)>,
) {
    for (status, delay) in plan {
        tokio::time::sleep(delay).await;
        let (Some(shared), Some(messages)) = (shared.upgrade(), messages.upgrade()) else {
            return;
        };
        let config = shared.lock().config.clone();
        let mut inner = messages.lock();
        if inner.epoch != epoch {
            return;
        }
        let timestamp = now_secs().to_string();
        let mut entry = json!({
            "id": pending.wamid,
            "status": status,
            "timestamp": timestamp,
        });
        let failed = pending.conversation.is_none();
        let customer = &pending.customer;
        let phone = customer.phone.as_ref().filter(|_| pending.to_phone);
        if let Some(phone) = phone {
            entry["recipient_id"] = json!(phone);
        }
        // A failed message sent to a phone number names the number alone (dualhook).
        if !(failed && pending.to_phone) {
            if let Some(user_id) = &customer.user_id {
                entry["recipient_user_id"] = json!(user_id);
            }
            if let Some(parent) = &customer.parent_user_id {
                entry["recipient_parent_user_id"] = json!(parent);
            }
        }
        // `contacts` beside the status, except for a failed one; the username only on
        // delivered and read.
        let contacts = (!failed).then(|| {
            let mut contact = json!({});
            if let Some(phone) = phone {
                contact["wa_id"] = json!(phone);
            }
            if let Some(user_id) = &customer.user_id {
                contact["user_id"] = json!(user_id);
            }
            if let Some(parent) = &customer.parent_user_id {
                contact["parent_user_id"] = json!(parent);
            }
            if let Some(username) = &customer.username
                && matches!(status, "delivered" | "read")
            {
                contact["profile"] = json!({"username": username});
            }
            json!([contact])
        });
        match &pending.conversation {
            Some((id, expires, category)) => {
                let mut conversation = json!({"id": id, "origin": {"type": category}});
                if status == "sent" {
                    conversation["expiration_timestamp"] = json!(expires.to_string());
                }
                entry["conversation"] = conversation;
                entry["pricing"] = json!({
                    "billable": !pending.free,
                    "pricing_model": "PMP",
                    "category": category,
                    "type": if pending.free { "free_customer_service" } else { "regular" },
                });
            }
            None => {
                entry["errors"] = json!([{
                    "code": 131047,
                    "title": "Re-engagement message",
                    "message": "Re-engagement message",
                    "error_data": {
                        "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
                    },
                    "href": ERROR_HREF,
                }]);
            }
        }
        if let Some(record) = inner
            .sent
            .iter_mut()
            .rev()
            .find(|r| r["wamid"] == pending.wamid.as_str())
        {
            record["status"] = json!(status);
            if let Some(history) = record["statuses"].as_array_mut() {
                let mut item = json!({"status": status, "timestamp": timestamp});
                if let Some(errors) = entry.get("errors") {
                    item["errors"] = errors.clone();
                }
                history.push(item);
            }
        }
        if !config.cloud_webhook_url.is_empty() {
            let mut value = json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&config, &pending.phone_number_id),
                "statuses": [entry],
            });
            if let Some(contacts) = contacts {
                value["contacts"] = contacts;
            }
            let id = format!("{}:{status}", pending.wamid);
            let event = event(&config, epoch, id, "status", &value, false, false);
            messages.enqueue(&shared, &mut inner, event);
        }
    }
}

/// One entry of `GET /sandbox/messages/sent`. `to` is the phone number as given and
/// `recipient` the BSUID, whichever addressed the send (the other is null); `wa_id`
/// and `user_id` are the customer's number and BSUID as known when it was sent.
fn record(
    wamid: &str,
    phone_number_id: &str,
    outbound: &Outbound,
    customer: &Person,
    in_window: bool,
    request: &serde_json::Map<String, Value>,
) -> Value {
    let to_phone = matches!(outbound.address, Address::Phone(_));
    json!({
        "wamid": wamid,
        "phone_number_id": phone_number_id,
        "to": to_phone.then_some(&outbound.input),
        "recipient": (!to_phone).then_some(&outbound.input),
        "wa_id": customer.phone,
        "user_id": customer.user_id,
        "type": outbound.kind,
        "interactive_type": outbound.interactive_type,
        "template": outbound.template,
        "body": outbound.body,
        "in_service_window": in_window,
        "accepted_at": random::now_ms(),
        "status": "accepted",
        "statuses": [],
        "request": request,
    })
}

fn metadata(config: &SandboxConfig, phone_number_id: &str) -> Value {
    json!({
        "display_phone_number": config.display_phone_number,
        "phone_number_id": phone_number_id,
    })
}

/// Wraps one change value in the webhook envelope, to be signed with the app secret.
fn event(
    config: &SandboxConfig,
    epoch: u64,
    id: String,
    kind: &'static str,
    value: &Value,
    duplicate: bool,
    reorder: bool,
) -> Event {
    let envelope = json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": field_of(kind)}]}],
    });
    let destination = Destination {
        url: config.cloud_webhook_url.clone(),
        signing: Signing::Cloud {
            app_secret: config.cloud_app_secret.clone(),
        },
    };
    Event::new(
        id,
        epoch,
        vec![("kind", json!(kind))],
        Bytes::from(envelope.to_string()),
        vec![destination],
    )
    .fixed(
        duplicate || config.webhook_duplicate,
        reorder || config.webhook_reorder,
    )
}

/// The subscription field a webhook of `kind` goes out under.
fn field_of(kind: &str) -> &'static str {
    match kind {
        "echo" => "smb_message_echoes",
        "user_id_update" => "user_id_update",
        _ => "messages",
    }
}

/// Unix seconds given as a number or a string of digits.
fn unix_seconds(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str()?.trim().parse().ok())
}

impl Ledger for Messages {
    fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    fn record(&self, epoch: u64, entry: Value) {
        let mut inner = self.lock();
        if inner.epoch == epoch {
            if inner.log.len() >= LOG_CAPACITY {
                inner.log.pop_front();
            }
            inner.log.push_back(entry);
        }
    }
}

/// A Graph error refusing a send, with `error_data.details` as the API gives it.
fn refused(status: StatusCode, code: u32, message: &str, details: &str) -> Response<Body> {
    error(
        status,
        json!({
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details},
        }),
    )
}

fn invalid(message: &str) -> Response<Body> {
    let details = message.trim_start_matches("(#100) ");
    refused(StatusCode::BAD_REQUEST, 100, message, details)
}

pub(super) fn now_secs() -> i64 {
    (random::now_ms() / 1_000) as i64
}

/// A message id shaped like WhatsApp's (`wamid.HBgL…`), unique per call.
fn new_wamid() -> String {
    format!("wamid.HBgL{}", random::ulid())
}

/// 32 lowercase hex characters, like a conversation id.
fn conversation_id() -> String {
    random::ulid()
        .bytes()
        .chain(random::ulid().bytes())
        .take(32)
        .map(|b| char::from_digit(u32::from(b) % 16, 16).unwrap_or('0'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_whatsapp() {
        let (a, b) = (new_wamid(), new_wamid());
        assert!(a.starts_with("wamid."));
        assert_ne!(a, b);
        let conversation = conversation_id();
        assert_eq!(conversation.len(), 32);
        assert!(conversation.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
