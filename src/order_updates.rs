//! WhatsApp updates about WooCommerce orders: which template each order event sends
//! with which of the order's data, to whom (opted-in customers only), exactly once per
//! (order, event), retried a bounded number of times, and what WhatsApp then reported
//! of each send.
//!
//! A send is three steps, so that the message itself goes through the same send path
//! as every other message (`messaging::send`, which keeps the window, pacing and the
//! allowance): [`claim`] records the (order, event) under its unique key before
//! anything is sent, and refuses a second claim; the plugin sends; [`finish`] records
//! the outcome and says whether to try again. A worker that dies between the send and
//! [`finish`] leaves the claim `sending`, which is never sent again: a customer may
//! miss an update, never get one twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::consent::{self, Purpose};
use crate::messaging::Outbound;
use crate::rules::{Format, RulesError};
use crate::store::{Store, StoreError};

/// Sends one (order, event) may make before it is given up.
pub const MAX_ATTEMPTS: u32 = 5;

/// The wait before the first retry, seconds; it doubles with each attempt.
pub const RETRY_BASE_SECONDS: i64 = 60;

/// Longest text of one template parameter, in characters (WhatsApp's body limit is
/// 1024 for the whole body; a long item list is cut, not refused).
pub const MAX_PARAM_CHARS: usize = 300;

/// Most parameters one mapping may fill.
pub const MAX_PARAMS: usize = 10;

/// Why an order update could not be claimed, recorded or read.
#[derive(Debug, thiserror::Error)]
pub enum OrderUpdateError {
    /// A bad order id, event or customer.
    #[error("{0}")]
    Invalid(String),
    /// A mapping that does not hold.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// Consent could not be read.
    #[error(transparent)]
    Consent(#[from] consent::ConsentError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An order event that may send an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEvent {
    /// The order was placed and paid (or is cash on delivery): status `processing`.
    Processing,
    /// Status `completed`.
    Completed,
    /// Status `refunded`.
    Refunded,
    /// Status `cancelled`.
    Cancelled,
    /// Status `failed`.
    Failed,
    /// Status `on-hold`.
    OnHold,
    /// The shop marked it shipped (with a tracking note).
    Shipped,
}

impl OrderEvent {
    /// Every event, in the order the settings list them.
    pub const ALL: [OrderEvent; 7] = [
        OrderEvent::Processing,
        OrderEvent::Shipped,
        OrderEvent::Completed,
        OrderEvent::OnHold,
        OrderEvent::Refunded,
        OrderEvent::Cancelled,
        OrderEvent::Failed,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderEvent::Processing => "processing",
            OrderEvent::Completed => "completed",
            OrderEvent::Refunded => "refunded",
            OrderEvent::Cancelled => "cancelled",
            OrderEvent::Failed => "failed",
            OrderEvent::OnHold => "on_hold",
            OrderEvent::Shipped => "shipped",
        }
    }

    /// The event named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// The event a WooCommerce status change to `status` (without `wc-`) makes.
    pub fn of_status(status: &str) -> Option<Self> {
        match status {
            "processing" => Some(OrderEvent::Processing),
            "completed" => Some(OrderEvent::Completed),
            "refunded" => Some(OrderEvent::Refunded),
            "cancelled" => Some(OrderEvent::Cancelled),
            "failed" => Some(OrderEvent::Failed),
            "on-hold" => Some(OrderEvent::OnHold),
            _ => None,
        }
    }
}

/// An order field a template parameter may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderField {
    /// The order number as the shop shows it.
    OrderNumber,
    /// The total with its currency, e.g. `25.00 USD`.
    Total,
    /// The items, e.g. `2 × Blue tee, 1 × Mug`.
    Items,
    /// The shipping tracking note.
    Tracking,
    /// The pay link while the order awaits payment, else the order's view link.
    Link,
    /// The customer's first name.
    CustomerName,
    /// The store's (or vendor's) name.
    StoreName,
    /// The order's status as the shop words it.
    Status,
}

impl OrderField {
    /// Every field.
    pub const ALL: [OrderField; 8] = [
        OrderField::OrderNumber,
        OrderField::Total,
        OrderField::Items,
        OrderField::Tracking,
        OrderField::Link,
        OrderField::CustomerName,
        OrderField::StoreName,
        OrderField::Status,
    ];
}

/// The template one event sends and the order fields of its body parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTemplate {
    /// The approved template's name.
    pub name: String,
    /// Its language, e.g. `en_US`.
    pub language: String,
    /// The order fields filling `{{1}}`, `{{2}}`… of its body.
    #[serde(default)]
    pub params: Vec<OrderField>,
}

