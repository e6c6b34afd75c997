//! Outbound messages from the marketplace number, within WhatsApp's rules and the
//! marketplace's own limits:
//!
//! - the 24-hour customer-service window: free-form messages only within 24 hours of
//!   the customer's last message; templates at any time;
//! - per-customer pacing: WhatsApp allows about one message every 6 seconds to one
//!   user (error 131056), so the core refuses faster sends before they cost a call;
//! - a monthly allowance of messages per vendor (the product brief's 1,000), and
//!   optionally a monthly cost cap, each message priced at the admin's rate card for
//!   the category it is expected to be billed under ([`crate::pricing`]).
//!
//! Each refusal says when it would succeed. Automatic replies (acknowledgement, away
//! message) are in [`auto`].

use serde::Serialize;
use serde_json::{Value, json};

use crate::clock;
use crate::cloud::{CloudClient, CloudError};
use crate::consent::{self, ConsentError, Purpose};
use crate::customer::{self, Recipient};
use crate::pricing::{self, PricingCategory, RateCard};
use crate::store::{SentRecord, Store, StoreError};
use crate::templates::{self, Category, Endpoint, Refusal, Route, TemplatesError};

pub mod auto;

/// The customer-service window.
pub const SERVICE_WINDOW_SECONDS: i64 = 24 * 3600;

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MessagingError {
    /// Free-form text outside the 24-hour window.
    #[error(
        "the customer last wrote more than 24 hours ago; WhatsApp only allows an approved template now"
    )]
    OutsideWindow,
    /// Too soon after the last message to this customer.
    #[error("a message was sent to this customer moments ago; wait {retry_after} seconds")]
    Paced {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// The vendor used this month's allowance.
    #[error("this month's allowance of {limit} WhatsApp messages is used up; it renews on the 1st")]
    AllowanceUsed {
        /// The monthly allowance.
        limit: u32,
        /// Seconds until the month turns (UTC).
        retry_after: i64,
    },
    /// The vendor's sends this month, at the rate card's prices, would pass the cost
    /// cap. The message names the cap as `<decimal> <ISO 4217 code>` and the day
    /// sends resume as `YYYY-MM-DD` (the plugin words it again from these).
    #[error(
        "this month's WhatsApp budget of {cap} is used up; messages can be sent again on {resumes}",
        cap = pricing::format_amount(*cap_micros, currency),
        resumes = clock::iso8601(*resets_at).get(..10).unwrap_or_default()
    )]
    CostCapReached {
        /// The monthly cap, micro-units of `currency`.
        cap_micros: i64,
        /// The rate card's currency.
        currency: String,
        /// Seconds until the month turns (UTC).
        retry_after: i64,
        /// When it turns (Unix seconds).
        resets_at: i64,
    },
    /// The message itself is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The template may not be sent: unknown, not approved, paused, disabled or sent
    /// with the wrong parameters (before any call from the stored list, or the API's
    /// 132xxx codes).
    #[error(transparent)]
    Template(#[from] Refusal),
    /// The API refused or could not be reached.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The marketplace's sending limits; the admin may tune them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Messages a vendor may send per calendar month (UTC).
    pub monthly_allowance: u32,
    /// Seconds between two messages to one customer.
    pub pacing_seconds: i64,
    /// What a vendor's messages may cost per calendar month (UTC), micro-units of the
    /// rate card's currency; `None`: no cap.
    pub cost_cap_micros: Option<i64>,
    /// The prices the cap counts with.
    pub rate_card: RateCard,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            monthly_allowance: 1000,
            pacing_seconds: 6,
            cost_cap_micros: None,
            rate_card: RateCard::default(),
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// Free-form text (window only).
    Text(String),
    /// An approved template (any time).
    Template {
        /// Template name.
        name: String,
        /// Language code, e.g. `en_US`.
        language: String,
        /// Components (parameters), as the API takes them.
        components: Value,
    },
    /// One catalog product (window only).
    Product {
        /// The catalog.
        catalog_id: String,
        /// The product's retailer id.
        retailer_id: String,
        /// The accompanying text.
        body: String,
    },
    /// Several catalog products (window only): at most 10 sections and 30 items.
    ProductList {
        /// The catalog.
        catalog_id: String,
        /// Header text.
        header: String,
        /// Body text.
        body: String,
        /// (section title, retailer ids).
        sections: Vec<(String, Vec<String>)>,
    },
    /// An interactive list the customer picks one row from (window only): at most 10
    /// rows; the reply carries the row's id.
    List {
        /// Body text.
        body: String,
        /// The button that opens the list (at most 20 characters).
        button: String,
        /// (row id, title of at most 24 characters, description of at most 72).
        rows: Vec<(String, String, String)>,
    },
}

