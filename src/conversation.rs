//! Customer conversations: verified Cloud API webhooks stored once per message, routed
//! to vendors, with delivery statuses applied once per (message, status).

use serde::Serialize;
use serde_json::json;

use crate::inbound::{self, Direction, InboundError, Message, Status};
use crate::routing::{self, Lookup, RoutingConfig, Rule, VendorEntry};
use crate::store::{Store, StoreError};

/// Why a webhook could not be ingested.
#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    /// The signature is missing or wrong.
    #[error("webhook refused: {0}")]
    Signature(#[from] crate::signature::SignatureError),
    /// The body is not a Cloud API notification.
    #[error(transparent)]
    Inbound(#[from] InboundError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A consent change could not be recorded.
    #[error(transparent)]
    Consent(#[from] crate::consent::ConsentError),
}

/// One stored copy of a message (an order across vendors is stored once per vendor).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored {
    /// The message's `wamid`.
    pub wamid: String,
    /// The vendor it went to (0 = marketplace team).
    pub vendor_id: u64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The deciding rule.
    pub rule: String,
    /// The conversation as it is once the webhook is stored (what the vendor's
    /// dashboard lists), so that notifying the vendor needs no second call.
    pub conversation: Option<ConversationSummary>,
}

/// The `history` error for a business that declined to share its app's past chats.
pub const HISTORY_NOT_SHARED: i64 = 2_593_109;

/// What a webhook did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// Messages stored.
    pub stored: Vec<Stored>,
    /// Messages seen before.
    pub duplicates: u32,
    /// Customers to be asked which vendor they mean.
    pub menus: Vec<String>,
    /// Statuses applied.
    pub statuses: u32,
    /// Statuses seen before.
    pub duplicate_statuses: u32,
    /// Messages sent to customers that failed to arrive, for telling their vendors.
    pub failures: Vec<DeliveryFailure>,
    /// Template categories and statuses the webhook changed (flagged in the store).
    pub template_changes: Vec<crate::templates::Change>,
    /// Carts (`order` messages) recorded by this webhook, for the plugin to queue; a
    /// redelivered cart is not listed again.
    pub carts: Vec<crate::orders::NewCart>,
    /// Consent changed by customers' opt-out and opt-in words, for confirming to them.
    pub consent_changes: Vec<ConsentReply>,
    /// WhatsApp Business accounts whose state an `account_update` event changed
    /// (offboarded, disconnected, reconnected); a redelivered or older event is not
    /// listed.
    pub account_changes: Vec<crate::business_account::AccountChange>,
    /// Customers whose BSUID or number changed and who were found and updated.
    pub identity_changes: usize,
    /// Past messages a `history` webhook imported (no automation ran for them).
    pub imported: u32,
    /// Error codes of `history` chunks (2593109: the business declined to share).
    pub history_errors: Vec<i64>,
}

/// A consent change a customer's message made, and the conversation to confirm it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentReply {
    /// The vendor the message reached (the reply goes in that conversation, whose
    /// 24-hour window the message just opened).
    pub vendor_id: u64,
    /// What changed.
    #[serde(flatten)]
    pub change: crate::consent::ConsentChange,
}

/// A message sent to a customer that WhatsApp could not deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryFailure {
    /// The vendor it was sent for (0 = the marketplace).
    pub vendor_id: u64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The message's `wamid`.
    pub wamid: String,
    /// The Graph error code, e.g. 131047, when WhatsApp gave one.
    pub error_code: Option<i64>,
    /// Why, as a stable code the plugin words ([`failure_reason`]).
    pub reason: &'static str,
    /// When the failure was reported (Unix seconds).
    pub at: i64,
}

/// Why a message failed, as a stable code, from the Graph error code of its `failed`
/// status: `outside_window` (131047: the customer has not written in 24 hours, only a
/// template may go), `undeliverable` (131026: not a WhatsApp user, or an old app),
/// `engagement_limit` (131049: WhatsApp held it back to keep engagement healthy),
/// `spam_limit` (131048), `rate_limited` (4, 80007, 130429, 131056), `unsupported`
/// (131051), `media` (131052, 131053), `template` (132000–132016), `access` (190, 10,
/// 200, 131031) or `unknown`.
pub fn failure_reason(error_code: Option<i64>) -> &'static str {
    match error_code {
        Some(131_047) => "outside_window",
        Some(131_026) => "undeliverable",
        Some(131_049) => "engagement_limit",
        Some(131_048) => "spam_limit",
        Some(4 | 80_007 | 130_429 | 131_056) => "rate_limited",
        Some(131_051) => "unsupported",
        Some(131_052 | 131_053) => "media",
        Some(132_000..=132_016) => "template",
        Some(10 | 190 | 200 | 131_031) => "access",
        _ => "unknown",
    }
}

struct StoreLookup<'a>(&'a Store);

impl Lookup for StoreLookup<'_> {
    fn vendor_of_retailer_id(&self, retailer_id: &str) -> Option<u64> {
        self.0
            .catalog()
            .vendor_of_retailer_id(retailer_id)
            .ok()
            .flatten()
    }

    fn recent_vendor(&self, customer: &str, since: i64) -> Option<u64> {
        self.0
            .conversations()
            .recent_vendor(customer, since)
            .ok()
            .flatten()
    }
}

/// The Cloud API's GET handshake: the challenge to echo when `mode` is `subscribe` and
/// the token matches (compared in constant time), else `None` (answer 403).
pub fn verify_handshake<'a>(
    mode: &str,
    token: &str,
    challenge: &'a str,
    expected_token: &str,
) -> Option<&'a str> {
    let same = !expected_token.is_empty()
        && token.len() == expected_token.len()
        && token
            .bytes()
            .zip(expected_token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    (mode == "subscribe" && same && !challenge.is_empty() && challenge.len() <= 256)
        .then_some(challenge)
}

/// Verifies a Cloud API webhook's `X-Hub-Signature-256` on the raw bytes, then stores
/// what it carries. Nothing is read from a body whose signature fails.
pub fn receive(
    store: &Store,
    body: &[u8],
    signature: Option<&str>,
    app_secret: &[u8],
    vendors: &[VendorEntry],
    config: &RoutingConfig,
    now: i64,
) -> Result<IngestReport, ConversationError> {
    crate::signature::verify_sha256_header(app_secret, body, signature)?;
    ingest(store, body, vendors, config, now)
}