/// Which template each event sends; an event not in it sends nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mapping(pub BTreeMap<OrderEvent, EventTemplate>);

impl Mapping {
    /// Reads and checks a mapping (event => `name`, `language`, `params`). An event
    /// whose template name is empty is left out (unmapped), so a settings form can
    /// send every row.
    pub fn from_json(value: Value) -> Result<Self, RulesError> {
        let raw: BTreeMap<OrderEvent, EventTemplate> =
            crate::rules::options::read("mapping", value)?;
        let mut mapping = BTreeMap::new();
        for (event, template) in raw {
            let name = template.name.trim().to_owned();
            if name.is_empty() {
                continue;
            }
            let field = |what: &str| format!("mapping.{}.{what}", event.as_str());
            let problem = |what: &str, format| RulesError::Invalid {
                what: field(what),
                problem: crate::rules::FieldProblem::new(
                    &field(what),
                    crate::rules::ProblemCode::BadFormat,
                )
                .format(format),
            };
            if !Format::TemplateName.matches(&name) {
                return Err(problem("name", Format::TemplateName));
            }
            let language = template.language.trim().to_owned();
            if !Format::Language.matches(&language) {
                return Err(problem("language", Format::Language));
            }
            if template.params.len() > MAX_PARAMS {
                return Err(RulesError::Invalid {
                    what: field("params"),
                    problem: crate::rules::FieldProblem::new(
                        &field("params"),
                        crate::rules::ProblemCode::OutOfRange,
                    )
                    .bounds(crate::rules::Bounds::new(0, MAX_PARAMS as i64)),
                });
            }
            mapping.insert(
                event,
                EventTemplate {
                    name,
                    language,
                    params: template.params,
                },
            );
        }
        Ok(Mapping(mapping))
    }

    /// The template `event` sends, if mapped.
    pub fn template(&self, event: OrderEvent) -> Option<&EventTemplate> {
        self.0.get(&event)
    }

    /// `(name, language, event)` of every mapped event, for "where is this template
    /// used".
    pub fn usages(&self) -> Vec<(String, String, OrderEvent)> {
        self.0
            .iter()
            .map(|(event, t)| (t.name.clone(), t.language.clone(), *event))
            .collect()
    }
}

/// The order's data, as the plugin reads it from WooCommerce.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrderData {
    /// The order number.
    pub order_number: String,
    /// The total with currency.
    pub total: String,
    /// The items, one `quantity × name` each.
    pub items: Vec<String>,
    /// The tracking note.
    pub tracking: String,
    /// The pay or view link.
    pub link: String,
    /// The customer's first name.
    pub customer_name: String,
    /// The store's name.
    pub store_name: String,
    /// The status as worded.
    pub status: String,
}

impl OrderData {
    fn value(&self, field: OrderField) -> String {
        match field {
            OrderField::OrderNumber => self.order_number.clone(),
            OrderField::Total => self.total.clone(),
            OrderField::Items => self.items.join(", "),
            OrderField::Tracking => self.tracking.clone(),
            OrderField::Link => self.link.clone(),
            OrderField::CustomerName => self.customer_name.clone(),
            OrderField::StoreName => self.store_name.clone(),
            OrderField::Status => self.status.clone(),
        }
    }
}

/// A template parameter's text as WhatsApp accepts it: no new lines or tabs, no runs
/// of more than four spaces, not empty (`-` stands for a missing value), at most
/// [`MAX_PARAM_CHARS`] characters (cut with `…`).
pub fn param_text(value: &str) -> String {
    let flat = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "-".into();
    }
    if flat.chars().count() <= MAX_PARAM_CHARS {
        return flat;
    }
    let mut cut: String = flat.chars().take(MAX_PARAM_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The template message `template` makes with the order's `data`.
pub fn message(template: &EventTemplate, data: &OrderData) -> Outbound {
    let components = if template.params.is_empty() {
        Value::Null
    } else {
        let parameters: Vec<Value> = template
            .params
            .iter()
            .map(|f| json!({"type": "text", "text": param_text(&data.value(*f))}))
            .collect();
        json!([{"type": "body", "parameters": parameters}])
    };
    Outbound::Template {
        name: template.name.clone(),
        language: template.language.clone(),
        components,
    }
}

/// Where one (order, event) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    /// Claimed; the send is under way (or its worker died: never sent again).
    Sending,
    /// WhatsApp accepted it.
    Sent,
    /// A retryable failure; another attempt is due.
    Retry,
    /// Paced or over a rate limit; waiting its turn, no attempt spent.
    Waiting,
    /// Given up: a permanent failure, or [`MAX_ATTEMPTS`] spent.
    Failed,
    /// Not sent: the customer had not opted in.
    Skipped,
}