impl Outbound {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Outbound::Text(_) => "text",
            Outbound::Template { .. } => "template",
            Outbound::Product { .. } => "product",
            Outbound::ProductList { .. } => "product_list",
            Outbound::List { .. } => "list",
        }
    }

    pub(crate) fn preview(&self) -> String {
        match self {
            Outbound::Text(body)
            | Outbound::Product { body, .. }
            | Outbound::ProductList { body, .. }
            | Outbound::List { body, .. } => body.clone(),
            Outbound::Template { name, .. } => format!("[template {name}]"),
        }
    }

    /// The request body for `POST /{phone_number_id}/messages`, addressed `to` a phone
    /// or to a BSUID as `recipient`.
    pub(crate) fn request(&self, recipient: &Recipient) -> Result<Value, MessagingError> {
        let (field, address) = recipient.field();
        let base = |kind: &str, content: Value| {
            let mut body = json!({"messaging_product": "whatsapp", "recipient_type": "individual", "type": kind});
            body[field] = json!(address);
            body[kind] = content;
            body
        };
        Ok(match self {
            Outbound::Text(text) => {
                if text.trim().is_empty()
                    || text.chars().count() > crate::rules::MAX_MESSAGE_TEXT_CHARS
                {
                    return Err(MessagingError::Invalid(format!(
                        "a text message needs 1 to {} characters",
                        crate::rules::MAX_MESSAGE_TEXT_CHARS
                    )));
                }
                base("text", json!({"body": text, "preview_url": false}))
            }
            Outbound::Template {
                name,
                language,
                components,
            } => {
                if name.is_empty() || language.is_empty() {
                    return Err(MessagingError::Invalid(
                        "a template needs a name and a language".into(),
                    ));
                }
                let mut template = json!({"name": name, "language": {"code": language}});
                if !components.is_null() {
                    template["components"] = components.clone();
                }
                base("template", template)
            }
            Outbound::Product {
                catalog_id,
                retailer_id,
                body,
            } => base(
                "interactive",
                json!({"type": "product", "body": {"text": body}, "action": {"catalog_id": catalog_id, "product_retailer_id": retailer_id}}),
            ),
            Outbound::ProductList {
                catalog_id,
                header,
                body,
                sections,
            } => {
                let items: usize = sections.iter().map(|(_, ids)| ids.len()).sum();
                if sections.is_empty() || sections.len() > 10 || items == 0 || items > 30 {
                    return Err(MessagingError::Invalid(
                        "a product list needs 1 to 10 sections and 1 to 30 products".into(),
                    ));
                }
                let sections: Vec<Value> = sections
                    .iter()
                    .map(|(title, ids)| json!({"title": title, "product_items": ids.iter().map(|id| json!({"product_retailer_id": id})).collect::<Vec<_>>()}))
                    .collect();
                base(
                    "interactive",
                    json!({"type": "product_list", "header": {"type": "text", "text": header}, "body": {"text": body}, "action": {"catalog_id": catalog_id, "sections": sections}}),
                )
            }
            Outbound::List { body, button, rows } => {
                let chars = |s: &str| s.chars().count();
                if rows.is_empty()
                    || rows.len() > 10
                    || body.trim().is_empty()
                    || chars(body) > 1024
                    || !(1..=20).contains(&chars(button))
                    || rows.iter().any(|(id, title, description)| {
                        !(1..=200).contains(&id.len())
                            || !(1..=24).contains(&chars(title))
                            || chars(description) > 72
                    })
                {
                    return Err(MessagingError::Invalid(
                        "a list needs a body, a button of up to 20 characters and 1 to 10 rows with titles of up to 24".into(),
                    ));
                }
                let rows: Vec<Value> = rows
                    .iter()
                    .map(|(id, title, description)| {
                        let mut row = json!({"id": id, "title": title});
                        if !description.is_empty() {
                            row["description"] = json!(description);
                        }
                        row
                    })
                    .collect();
                base(
                    "interactive",
                    json!({"type": "list", "body": {"text": body}, "action": {"button": button, "sections": [{"rows": rows}]}}),
                )
            }
        })
    }
}