/// As [`receive`], routed with the vendor directory the store keeps
/// ([`Store::directory`]), which is read only once the signature holds: a forged
/// webhook costs the same however many vendors the marketplace has.
pub fn receive_with_stored_directory(
    store: &Store,
    body: &[u8],
    signature: Option<&str>,
    app_secret: &[u8],
    config: &RoutingConfig,
    now: i64,
) -> Result<IngestReport, ConversationError> {
    crate::signature::verify_sha256_header(app_secret, body, signature)?;
    let vendors = store.directory()?;
    ingest(store, body, &vendors, config, now)
}

/// Parses a verified webhook body and stores what it carries.
pub fn ingest(
    store: &Store,
    body: &[u8],
    vendors: &[VendorEntry],
    config: &RoutingConfig,
    now: i64,
) -> Result<IngestReport, ConversationError> {
    let notification = inbound::parse(body)?;
    // One transaction for the whole delivery, tried again after a transient failure
    // (a Galera certification conflict, a deadlock): it only reads and writes the store.
    let mut report = store.transact(|tx| {
        let mut report = IngestReport::default();
        for received in &notification.messages {
            let seen = tx.conversations().message_seen(&received.id)?;
            if seen || received.id.is_empty() {
                report.duplicates += 1;
                continue;
            }
            let mut resolved = received.clone();
            if let Some(key) = crate::customer::resolve(tx, &received.identity, now)? {
                resolved.customer = key;
            }
            let message = &resolved;
            if message.imported {
                import_history(store, message, config, now, &mut report)?;
                continue;
            }
            match message.direction {
                Direction::Inbound => {
                    let before = report.stored.len();
                    store_inbound(store, message, vendors, config, now, &mut report)?;
                    record_cart(tx, message, now, &mut report)?;
                    let words = &config.consent_words;
                    let change = match &message.text {
                        Some(text) => {
                            crate::consent::apply_reply(tx, &message.customer, text, words, now)?
                        }
                        None => None,
                    };
                    if let Some(change) = change {
                        report.consent_changes.push(ConsentReply {
                            vendor_id: report.stored.get(before).map_or(0, |s| s.vendor_id),
                            change,
                        });
                    }
                }
                Direction::Echo => {
                    // Sent from a vendor's own number: theirs; from a shared one: the
                    // conversation the customer is in.
                    let vendor = config
                        .owner_of(&message.phone_number_id)
                        .or_else(|| {
                            StoreLookup(store)
                                .recent_vendor(&message.customer, now - config.window_seconds)
                        })
                        .unwrap_or(0);
                    let conversation =
                        upsert_conversation(store, vendor, message, None, now, false)?;
                    insert_message(store, message, vendor, conversation, None, &json!({}), now)?;
                    report.stored.push(Stored {
                        wamid: message.id.clone(),
                        vendor_id: vendor,
                        conversation_id: conversation,
                        rule: "echo".into(),
                        conversation: None,
                    });
                }
            }
        }
        for change in &notification.identity_changes {
            report.identity_changes +=
                usize::from(crate::customer::apply_change(tx, change, now)?.is_some());
        }
        for status in &notification.statuses {
            match apply_status(store, status)? {
                Applied::Duplicate => report.duplicate_statuses += 1,
                Applied::Applied(failure) => {
                    report.statuses += 1;
                    report.failures.extend(failure);
                }
            }
        }
        for event in &notification.template_events {
            report
                .template_changes
                .extend(crate::templates::apply_event(store, event, now)?);
        }
        for event in &notification.account_events {
            report
                .account_changes
                .extend(crate::business_account::apply_event(tx, event, now)?);
        }
        Ok::<_, ConversationError>(report)
    })?;
    for stored in &mut report.stored {
        stored.conversation = conversation(store, stored.vendor_id, stored.conversation_id)?;
    }
    report.history_errors = notification.history_errors.clone();
    for code in &report.history_errors {
        if *code == HISTORY_NOT_SHARED {
            tracing::info!(
                kind = "message",
                code = "history_not_shared",
                "The WhatsApp Business app's past chats were not shared with the marketplace"
            );
        } else {
            tracing::warn!(
                kind = "message",
                code = "history_failed",
                error_code = *code,
                "WhatsApp could not share the WhatsApp Business app's past chats (error {code})"
            );
        }
    }
    if report.imported > 0 {
        tracing::info!(
            kind = "message",
            code = "history_imported",
            count = report.imported,
            "Imported {} past messages from the WhatsApp Business app",
            report.imported
        );
    }
    for stored in &report.stored {
        tracing::info!(
            vendor_id = stored.vendor_id,
            kind = "message",
            code = "message_routed",
            rule = stored.rule.as_str(),
            "New customer message routed by {}",
            stored.rule
        );
    }
    for cart in &report.carts {
        tracing::info!(
            kind = "order",
            code = "cart_received",
            wamid = cart.wamid.as_str(),
            "A customer sent a cart on WhatsApp"
        );
    }
    for message in notification
        .messages
        .iter()
        .filter(|m| m.text.is_none() && m.media.is_none() && m.order.is_empty())
    {
        tracing::info!(
            kind = "message",
            code = "message_unreadable",
            message_type = message.kind.as_str(),
            "Stored a {} message with no readable text",
            message.kind
        );
    }
    Ok(report)
}

/// Stores a past message from a `history` webhook in the conversation of the vendor
/// who owns the number it was on (the marketplace team's on a shared number): no
/// routing, no automatic reply, no consent words, no cart, and the service window
/// stays as it was.
fn import_history(
    store: &Store,
    message: &Message,
    config: &RoutingConfig,
    now: i64,
    report: &mut IngestReport,
) -> Result<(), ConversationError> {
    let vendor = config.owner_of(&message.phone_number_id).unwrap_or(0);
    let preview = message
        .text
        .clone()
        .unwrap_or_else(|| format!("[{}]", message.kind));
    let conversation = store
        .conversations()
        .touch_imported(vendor, message, &preview)?;
    insert_message(
        store,
        message,
        vendor,
        conversation,
        None,
        &json!({"rule": "history"}),
        now,
    )?;
    report.imported += 1;
    Ok(())
}