impl UpdateState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Sending => "sending",
            UpdateState::Sent => "sent",
            UpdateState::Retry => "retry",
            UpdateState::Waiting => "waiting",
            UpdateState::Failed => "failed",
            UpdateState::Skipped => "skipped",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [
            UpdateState::Sending,
            UpdateState::Sent,
            UpdateState::Retry,
            UpdateState::Waiting,
            UpdateState::Failed,
            UpdateState::Skipped,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One (order, event) to claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateKey<'a> {
    /// The order (or sub-order) id.
    pub order_id: u64,
    /// The event.
    pub event: OrderEvent,
    /// The vendor whose number sends it (0 = the marketplace's).
    pub vendor_id: u64,
    /// The customer's WhatsApp id.
    pub customer: &'a str,
    /// The template it sends.
    pub template: &'a EventTemplate,
}

/// What a claim decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Claim {
    /// Send now: this is attempt number `attempt`.
    Send {
        /// 1 for the first try.
        attempt: u32,
    },
    /// Do not send: the customer has not opted in to order updates (recorded).
    NoConsent,
    /// Do not send: this (order, event) was sent, is being sent, or was given up.
    Done {
        /// Its state.
        state: UpdateState,
    },
}

/// Claims (order, event) for sending: checks the customer's consent and records the
/// claim under the pair's unique key in one transaction, so two workers running the
/// same action (a retried or doubled Action Scheduler action) cannot both send.
pub fn claim(store: &Store, key: &UpdateKey<'_>, now: i64) -> Result<Claim, OrderUpdateError> {
    if key.order_id == 0 || key.order_id > i64::MAX as u64 {
        return Err(OrderUpdateError::Invalid(
            "the order id must be positive".into(),
        ));
    }
    consent::check_customer(key.customer).map_err(|_| {
        OrderUpdateError::Invalid("the customer's WhatsApp number must be 6 to 15 digits".into())
    })?;
    store.transact(|tx| {
        let repo = tx.order_updates();
        let existing = repo.state(key.order_id, key.event)?;
        if let Some((state, _)) = existing {
            if matches!(
                state,
                UpdateState::Sent | UpdateState::Sending | UpdateState::Failed
            ) {
                return Ok(Claim::Done { state });
            }
        }
        let opted_in = tx
            .consents()
            .latest(key.customer, Purpose::OrderUpdates)?
            .is_some_and(|r| r.granted);
        let claim = if opted_in {
            let attempt = existing.map_or(0, |(_, attempts)| attempts) + 1;
            repo.put(key, UpdateState::Sending, attempt, None, now)?;
            Claim::Send { attempt }
        } else {
            repo.put(
                key,
                UpdateState::Skipped,
                existing.map_or(0, |(_, a)| a),
                Some("no_consent"),
                now,
            )?;
            Claim::NoConsent
        };
        Ok(claim)
    })
}

/// How a claimed send went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// WhatsApp accepted it as `wamid`.
    Sent {
        /// The message id.
        wamid: String,
    },
    /// Paced or rate limited: try again in `retry_after` seconds, no attempt spent.
    Paced {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// Refused or failed; `error` is the plugin's error code (`wpwa_transport_error`…).
    Failed {
        /// The error code.
        error: String,
    },
}

/// What to do after [`finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "next", rename_all = "snake_case")]
pub enum Next {
    /// Nothing: sent, or given up.
    Done,
    /// Run the action again in `seconds`.
    RetryIn {
        /// Seconds to wait.
        seconds: i64,
    },
}

/// Whether a failed send may succeed when tried again: the service or the store was
/// unreachable, not the message refused.
pub fn retryable(error: &str) -> bool {
    matches!(
        error,
        "wpwa_transport_error" | "wpwa_storage_error" | "wpwa_error" | "wpwa_internal_error"
    )
}