/// A sent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    /// The API's message id.
    pub wamid: String,
    /// Messages the vendor has left this month.
    pub allowance_left: u32,
    /// What the vendor may still spend this month (micro-units of the rate card's
    /// currency), when there is a cost cap.
    pub budget_left_micros: Option<i64>,
}

/// How long a reserved send holds its place: longer than any API call may take, so only
/// a send whose worker died is forgotten.
const RESERVATION_LIFETIME_SECONDS: i64 = 120;

/// The way to reach the customer stored under `key`: their phone when known, else their
/// BSUID.
pub(crate) fn recipient_of(store: &Store, key: &str) -> Result<Recipient, MessagingError> {
    let stored = store.customers().get(key)?;
    customer::recipient(key, stored.as_ref()).ok_or_else(|| {
        MessagingError::Invalid(
            "the customer must be named by a WhatsApp number of 6 to 15 digits or a WhatsApp user id"
                .into(),
        )
    })
}

/// Sends `message` to the customer stored under `to` (their key: phone digits, or the
/// BSUID of a customer who never showed a phone) on the vendor's behalf.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    store: &Store,
    client: &CloudClient,
    phone_number_id: &str,
    vendor_id: u64,
    to: &str,
    message: &Outbound,
    limits: &Limits,
    now: i64,
) -> Result<Sent, MessagingError> {
    let recipient = recipient_of(store, to)?;
    let request = message.request(&recipient)?;

    // The allowance and pacing are checked and this send's place reserved in one write
    // transaction, so two workers on any web nodes cannot both take the last place;
    // the API is called only after it commits.
    let (month_start, next_month) = clock::month_bounds(now);
    let live_after = now - RESERVATION_LIFETIME_SECONDS;
    let (used, conversation, (endpoint, category, budget_left_micros), reservation) = store
        .transact(|tx| {
            let messages = tx.messages();
            let used = messages
                .sent_since(vendor_id, month_start)?
                .saturating_add(messages.reserved_since(vendor_id, month_start.max(live_after))?);
            let used = i64::try_from(used).unwrap_or(i64::MAX);
            if used >= i64::from(limits.monthly_allowance) {
                return Err(MessagingError::AllowanceUsed {
                    limit: limits.monthly_allowance,
                    retry_after: next_month - now,
                });
            }
            let conversation = messages.open_conversation(vendor_id, to)?;
            let in_window = conversation
                .and_then(|c| c.last_inbound_at)
                .is_some_and(|at| now - at < SERVICE_WINDOW_SECONDS);
            if !matches!(message, Outbound::Template { .. }) && !in_window {
                return Err(MessagingError::OutsideWindow);
            }
            let last_sent = messages
                .last_sent_to(to)?
                .max(messages.last_reserved_for(to, live_after)?);
            // Times are whole seconds: `now - last` may read 6 when only 5.1 s have passed,
            // which WhatsApp's own pair limit (counted in milliseconds) would refuse. One
            // second more than the interval is always enough.
            if let Some(last) = last_sent
                .filter(|last| limits.pacing_seconds > 0 && now - last <= limits.pacing_seconds)
            {
                return Err(MessagingError::Paced {
                    retry_after: limits.pacing_seconds + 1 - (now - last),
                });
            }
            let (endpoint, category) = match message {
                Outbound::Template { name, language, .. } => {
                    let route = template_route(store, phone_number_id, to, name, language)?;
                    // WhatsApp delivers no authentication template to a BSUID (131062).
                    if route.category == Some(Category::Authentication)
                        && matches!(recipient, Recipient::Bsuid(_))
                    {
                        return Err(MessagingError::Invalid(
                            "an authentication template needs the customer's phone number, which WhatsApp has not shared".into(),
                        ));
                    }
                    (
                        route.endpoint,
                        PricingCategory::at_send(Some(route.category)),
                    )
                }
                _ => (Endpoint::Messages, PricingCategory::at_send(None)),
            };
            let budget_left = match limits.cost_cap_micros {
                Some(cap) => {
                    let price = limits.rate_card.price(Some(category.as_str()));
                    let spent =
                        month_cost(&messages, vendor_id, &limits.rate_card, now, live_after)?;
                    // A free message (price 0) never crosses the cap, even once it is used.
                    if price > 0 && spent.saturating_add(price) > cap {
                        return Err(MessagingError::CostCapReached {
                            cap_micros: cap,
                            currency: limits.rate_card.currency.clone(),
                            retry_after: next_month - now,
                            resets_at: next_month,
                        });
                    }
                    Some(cap.saturating_sub(spent).saturating_sub(price).max(0))
                }
                None => None,
            };
            let reservation =
                messages.reserve_send(vendor_id, to, category.as_str(), now, live_after)?;
            Ok((
                used,
                conversation,
                (endpoint, category, budget_left),
                reservation,
            ))
        })?;

    let sent = client
        .send_to(endpoint, phone_number_id, &request)
        .await
        .map_err(|error| match message {
            Outbound::Template { name, language, .. } => Refusal::from_api(&error, name, language)
                .map_or(MessagingError::Cloud(error), MessagingError::Template),
            _ => MessagingError::Cloud(error),
        });
    let wamid = match sent {
        Ok(wamid) => wamid,
        Err(error) => {
            // Not sent: the place goes back (a failure here only keeps it until it
            // goes stale).
            let _ = store.messages().release_send(reservation);
            return Err(error);
        }
    };

    // What the send changed is written in one transaction with the reservation's
    // release (the write lock is taken only now, after the API answered).
    let raw = request.to_string();
    store.transact(|tx| {
        tx.messages().record_sent(
            conversation.map(|c| c.id),
            &SentRecord {
                vendor_id,
                customer: to,
                wamid: &wamid,
                kind: message.kind(),
                preview: &message.preview(),
                raw: &raw,
                at: now,
                pricing_category: category.as_str(),
            },
        )?;
        tx.messages().release_send(reservation)?;
        Ok::<_, MessagingError>(())
    })?;
    tracing::info!(
        vendor_id,
        kind = "message",
        code = "message_sent",
        message_type = message.kind(),
        "Sent a {} message to a customer",
        message.kind()
    );
    let allowance_left = u32::try_from(i64::from(limits.monthly_allowance) - used - 1).unwrap_or(0);
    Ok(Sent {
        wamid,
        allowance_left,
        budget_left_micros,
    })
}