fn store_inbound(
    store: &Store,
    message: &Message,
    vendors: &[VendorEntry],
    config: &RoutingConfig,
    now: i64,
    report: &mut IngestReport,
) -> Result<(), ConversationError> {
    let decision = routing::decide(message, vendors, config, &StoreLookup(store), now);
    if decision.rule == Rule::Menu {
        store.conversations().menu_asked(&message.customer, now)?;
        // Kept with the marketplace team until the customer chooses.
        let conversation = upsert_conversation(store, 0, message, None, now, true)?;
        insert_message(
            store,
            message,
            0,
            conversation,
            Some(Rule::Menu),
            &json!({"rule": "menu"}),
            now,
        )?;
        report.stored.push(Stored {
            wamid: message.id.clone(),
            vendor_id: 0,
            conversation_id: conversation,
            rule: Rule::Menu.as_str().into(),
            conversation: None,
        });
        report.menus.push(message.customer.clone());
        return Ok(());
    }
    if decision.rule == Rule::MenuChoice {
        store.conversations().menu_answered(&message.customer)?;
    }
    for target in &decision.targets {
        // A vendor sees their own part of an order, not the other vendors' products.
        let detail = if target.order_lines.is_empty() {
            decision.detail.clone()
        } else {
            target
                .order_lines
                .iter()
                .map(|l| l.retailer_id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let route = json!({"rule": decision.rule.as_str(), "detail": detail, "order_lines": target.order_lines});
        let product = match target.order_lines.first() {
            Some(line) => Some(line.retailer_id.as_str()),
            None => message
                .referred_product
                .as_ref()
                .map(|p| p.retailer_id.as_str()),
        };
        let conversation =
            upsert_conversation(store, target.vendor_id, message, product, now, true)?;
        insert_message(
            store,
            message,
            target.vendor_id,
            conversation,
            Some(decision.rule),
            &route,
            now,
        )?;
        report.stored.push(Stored {
            wamid: message.id.clone(),
            vendor_id: target.vendor_id,
            conversation_id: conversation,
            rule: decision.rule.as_str().into(),
            conversation: None,
        });
    }
    Ok(())
}

/// Records the cart an `order` message carries, once per wamid (the key decides, not a
/// read), and lists it in the report when this webhook recorded it.
fn record_cart(
    tx: &crate::store::WriteTx<'_>,
    message: &Message,
    now: i64,
    report: &mut IngestReport,
) -> Result<(), ConversationError> {
    let Some(lines) = crate::orders::cart_of(message) else {
        return Ok(());
    };
    if tx.carts().record(message, lines, now)? {
        report.carts.push(crate::orders::NewCart {
            wamid: message.id.clone(),
            phone_number_id: message.phone_number_id.clone(),
            customer: message.customer.clone(),
        });
    }
    Ok(())
}

/// Records the message in the vendor's conversation with the customer. `product` is the
/// retailer id this vendor's part is about, if any.
fn upsert_conversation(
    store: &Store,
    vendor_id: u64,
    message: &Message,
    product: Option<&str>,
    now: i64,
    inbound: bool,
) -> Result<i64, ConversationError> {
    let preview = message
        .text
        .clone()
        .unwrap_or_else(|| format!("[{}]", message.kind));
    Ok(store
        .conversations()
        .touch(vendor_id, message, product, &preview, now, inbound)?)
}

fn insert_message(
    store: &Store,
    message: &Message,
    vendor_id: u64,
    conversation: i64,
    rule: Option<Rule>,
    route: &serde_json::Value,
    now: i64,
) -> Result<(), ConversationError> {
    Ok(store
        .conversations()
        .insert_received(message, vendor_id, conversation, rule, route, now)?)
}

/// What applying a status did.
enum Applied {
    /// The (message, status) was seen before.
    Duplicate,
    /// Applied; with the failure to report when it failed a message sent to a customer.
    Applied(Option<DeliveryFailure>),
}

/// Applies a status once. A later failure (131047 arrives after `sent`) overrides,
/// other statuses only move forward.
fn apply_status(store: &Store, status: &Status) -> Result<Applied, ConversationError> {
    let conversations = store.conversations();
    if !conversations.record_status(&status.message_id, &status.status, status.timestamp)? {
        return Ok(Applied::Duplicate);
    }
    let rank = |s: &str| match s {
        "sent" => 1,
        "delivered" => 2,
        "read" | "played" => 3,
        "failed" => 4,
        _ => 0,
    };
    if !status.pricing.is_empty() {
        conversations.set_message_pricing(&status.message_id, &status.pricing, status.timestamp)?;
    }
    let current = conversations.message_status(&status.message_id)?;
    let ahead = current
        .flatten()
        .is_none_or(|c| rank(&status.status) > rank(&c));
    if ahead {
        conversations.set_message_status(
            &status.message_id,
            &status.status,
            status.errors.first(),
        )?;
    }
    if !(ahead && status.status == "failed") {
        return Ok(Applied::Applied(None));
    }
    let sent = conversations.sent_message(&status.message_id)?;
    Ok(Applied::Applied(sent.map(|sent| DeliveryFailure {
        vendor_id: sent.vendor_id,
        conversation_id: sent.conversation_id,
        wamid: status.message_id.clone(),
        error_code: sent.error_code,
        reason: failure_reason(sent.error_code),
        at: status.timestamp,
    })))
}

/// A conversation as the vendor's dashboard lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationSummary {
    /// Conversation id.
    pub id: i64,
    /// The customer's key: their phone digits, or the BSUID of a customer who never
    /// showed a phone ([`crate::customer`]).
    pub customer: String,
    /// The customer's profile name.
    pub customer_name: Option<String>,
    /// Their phone digits, when WhatsApp has shared them (the key itself for a
    /// customer first seen by phone); `None` when no wa.me link can reach them.
    pub phone: Option<String>,
    /// Their WhatsApp username, when they have one.
    pub username: Option<String>,
    /// The product last referred to (retailer id).
    pub product: Option<String>,
    /// That product's WordPress post id, when the catalog knows it.
    pub product_id: Option<u64>,
    /// The last message's text, whoever wrote it (the vendor's automatic reply too).
    pub last_text: Option<String>,
    /// When (Unix seconds).
    pub last_message_at: i64,
    /// Messages not yet seen by the vendor.
    pub unread: i64,
    /// What the customer last wrote: its text, or `[kind]` for a message without text.
    pub customer_text: Option<String>,
    /// When the customer last wrote (Unix seconds).
    pub customer_at: Option<i64>,
    /// The vendor's answer from their WhatsApp Business app (an echo) when it is the
    /// latest word after the customer's last message.
    pub app_reply: Option<AppReply>,
    /// The vendor's items of the customer's last message when it was an order.
    pub items: Vec<OrderItem>,
    /// The last message sent to the customer, when it failed to arrive.
    pub failure: Option<DeliveryFailure>,
}

/// What the vendor sent from their WhatsApp Business app (coexistence), as an echo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppReply {
    /// Its text, or `[kind]` for a message without text.
    pub text: String,
    /// When it was sent (Unix seconds).
    pub at: i64,
}