/// Records how the claimed send of (order, event) went and says what comes next.
pub fn finish(
    store: &Store,
    order_id: u64,
    event: OrderEvent,
    outcome: &SendOutcome,
    now: i64,
) -> Result<Next, OrderUpdateError> {
    store.transact(|tx| {
        let repo = tx.order_updates();
        let Some((state, attempts)) = repo.state(order_id, event)? else {
            return Err(OrderUpdateError::Invalid(format!(
                "order {order_id} has no claimed {} update",
                event.as_str()
            )));
        };
        if state != UpdateState::Sending {
            return Ok(Next::Done);
        }
        let next = match outcome {
            SendOutcome::Sent { wamid } => {
                repo.set_outcome(
                    order_id,
                    event,
                    UpdateState::Sent,
                    attempts,
                    Some(wamid),
                    None,
                    now,
                )?;
                Next::Done
            }
            SendOutcome::Paced { retry_after } => {
                let spent = attempts.saturating_sub(1);
                repo.set_outcome(
                    order_id,
                    event,
                    UpdateState::Waiting,
                    spent,
                    None,
                    Some("rate_limited"),
                    now,
                )?;
                Next::RetryIn {
                    seconds: (*retry_after).max(1),
                }
            }
            SendOutcome::Failed { error } if retryable(error) && attempts < MAX_ATTEMPTS => {
                repo.set_outcome(
                    order_id,
                    event,
                    UpdateState::Retry,
                    attempts,
                    None,
                    Some(error),
                    now,
                )?;
                Next::RetryIn {
                    seconds: RETRY_BASE_SECONDS << (attempts.saturating_sub(1)).min(10),
                }
            }
            SendOutcome::Failed { error } => {
                repo.set_outcome(
                    order_id,
                    event,
                    UpdateState::Failed,
                    attempts,
                    None,
                    Some(error),
                    now,
                )?;
                Next::Done
            }
        };
        Ok(next)
    })
}

/// A delivery status WhatsApp reported for a sent update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryStatus {
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    /// When (Unix seconds, as WhatsApp stamped it).
    pub at: i64,
}

/// One (order, event) update as the order page and the vendor's dashboard show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateView {
    /// The order.
    pub order_id: u64,
    /// The event.
    pub event: OrderEvent,
    /// The vendor whose number sends it (0 = the marketplace's).
    pub vendor_id: u64,
    /// The template.
    pub template: String,
    /// Its language.
    pub language: String,
    /// Where the send stands.
    pub state: UpdateState,
    /// Sends tried.
    pub attempts: u32,
    /// Why it was not sent or failed: `no_consent`, `rate_limited`, or the plugin's
    /// error code.
    pub error: Option<String>,
    /// The message id once sent.
    pub wamid: Option<String>,
    /// The latest delivery status WhatsApp reported (`sent`, `delivered`, `read`,
    /// `failed`).
    pub delivery: Option<String>,
    /// Each delivery status reported, in order.
    pub statuses: Vec<DeliveryStatus>,
    /// The Graph error code of a failed delivery.
    pub failure_code: Option<i64>,
    /// Why delivery failed, as `conversation::failure_reason` words it.
    pub failure_reason: Option<&'static str>,
    /// When the update was first claimed (Unix seconds).
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
}

fn complete(store: &Store, mut view: UpdateView) -> Result<UpdateView, OrderUpdateError> {
    if let Some(wamid) = &view.wamid {
        let delivery = store.order_updates().delivery(wamid)?;
        if let Some((status, code)) = delivery {
            if status.as_deref() == Some("failed") {
                view.failure_code = code;
                view.failure_reason = Some(crate::conversation::failure_reason(code));
            }
            view.delivery = status.filter(|s| s != "accepted");
        }
        view.statuses = store
            .order_updates()
            .statuses(wamid)?
            .into_iter()
            .map(|(status, at)| DeliveryStatus { status, at })
            .collect();
    }
    Ok(view)
}

/// The updates of an order (and of its sub-orders, when `orders` lists them), by
/// event order.
pub fn for_orders(store: &Store, orders: &[u64]) -> Result<Vec<UpdateView>, OrderUpdateError> {
    let mut views = Vec::new();
    for order_id in orders {
        for view in store.order_updates().for_order(*order_id)? {
            views.push(complete(store, view)?);
        }
    }
    Ok(views)
}

/// The vendor's latest updates, newest first.
pub fn for_vendor(
    store: &Store,
    vendor_id: u64,
    limit: u32,
) -> Result<Vec<UpdateView>, OrderUpdateError> {
    store
        .order_updates()
        .for_vendor(vendor_id, limit.clamp(1, 200))?
        .into_iter()
        .map(|view| complete(store, view))
        .collect()
}

#[cfg(test)]
mod tests;