/// What the vendor's sends this calendar month cost at `card`'s prices: the messages
/// recorded (free ones excluded) and the sends still under way (reserved after
/// `live_after`), each at the price of the category it is expected to be billed under.
fn month_cost(
    messages: &crate::store::MessageRepo<'_>,
    vendor_id: u64,
    card: &RateCard,
    now: i64,
    live_after: i64,
) -> Result<i64, StoreError> {
    let (month_start, next_month) = clock::month_bounds(now);
    let sent = messages
        .counts_by_category(Some(vendor_id), month_start, next_month)?
        .into_iter()
        .filter(|row| !row.free)
        .fold(0i64, |sum, row| {
            sum.saturating_add(card.cost(row.category.as_deref(), row.count))
        });
    let reserved = messages
        .reserved_by_category_since(vendor_id, month_start.max(live_after))?
        .into_iter()
        .fold(0i64, |sum, (category, count)| {
            sum.saturating_add(card.cost(category.as_deref(), count))
        });
    Ok(sent.saturating_add(reserved))
}

/// The endpoint a template send goes to and its category, from the account's stored
/// templates ([`templates::route`]); an unknown, unapproved, paused or disabled template is
/// refused here, before any call, and so is a marketing template to customer `to`
/// unless their current marketing consent is a grant.
fn template_route(
    store: &Store,
    phone_number_id: &str,
    to: &str,
    name: &str,
    language: &str,
) -> Result<Route, MessagingError> {
    let route = match templates::route(store, phone_number_id, name, language) {
        Ok(route) => route,
        Err(TemplatesError::Refused(refusal)) => return Err(MessagingError::Template(refusal)),
        Err(TemplatesError::Store(e)) => return Err(MessagingError::Store(e)),
        Err(TemplatesError::Cloud(e)) => return Err(MessagingError::Cloud(e)),
        Err(TemplatesError::NoAccount) => {
            return Ok(Route {
                endpoint: Endpoint::Messages,
                category: None,
            });
        }
    };
    if route.category == Some(Category::Marketing) {
        let agreed = consent::granted(store, to, Purpose::Marketing).map_err(|e| match e {
            ConsentError::Store(e) => MessagingError::Store(e),
            other => MessagingError::Invalid(other.to_string()),
        })?;
        if !agreed {
            return Err(MessagingError::Template(Refusal::NoMarketingConsent {
                name: name.to_owned(),
            }));
        }
    }
    Ok(route)
}