/// One line of the vendor's part of a customer's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderItem {
    /// The product's retailer id.
    pub retailer_id: String,
    /// Its WordPress post id, when the catalog knows it.
    pub product_id: Option<u64>,
    /// How many.
    pub quantity: i64,
    /// Unit price, as the customer's cart showed it.
    pub item_price: f64,
    /// ISO 4217 code.
    pub currency: String,
}

/// One of the vendor's conversations by id; `None` when it is not theirs (or gone).
pub fn conversation(
    store: &Store,
    vendor_id: u64,
    id: i64,
) -> Result<Option<ConversationSummary>, ConversationError> {
    let found = store.conversations().summary(vendor_id, id)?;
    found
        .map(|summary| completed(store, vendor_id, summary))
        .transpose()
}

/// Adds what the conversation's messages say: the customer's last message and its
/// order items, the product's post id, and the last send's failure.
fn completed(
    store: &Store,
    vendor_id: u64,
    mut summary: ConversationSummary,
) -> Result<ConversationSummary, ConversationError> {
    let conversations = store.conversations();
    if let Some(last) = conversations.last_inbound(summary.id)? {
        let kind = last.kind;
        summary.customer_text = Some(last.text.unwrap_or_else(|| format!("[{kind}]")));
        summary.customer_at = Some(last.sent_at);
        let lines: Vec<inbound::OrderLine> = serde_json::from_str::<serde_json::Value>(&last.route)
            .ok()
            .and_then(|route| serde_json::from_value(route["order_lines"].clone()).ok())
            .unwrap_or_default();
        for line in lines {
            summary.items.push(OrderItem {
                product_id: product_of(store, vendor_id, &line.retailer_id)?,
                retailer_id: line.retailer_id,
                quantity: line.quantity,
                item_price: line.item_price,
                currency: line.currency,
            });
        }
    }
    if let Some(echo) = conversations.last_echo(summary.id)? {
        if summary.customer_at.is_none_or(|at| echo.sent_at >= at) {
            let kind = echo.kind;
            summary.app_reply = Some(AppReply {
                text: echo.text.unwrap_or_else(|| format!("[{kind}]")),
                at: echo.sent_at,
            });
        }
    }
    if let Some(retailer_id) = summary.product.clone() {
        summary.product_id = product_of(store, vendor_id, &retailer_id)?;
    }
    if let Some(last) = conversations.last_outbound(summary.id)? {
        if last.status.as_deref() == Some("failed") {
            let (wamid, error_code, sent_at) = (last.wamid, last.error_code, last.sent_at);
            let at = conversations.failed_at(&wamid)?;
            summary.failure = Some(DeliveryFailure {
                vendor_id,
                conversation_id: summary.id,
                wamid,
                error_code,
                reason: failure_reason(error_code),
                at: at.unwrap_or(sent_at),
            });
        }
    }
    Ok(summary)
}

/// The post id of the vendor's product listed under `retailer_id`: from the catalog
/// the vendor synced, else from the `wc_<id>` form products without a SKU are listed
/// under.
fn product_of(
    store: &Store,
    vendor_id: u64,
    retailer_id: &str,
) -> Result<Option<u64>, ConversationError> {
    let synced = store.catalog().product_of(vendor_id, retailer_id)?;
    Ok(synced
        .and_then(|id| u64::try_from(id).ok())
        .filter(|id| *id > 0)
        .or_else(|| crate::catalog::product_id_of(retailer_id)))
}

/// The vendor's conversations, most recent first.
pub fn conversations(
    store: &Store,
    vendor_id: u64,
    limit: u32,
) -> Result<Vec<ConversationSummary>, ConversationError> {
    let rows = store
        .conversations()
        .summaries(vendor_id, limit.clamp(1, 200))?;
    rows.into_iter()
        .map(|summary| completed(store, vendor_id, summary))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::plan::{ItemState, ItemWrite};
    use crate::routing::Fallback;
    use crate::store::{SentRecord, testing};

    fn vendors() -> Vec<VendorEntry> {
        vec![
            VendorEntry {
                vendor_id: 11,
                code: "ACME".into(),
                store_name: "Acme Store".into(),
            },
            VendorEntry {
                vendor_id: 12,
                code: "BOLT".into(),
                store_name: "Bolt Gadgets".into(),
            },
        ]
    }

    fn store_with_catalog() -> Store {
        let store = Store::open_in_memory().unwrap();
        for (rid, vendor, product) in [("ACME-1", 11, 101), ("BOLT-1", 12, 201)] {
            let synced = ItemWrite::Upsert {
                retailer_id: rid.into(),
                product_id: product,
                state: ItemState::Synced,
                problems: Vec::new(),
                want_hash: None,
            };
            store
                .catalog()
                .write_items("1", vendor, &[synced], 1)
                .unwrap();
        }
        store
    }

    fn webhook(messages: serde_json::Value, statuses: serde_json::Value) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": "42"}, "contacts": [{"profile": {"name": "Dana"}, "wa_id": "15550001"}],
            "messages": messages, "statuses": statuses}}]}]})
        .to_string()
        .into_bytes()
    }

    fn text(id: &str, body: &str) -> serde_json::Value {
        json!({"from": "15550001", "id": id, "timestamp": "1000", "type": "text", "text": {"body": body}})
    }

    fn account_update(event: &str, time: i64) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "777", "time": time,
            "changes": [{"field": "account_update", "value": {"event": event}}]}]})
        .to_string()
        .into_bytes()
    }

    fn history_chunk(chunk_order: i64, messages: serde_json::Value) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "777", "changes": [{"field": "history", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550009999", "phone_number_id": "42"},
            "history": [{"metadata": {"phase": 0, "chunk_order": chunk_order, "progress": 50},
                         "threads": [{"id": "15550001", "messages": messages}]}]}}]}]})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn history_imports_past_chats_into_the_numbers_vendor_without_acting_on_them() {
        let store = Store::open_in_memory().unwrap();
        let config = RoutingConfig {
            vendor_numbers: std::collections::HashMap::from([("42".to_owned(), 12)]),
            ..RoutingConfig::default()
        };
        let past = |id: &str, from: &str, at: i64, body: &str| {
            json!({"from": from, "id": id, "timestamp": at.to_string(), "type": "text",
                   "text": {"body": body}, "history_context": {"status": "READ"}})
        };
        // The later chunk first: each message keeps its own time.
        let later = history_chunk(
            2,
            json!([past("wamid.H3", "15550009999", 3_000, "Shipped today!")]),
        );
        let earlier = history_chunk(
            1,
            json!([
                past(
                    "wamid.H1",
                    "15550001",
                    1_000,
                    "#ACME STOP, is my order on its way?"
                ),
                past("wamid.H2", "15550009999", 2_000, "Packing it now"),
            ]),
        );
        let first = ingest(&store, &later, &vendors(), &config, 10_000).unwrap();
        let second = ingest(&store, &earlier, &vendors(), &config, 10_001).unwrap();
        assert_eq!((first.imported, second.imported), (1, 2));
        // Nothing to notify, route, confirm or answer.
        for report in [&first, &second] {
            assert!(
                report.stored.is_empty()
                    && report.consent_changes.is_empty()
                    && report.menus.is_empty()
            );
        }
        let summaries = store.conversations().summaries(12, 10).unwrap();
        assert_eq!(
            summaries.len(),
            1,
            "all in vendor 12's one conversation, whatever the text says"
        );
        assert_eq!(summaries[0].last_text.as_deref(), Some("Shipped today!"));
        assert_eq!(summaries[0].last_message_at, 3_000);
        assert_eq!(summaries[0].unread, 0);
        assert!(store.conversations().summaries(11, 10).unwrap().is_empty());
        // The API's window stays shut: a past message is no customer writing now.
        let open = store
            .messages()
            .open_conversation(12, "15550001")
            .unwrap()
            .unwrap();
        assert_eq!(open.last_inbound_at, None);
        // STOP in an old chat withdraws nothing.
        assert!(
            !crate::consent::granted(&store, "15550001", crate::consent::Purpose::Marketing)
                .unwrap()
        );
        // A redelivered chunk adds nothing.
        assert_eq!(
            ingest(&store, &later, &vendors(), &config, 10_002)
                .unwrap()
                .duplicates,
            1
        );

        let declined = json!({"object": "whatsapp_business_account", "entry": [{"id": "777", "changes": [{"field": "history", "value": {
            "messaging_product": "whatsapp", "metadata": {"phone_number_id": "42"},
            "history": [{"errors": [{"code": 2593109, "title": "History sharing is turned off by the business"}]}]}}]}]});
        let report = ingest(
            &store,
            declined.to_string().as_bytes(),
            &vendors(),
            &config,
            10_003,
        )
        .unwrap();
        assert_eq!(report.history_errors, vec![HISTORY_NOT_SHARED]);
    }

    #[test]
    fn account_updates_are_reported_once_per_real_change() {
        let store = Store::open_in_memory().unwrap();
        let config = RoutingConfig::default();
        let offboarded = account_update("ACCOUNT_OFFBOARDED", 1_000);
        let report = ingest(&store, &offboarded, &vendors(), &config, 2_000).unwrap();
        assert_eq!(report.account_changes.len(), 1);
        let change = &report.account_changes[0];
        assert_eq!(change.waba_id, "777");
        assert_eq!(
            serde_json::to_value(change).unwrap(),
            json!({"waba_id": "777", "from": "connected", "to": "offboarded",
                "event": "ACCOUNT_OFFBOARDED", "reason": null, "initiated_by": null, "phone_number": null})
        );
        assert!(report.stored.is_empty() && report.duplicates == 0);
        // Redelivered: nothing to report.
        let again = ingest(&store, &offboarded, &vendors(), &config, 2_100).unwrap();
        assert!(again.account_changes.is_empty());
        // Reconnected, then the offboarding once more (older): one change only.
        let reconnected = account_update("ACCOUNT_RECONNECTED", 1_100);
        let report = ingest(&store, &reconnected, &vendors(), &config, 2_200).unwrap();
        assert_eq!(
            report.account_changes[0].to,
            crate::business_account::AccountState::Connected
        );
        let late = ingest(&store, &offboarded, &vendors(), &config, 2_300).unwrap();
        assert!(late.account_changes.is_empty());
    }

    #[test]
    fn one_delivery_reaching_several_nodes_at_once_is_stored_once() {
        // Meta delivers at least once: a retry may reach another web node while the
        // first is still storing. Each node has its own connection to one store.
        const NODES: usize = 8;
        let location = testing::SharedLocation::fresh("ingest");
        drop(location.open().unwrap());
        let messages: Vec<_> = (0..20)
            .map(|i| text(&format!("wamid.N{i}"), "#ACME is it in stock?"))
            .collect();
        let body = webhook(json!(messages), json!([]));
        let reports: Vec<IngestReport> = std::thread::scope(|scope| {
            let nodes: Vec<_> = (0..NODES)
                .map(|_| {
                    scope.spawn(|| {
                        let store = location.open().unwrap();
                        ingest(&store, &body, &vendors(), &RoutingConfig::default(), 2000).unwrap()
                    })
                })
                .collect();
            nodes.into_iter().map(|node| node.join().unwrap()).collect()
        });

        let mut wamids: Vec<&str> = reports
            .iter()
            .flat_map(|r| r.stored.iter().map(|s| s.wamid.as_str()))
            .collect();
        wamids.sort_unstable();
        assert_eq!(wamids.len(), 20, "every message stored by exactly one node");
        wamids.dedup();
        assert_eq!(wamids.len(), 20);
        let duplicates: u32 = reports.iter().map(|r| r.duplicates).sum();
        assert_eq!(duplicates as usize, (NODES - 1) * 20);

        let store = location.open().unwrap();
        let listed = conversations(&store, 11, 50).unwrap();
        assert_eq!(listed.len(), 1, "one conversation, not one per node");
        assert_eq!(listed[0].unread, 20);
    }

    #[test]
    fn the_report_carries_each_stored_messages_conversation() {
        let store = store_with_catalog();
        let body = webhook(
            json!([text("wamid.S1", "#BOLT do you ship today?")]),
            json!([]),
        );
        let report = ingest(&store, &body, &vendors(), &RoutingConfig::default(), 2000).unwrap();
        let stored = &report.stored[0];
        assert_eq!(stored.vendor_id, 12);
        let summary = stored.conversation.as_ref().expect("a summary");
        assert_eq!(
            Some(summary),
            conversation(&store, 12, stored.conversation_id)
                .unwrap()
                .as_ref(),
            "the one the plugin used to ask for after the webhook"
        );
        assert_eq!(
            (
                summary.customer.as_str(),
                summary.customer_text.as_deref(),
                summary.unread
            ),
            ("15550001", Some("#BOLT do you ship today?"), 1)
        );
    }

    #[test]
    fn the_stored_directory_routes_and_is_read_only_after_the_signature() {
        let store = store_with_catalog();
        store
            .directory_replace(&[crate::routing::VendorListing {
                vendor_id: 12,
                chosen_code: String::new(),
                store_name: "Bolt Gadgets".into(),
            }])
            .unwrap();
        let secret = b"app-secret";
        let body = webhook(
            json!([text("wamid.D1", "#BOLTGADGETS is the charger here?")]),
            json!([]),
        );
        let signature = format!(
            "sha256={}",
            crate::signature::hmac_sha256_hex(secret, &body)
        );
        let config = RoutingConfig::default();
        let report =
            receive_with_stored_directory(&store, &body, Some(&signature), secret, &config, 2000)
                .unwrap();
        assert_eq!(
            (report.stored[0].vendor_id, report.stored[0].rule.as_str()),
            (12, "vendor_code")
        );
        let forged = webhook(json!([text("wamid.D2", "#BOLTGADGETS hi")]), json!([]));
        assert!(matches!(
            receive_with_stored_directory(&store, &forged, Some(&signature), secret, &config, 2001),
            Err(ConversationError::Signature(_))
        ));
        assert!(
            conversations(&store, 12, 10).unwrap().len() == 1,
            "nothing stored from it"
        );
    }

    #[test]
    fn a_product_question_reaches_its_vendor_once() {
        let store = store_with_catalog();
        let question = json!([{"from": "15550001", "id": "wamid.Q", "timestamp": "1000", "type": "text", "text": {"body": "In stock?"},
            "context": {"from": "42", "id": "wamid.P", "referred_product": {"catalog_id": "1", "product_retailer_id": "ACME-1"}}}]);
        let body = webhook(question, json!([]));
        let first = ingest(&store, &body, &vendors(), &RoutingConfig::default(), 2000).unwrap();
        assert_eq!(first.stored.len(), 1);
        assert_eq!(
            (first.stored[0].vendor_id, first.stored[0].rule.as_str()),
            (11, "product")
        );
        let again = ingest(&store, &body, &vendors(), &RoutingConfig::default(), 2001).unwrap();
        assert_eq!((again.stored.len(), again.duplicates), (0, 1));

        let acme = conversations(&store, 11, 10).unwrap();
        assert_eq!(acme.len(), 1);
        assert_eq!(
            (
                acme[0].customer_name.as_deref(),
                acme[0].product.as_deref(),
                acme[0].last_text.as_deref(),
                acme[0].unread
            ),
            (Some("Dana"), Some("ACME-1"), Some("In stock?"), 1)
        );
        assert!(
            conversations(&store, 12, 10).unwrap().is_empty(),
            "vendor B sees nothing"
        );
        let id = first.stored[0].conversation_id;
        assert_eq!(conversation(&store, 11, id).unwrap().as_ref(), acme.first());
        assert_eq!(
            conversation(&store, 12, id).unwrap(),
            None,
            "not by another vendor's id"
        );

        // The follow-up without product context stays with the same vendor.
        let follow_up = ingest(
            &store,
            &webhook(json!([text("wamid.F", "and in blue?")]), json!([])),
            &vendors(),
            &RoutingConfig::default(),
            2100,
        )
        .unwrap();
        assert_eq!(
            (
                follow_up.stored[0].vendor_id,
                follow_up.stored[0].rule.as_str()
            ),
            (11, "conversation")
        );
    }

    #[test]
    fn an_order_across_vendors_is_stored_for_each() {
        let store = store_with_catalog();
        let order = json!([{"from": "15550001", "id": "wamid.O", "timestamp": "1000", "type": "order", "order": {"catalog_id": "1", "product_items": [
            {"product_retailer_id": "ACME-1", "quantity": 2, "item_price": 10, "currency": "USD"},
            {"product_retailer_id": "BOLT-1", "quantity": 1, "item_price": 99, "currency": "USD"}]}}]);
        let report = ingest(
            &store,
            &webhook(order, json!([])),
            &vendors(),
            &RoutingConfig::default(),
            2000,
        )
        .unwrap();
        let vendors_reached: Vec<u64> = report.stored.iter().map(|s| s.vendor_id).collect();
        assert_eq!(vendors_reached, vec![11, 12]);
        let route = testing::message_routes(&store, 12).remove(0);
        assert!(
            route.contains("BOLT-1") && !route.contains("ACME-1"),
            "each vendor gets its own part: {route}"
        );
    }

    #[test]
    fn each_vendor_reads_their_own_items_of_an_order_with_product_ids() {
        let store = store_with_catalog();
        let order = json!([{"from": "15550001", "id": "wamid.O", "timestamp": "1000", "type": "order", "text": {"body": "Please ship both"}, "order": {"catalog_id": "1", "text": "Please ship both", "product_items": [
            {"product_retailer_id": "ACME-1", "quantity": 2, "item_price": 10.5, "currency": "USD"},
            {"product_retailer_id": "wc_77", "quantity": 3, "item_price": 4, "currency": "USD"},
            {"product_retailer_id": "BOLT-1", "quantity": 1, "item_price": 99, "currency": "USD"}]}}]);
        let config = RoutingConfig::default();
        // wc_77 is not in the catalog table: routed by nobody's catalog, it stays out.
        ingest(
            &store,
            &webhook(order, json!([])),
            &vendors(),
            &config,
            2000,
        )
        .unwrap();
        let items = |vendor: u64| -> Vec<(String, Option<u64>, i64, String)> {
            conversations(&store, vendor, 10).unwrap()[0]
                .items
                .iter()
                .map(|i| {
                    (
                        i.retailer_id.clone(),
                        i.product_id,
                        i.quantity,
                        format!("{:.2} {}", i.item_price, i.currency),
                    )
                })
                .collect()
        };
        assert_eq!(
            items(11),
            vec![("ACME-1".into(), Some(101), 2, "10.50 USD".into())]
        );
        assert_eq!(
            items(12),
            vec![("BOLT-1".into(), Some(201), 1, "99.00 USD".into())]
        );
        let acme = &conversations(&store, 11, 10).unwrap()[0];
        assert_eq!(
            acme.product_id,
            Some(101),
            "the product's post id for its name"
        );
    }

    #[test]
    fn the_customer_last_message_survives_the_vendor_automatic_reply() {
        let store = store_with_catalog();
        let config = RoutingConfig::default();
        ingest(
            &store,
            &webhook(
                json!([text("wamid.C", "#ACME do you ship to Lyon?")]),
                json!([]),
            ),
            &vendors(),
            &config,
            2000,
        )
        .unwrap();
        let conversation_id = conversations(&store, 11, 200).unwrap()[0].id;
        // The automatic reply, stored the way messaging::send stores every send.
        store
            .messages()
            .record_sent(
                Some(conversation_id),
                &SentRecord {
                    vendor_id: 11,
                    customer: "15550001",
                    wamid: "wamid.R",
                    kind: "text",
                    preview: "Thanks, we answer within the hour.",
                    raw: "{}",
                    at: 2001,
                    pricing_category: "service",
                },
            )
            .unwrap();
        let summary = conversation(&store, 11, conversation_id).unwrap().unwrap();
        assert_eq!(
            summary.customer_text.as_deref(),
            Some("#ACME do you ship to Lyon?")
        );
        assert_eq!(summary.customer_at, Some(1000));
        assert_eq!(
            summary.last_text.as_deref(),
            Some("Thanks, we answer within the hour.")
        );
        assert_eq!(summary.failure, None);

        // The reply fails later: the vendor is to be told, and the panel marks it.
        let failed = json!({"id": "wamid.R", "status": "failed", "timestamp": "2100", "recipient_id": "15550001",
            "errors": [{"code": 131047, "title": "Re-engagement message"}]});
        let report = ingest(
            &store,
            &webhook(json!([]), json!([failed.clone()])),
            &vendors(),
            &config,
            2101,
        )
        .unwrap();
        let expected = DeliveryFailure {
            vendor_id: 11,
            conversation_id,
            wamid: "wamid.R".into(),
            error_code: Some(131_047),
            reason: "outside_window",
            at: 2100,
        };
        assert_eq!(report.failures, vec![expected.clone()]);
        let again = ingest(
            &store,
            &webhook(json!([]), json!([failed])),
            &vendors(),
            &config,
            2102,
        )
        .unwrap();
        assert!(again.failures.is_empty(), "told once");
        assert_eq!(
            conversation(&store, 11, conversation_id)
                .unwrap()
                .unwrap()
                .failure,
            Some(expected)
        );
    }

    #[test]
    fn failure_codes_have_stable_reasons() {
        assert_eq!(failure_reason(Some(131_047)), "outside_window");
        assert_eq!(failure_reason(Some(131_026)), "undeliverable");
        assert_eq!(failure_reason(Some(130_429)), "rate_limited");
        assert_eq!(failure_reason(Some(132_001)), "template");
        assert_eq!(failure_reason(Some(1)), "unknown");
        assert_eq!(failure_reason(None), "unknown");
    }

    #[test]
    fn the_menu_fallback_asks_and_the_choice_routes() {
        let store = store_with_catalog();
        let config = RoutingConfig {
            fallback: Fallback::Menu,
            ..RoutingConfig::default()
        };
        let asked = ingest(
            &store,
            &webhook(json!([text("wamid.H", "hello")]), json!([])),
            &vendors(),
            &config,
            2000,
        )
        .unwrap();
        assert_eq!(asked.menus, vec!["15550001".to_owned()]);
        let choice = json!([{"from": "15550001", "id": "wamid.C", "timestamp": "1001", "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {"id": "wpwa-vendor:12", "title": "Bolt Gadgets"}}}]);
        let chosen = ingest(
            &store,
            &webhook(choice, json!([])),
            &vendors(),
            &config,
            2001,
        )
        .unwrap();
        assert_eq!(
            (chosen.stored[0].vendor_id, chosen.stored[0].rule.as_str()),
            (12, "menu_choice")
        );
        assert_eq!(testing::rows(&store, "vendor_menu"), 0);
    }

    #[test]
    fn statuses_apply_once_and_a_late_failure_wins() {
        let store = store_with_catalog();
        ingest(
            &store,
            &webhook(json!([text("wamid.S", "#ACME hi")]), json!([])),
            &vendors(),
            &RoutingConfig::default(),
            2000,
        )
        .unwrap();
        let status = |s: &str, extra: serde_json::Value| {
            let mut value = json!({"id": "wamid.S", "status": s, "timestamp": "1500", "recipient_id": "15550001"});
            value
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            value
        };
        let report = ingest(
            &store,
            &webhook(
                json!([]),
                json!([
                    status("delivered", json!({})),
                    status("sent", json!({})),
                    status("delivered", json!({}))
                ]),
            ),
            &vendors(),
            &RoutingConfig::default(),
            2001,
        )
        .unwrap();
        assert_eq!((report.statuses, report.duplicate_statuses), (2, 1));
        let current = store
            .conversations()
            .message_status("wamid.S")
            .unwrap()
            .flatten()
            .unwrap();
        assert_eq!(
            current, "delivered",
            "an older status arriving late does not move it back"
        );
        let failed = status(
            "failed",
            json!({"errors": [{"code": 131047, "title": "Re-engagement message"}]}),
        );
        ingest(
            &store,
            &webhook(json!([]), json!([failed])),
            &vendors(),
            &RoutingConfig::default(),
            2002,
        )
        .unwrap();
        let (current, code) = testing::message_status(&store, "wamid.S");
        assert_eq!((current.as_deref(), code), (Some("failed"), Some(131047)));
    }

    #[test]
    fn the_handshake_echoes_the_challenge_only_for_the_right_token() {
        assert_eq!(
            verify_handshake("subscribe", "tok-123", "1158201444", "tok-123"),
            Some("1158201444")
        );
        assert_eq!(
            verify_handshake("subscribe", "tok-124", "1158201444", "tok-123"),
            None
        );
        assert_eq!(verify_handshake("subscribe", "tok", "1", "tok-123"), None);
        assert_eq!(
            verify_handshake("unsubscribe", "tok-123", "1", "tok-123"),
            None
        );
        assert_eq!(
            verify_handshake("subscribe", "", "1", ""),
            None,
            "no token configured: refuse"
        );
    }

    #[test]
    fn forged_or_unsigned_webhooks_store_nothing() {
        let store = store_with_catalog();
        let body = webhook(json!([text("wamid.X", "#ACME hi")]), json!([]));
        let forged = format!(
            "sha256={}",
            crate::signature::hmac_sha256_hex(b"attacker", &body)
        );
        for signature in [None, Some(forged.as_str()), Some("sha256=zz")] {
            assert!(matches!(
                receive(
                    &store,
                    &body,
                    signature,
                    b"app-secret",
                    &vendors(),
                    &RoutingConfig::default(),
                    1
                ),
                Err(ConversationError::Signature(_))
            ));
        }
        let good = format!(
            "sha256={}",
            crate::signature::hmac_sha256_hex(b"app-secret", &body)
        );
        assert_eq!(
            receive(
                &store,
                &body,
                Some(&good),
                b"app-secret",
                &vendors(),
                &RoutingConfig::default(),
                1
            )
            .unwrap()
            .stored
            .len(),
            1
        );
    }

    #[test]
    fn malformed_bodies_store_nothing() {
        let store = store_with_catalog();
        assert!(
            ingest(
                &store,
                b"{not json",
                &vendors(),
                &RoutingConfig::default(),
                1
            )
            .is_err()
        );
        assert_eq!(testing::rows(&store, "message"), 0);
    }

    /// PHP workers each hold their own connection to one file: webhooks arriving at
    /// once must all be stored, each wamid once, none refused as "database is locked"
    /// (a deferred transaction that read first cannot take the write lock once another
    /// worker has committed; scripts/bench-webhooks found it at concurrency 16).
    #[test]
    fn concurrent_workers_store_every_message_once() {
        const WORKERS: usize = 8;
        const EACH: usize = 40;
        const SHARED: usize = 10;
        let dir = std::env::temp_dir().join(format!("wpwa-conv-concurrent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wpwa.sqlite");
        drop(Store::open(&path).unwrap());
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(WORKERS));
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let store = Store::open(&path).unwrap();
                    barrier.wait();
                    let mut stored = 0;
                    for n in 0..EACH {
                        // Every worker also gets the shared messages, as redeliveries do.
                        let id = if n < SHARED {
                            format!("wamid.SHARED{n}")
                        } else {
                            format!("wamid.W{w}N{n}")
                        };
                        let body = webhook(json!([text(&id, "Hello #ACME")]), json!([]));
                        let report =
                            ingest(&store, &body, &vendors(), &RoutingConfig::default(), 2000)
                                .unwrap_or_else(|e| panic!("worker {w}, {id}: {e}"));
                        stored += report.stored.len();
                    }
                    stored
                })
            })
            .collect();
        let stored: usize = workers.into_iter().map(|t| t.join().unwrap()).sum();
        let expected = WORKERS * (EACH - SHARED) + SHARED;
        assert_eq!(stored, expected, "reported as stored");
        let store = Store::open(&path).unwrap();
        let (rows, distinct) = (
            testing::rows(&store, "message"),
            testing::distinct_wamids(&store),
        );
        assert_eq!((rows, distinct), (expected as u64, expected as u64));
        let unread = store.messages().unread(11, "15550001").unwrap();
        assert_eq!(
            unread,
            Some(expected as i64),
            "each message counted unread once"
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An `smb_message_echoes` webhook: what the business sent from its WhatsApp
    /// Business app on the API's number (coexistence).
    fn echo(id: &str, body: &str, at: i64) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "smb_message_echoes", "value": {
            "messaging_product": "whatsapp", "metadata": {"phone_number_id": "42"},
            "message_echoes": [{"from": "15550009999", "to": "15550001", "id": id, "timestamp": at.to_string(), "type": "text", "text": {"body": body}}]}}]}]})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn an_answer_from_the_vendors_whatsapp_app_counts_as_theirs_without_opening_the_window() {
        let store = store_with_catalog();
        let config = RoutingConfig::default();
        ingest(
            &store,
            &webhook(
                json!([text("wamid.C1", "#ACME is it in stock?")]),
                json!([]),
            ),
            &vendors(),
            &config,
            1010,
        )
        .unwrap();
        let conversation = || {
            store
                .messages()
                .open_conversation(11, "15550001")
                .unwrap()
                .unwrap()
        };
        assert_eq!(conversation().last_inbound_at, Some(1000));
        assert!(
            !store
                .messages()
                .answered_since(11, "15550001", 900)
                .unwrap()
        );

        let report = ingest(
            &store,
            &echo("wamid.E1", "Yes, two left", 1100),
            &vendors(),
            &config,
            1110,
        )
        .unwrap();
        assert_eq!(
            (
                report.stored.len(),
                report.stored[0].vendor_id,
                report.stored[0].rule.as_str()
            ),
            (1, 11, "echo")
        );
        // Redelivered: stored once.
        let again = ingest(
            &store,
            &echo("wamid.E1", "Yes, two left", 1100),
            &vendors(),
            &config,
            1120,
        )
        .unwrap();
        assert_eq!((again.stored.len(), again.duplicates), (0, 1));

        // The API's window still runs from the customer's message, not the app's answer.
        assert_eq!(conversation().last_inbound_at, Some(1000));
        // The vendor answered: no automatic reply now, and the answer counts in the metrics.
        assert!(
            store
                .messages()
                .answered_since(11, "15550001", 900)
                .unwrap()
        );
        let metrics = crate::response::metrics(&store, 11, 0, 1200).unwrap();
        assert_eq!(
            (
                metrics.turns,
                metrics.answered,
                metrics.average_response_seconds
            ),
            (1, 1, Some(100))
        );
        // The panel shows it as sent from the app.
        let listed = conversations(&store, 11, 10).unwrap();
        assert_eq!(
            listed[0].app_reply,
            Some(AppReply {
                text: "Yes, two left".into(),
                at: 1100
            })
        );
        // Another vendor's books are untouched.
        assert!(
            !store
                .messages()
                .answered_since(12, "15550001", 900)
                .unwrap()
        );

        // Once the customer writes again, the app's answer is no longer the latest word.
        ingest(&store, &webhook(json!([{"from": "15550001", "id": "wamid.C2", "timestamp": "1300", "type": "text", "text": {"body": "Great, thanks"}}]), json!([])), &vendors(), &config, 1310).unwrap();
        assert_eq!(conversations(&store, 11, 10).unwrap()[0].app_reply, None);
        assert_eq!(conversation().last_inbound_at, Some(1300));
    }
}