/// The vendor's calendar month (UTC) so far: messages by pricing category, how many
/// are billable, and their estimated cost at `card`'s prices.
pub fn month_usage(
    store: &Store,
    vendor_id: u64,
    card: &RateCard,
    now: i64,
) -> Result<pricing::MonthUsage, MessagingError> {
    let bounds = clock::month_bounds(now);
    let rows = store
        .messages()
        .counts_by_category(Some(vendor_id), bounds.0, bounds.1)?;
    Ok(pricing::month_usage(vendor_id, bounds, &rows, card))
}

/// Every vendor's calendar month (UTC) so far, as [`month_usage`], read with one
/// query: vendors that sent nothing this month are absent.
pub fn month_usage_all(
    store: &Store,
    card: &RateCard,
    now: i64,
) -> Result<Vec<pricing::MonthUsage>, MessagingError> {
    let bounds = clock::month_bounds(now);
    let rows = store
        .messages()
        .counts_by_category(None, bounds.0, bounds.1)?;
    let mut vendors: Vec<u64> = rows.iter().map(|r| r.vendor_id).collect();
    vendors.sort_unstable();
    vendors.dedup();
    Ok(vendors
        .into_iter()
        .map(|vendor_id| pricing::month_usage(vendor_id, bounds, &rows, card))
        .collect())
}

/// Messages the vendor has sent this calendar month (UTC), counted against the
/// monthly allowance.
pub fn sent_this_month(store: &Store, vendor_id: u64, now: i64) -> Result<u64, MessagingError> {
    let (month_start, _) = clock::month_bounds(now);
    Ok(store.messages().sent_since(vendor_id, month_start)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_have_the_api_shape() {
        let text = Outbound::Text("Hello".into())
            .request(&Recipient::Phone("15550001".into()))
            .unwrap();
        assert_eq!(
            text,
            json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "15550001", "type": "text", "text": {"body": "Hello", "preview_url": false}})
        );
        // A customer who never showed a phone is reached by BSUID, as `recipient`.
        let to_bsuid = Outbound::Text("Hello".into())
            .request(&Recipient::Bsuid("US.13491208655302741918".into()))
            .unwrap();
        assert_eq!(to_bsuid["recipient"], "US.13491208655302741918");
        assert!(to_bsuid.get("to").is_none());
        let list = Outbound::ProductList {
            catalog_id: "9".into(),
            header: "Picks".into(),
            body: "For you".into(),
            sections: vec![("Tees".into(), vec!["A".into(), "B".into()])],
        }
        .request(&Recipient::Phone("15550001".into()))
        .unwrap();
        assert_eq!(
            list["interactive"]["action"]["sections"][0]["product_items"][1]["product_retailer_id"],
            "B"
        );
        let too_many = Outbound::ProductList {
            catalog_id: "9".into(),
            header: "h".into(),
            body: "b".into(),
            sections: vec![("s".into(), (0..31).map(|i| i.to_string()).collect())],
        };
        assert!(matches!(
            too_many.request(&Recipient::Phone("15550001".into())),
            Err(MessagingError::Invalid(_))
        ));
        assert!(matches!(
            Outbound::Text(" ".into()).request(&Recipient::Phone("1".into())),
            Err(MessagingError::Invalid(_))
        ));
    }
}
