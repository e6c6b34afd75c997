//! The WhatsApp Business account's message templates: the list the Cloud API keeps
//! (`GET /{waba_id}/message_templates`), a copy in the store refreshed on demand and
//! daily, the changes WhatsApp makes after approval (a category moved by Meta's
//! review, a template paused for low quality), and what a send needs to know about a
//! template before it costs a call: whether it may be sent at all, and which endpoint
//! takes it (marketing templates go to `/marketing_messages`, the rest to `/messages`).
//!
//! Field by field, the contracts followed are in `docs/whatsapp-contracts.md`
//! ("Templates").

use serde::Serialize;
use serde_json::Value;

use crate::cloud::{CloudClient, CloudError};
use crate::store::{Store, StoreError, TemplateRecord};

/// Why templates could not be refreshed, or a template may not be sent.
#[derive(Debug, thiserror::Error)]
pub enum TemplatesError {
    /// The template may not be sent (see [`Refusal`]).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The connection has no WhatsApp Business account id.
    #[error("the connection has no WhatsApp Business account id (waba_id)")]
    NoAccount,
    /// The API refused or could not be reached.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a template may not be sent, before any call (from the stored list) or after
/// the API refused it (its 132xxx codes). [`Refusal::code`] is the stable code the
/// plugin words; [`Refusal::graph_code`] the API's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No template of this name in this language on the account (API: 132001).
    #[error(
        "the WhatsApp template {name:?} does not exist in language {language:?} on this account"
    )]
    Unknown {
        /// Template name.
        name: String,
        /// Language code.
        language: String,
    },
    /// The template exists but is not approved: pending review, rejected, in appeal…
    /// (API: 132001, which says "does not exist or is not approved").
    #[error("the WhatsApp template {name:?} is not approved (status {status})")]
    NotApproved {
        /// Template name.
        name: String,
        /// Its status, e.g. `PENDING`, `REJECTED`.
        status: String,
    },
    /// Paused by WhatsApp for low quality (API: 132015); it resumes by itself.
    #[error("the WhatsApp template {name:?} is paused by WhatsApp for low quality")]
    Paused {
        /// Template name.
        name: String,
    },
    /// Disabled by WhatsApp for low quality (API: 132016); it will not come back.
    #[error("the WhatsApp template {name:?} is disabled by WhatsApp")]
    Disabled {
        /// Template name.
        name: String,
    },
    /// The parameters sent do not match the template's placeholders (API: 132000), or
    /// a parameter is not in the format the template takes (API: 132012).
    #[error("the parameters do not match the WhatsApp template: {details}")]
    Parameters {
        /// What the API said.
        details: String,
    },
    /// A marketing template to a customer whose current marketing consent is not a
    /// grant (they never gave it, or withdrew it). The API's own code for a customer who
    /// stopped a business's marketing messages is 131050.
    #[error(
        "the WhatsApp template {name:?} is a marketing template and this customer has not agreed to marketing messages"
    )]
    NoMarketingConsent {
        /// Template name.
        name: String,
    },
    /// The API refused the template for another 132xxx reason (text too long after
    /// substitution, format characters, …).
    #[error("WhatsApp refused the template (code {code}): {details}")]
    Other {
        /// Graph error code.
        code: i64,
        /// What the API said.
        details: String,
    },
}

impl Refusal {
    /// The stable code the plugin words: `template_unknown`, `template_not_approved`,
    /// `template_paused`, `template_disabled`, `template_parameters`,
    /// `template_marketing_consent`, `template_refused`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Unknown { .. } => "template_unknown",
            Refusal::NotApproved { .. } => "template_not_approved",
            Refusal::Paused { .. } => "template_paused",
            Refusal::Disabled { .. } => "template_disabled",
            Refusal::Parameters { .. } => "template_parameters",
            Refusal::NoMarketingConsent { .. } => "template_marketing_consent",
            Refusal::Other { .. } => "template_refused",
        }
    }

    /// The Cloud API error code the same refusal has when the API makes it.
    pub fn graph_code(&self) -> i64 {
        match self {
            Refusal::Unknown { .. } | Refusal::NotApproved { .. } => 132_001,
            Refusal::Paused { .. } => 132_015,
            Refusal::Disabled { .. } => 132_016,
            Refusal::Parameters { .. } => 132_000,
            Refusal::NoMarketingConsent { .. } => 131_050,
            Refusal::Other { code, .. } => *code,
        }
    }

    /// The refusal an API error is, when it is a template error (codes 132000–132999).
    pub fn from_api(error: &CloudError, name: &str, language: &str) -> Option<Self> {
        let CloudError::Refused { code, message } = error else {
            return None;
        };
        let details = message.clone();
        Some(match *code {
            132_000 | 132_012 => Refusal::Parameters { details },
            132_001 => Refusal::Unknown {
                name: name.to_owned(),
                language: language.to_owned(),
            },
            132_015 => Refusal::Paused {
                name: name.to_owned(),
            },
            132_016 => Refusal::Disabled {
                name: name.to_owned(),
            },
            132_000..=132_999 => Refusal::Other {
                code: *code,
                details,
            },
            _ => return None,
        })
    }
}

/// A template category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    /// Promotions, offers, re-engagement.
    Marketing,
    /// Updates about a transaction the customer started (orders, deliveries).
    Utility,
    /// One-time passcodes.
    Authentication,
}

impl Category {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Marketing => "MARKETING",
            Category::Utility => "UTILITY",
            Category::Authentication => "AUTHENTICATION",
        }
    }

    /// Reads the API's spelling (any case); `None` for a category this build does
    /// not know.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "MARKETING" => Some(Category::Marketing),
            "UTILITY" => Some(Category::Utility),
            "AUTHENTICATION" => Some(Category::Authentication),
            _ => None,
        }
    }
}

/// Which send endpoint takes a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /{phone_number_id}/messages`.
    Messages,
    /// `POST /{phone_number_id}/marketing_messages` (Marketing Messages API).
    MarketingMessages,
}

impl Endpoint {
    /// The path segment after the phone number id.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Messages => "messages",
            Endpoint::MarketingMessages => "marketing_messages",
        }
    }
}

/// How a template send goes: the endpoint, and the category it was decided on
/// (`None` when the account's templates were never listed, and the API decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Where the send goes.
    pub endpoint: Endpoint,
    /// The template's category, when known.
    pub category: Option<Category>,
}

/// The one place that decides where a template goes, from its category: marketing
/// templates to the Marketing Messages API, every other one (and a template whose
/// category is not known) to `/messages`. A gate on marketing consent belongs here.
pub fn endpoint_for(category: Option<Category>) -> Endpoint {
    match category {
        Some(Category::Marketing) => Endpoint::MarketingMessages,
        _ => Endpoint::Messages,
    }
}

/// Checks that template `name` in `language` may be sent from `phone_number_id`, from
/// the stored list of the account that number belongs to, and routes it. A number
/// whose account was never refreshed is not judged (the API will be): its route is
/// `/messages` with no category. Unknown, unapproved, paused and disabled templates
/// are refused.
pub fn route(
    store: &Store,
    phone_number_id: &str,
    name: &str,
    language: &str,
) -> Result<Route, TemplatesError> {
    let repo = store.templates();
    let Some(waba_id) = repo.account_of(phone_number_id)? else {
        return Ok(Route {
            endpoint: Endpoint::Messages,
            category: None,
        });
    };
    let Some(template) = repo.get(&waba_id, name, language)? else {
        return Err(Refusal::Unknown {
            name: name.to_owned(),
            language: language.to_owned(),
        }
        .into());
    };
    match template.status.as_str() {
        "APPROVED" => {}
        "PAUSED" => {
            return Err(Refusal::Paused {
                name: name.to_owned(),
            }
            .into());
        }
        "DISABLED" => {
            return Err(Refusal::Disabled {
                name: name.to_owned(),
            }
            .into());
        }
        other => {
            return Err(Refusal::NotApproved {
                name: name.to_owned(),
                status: other.to_owned(),
            }
            .into());
        }
    }
    let category = Category::parse(&template.category);
    Ok(Route {
        endpoint: endpoint_for(category),
        category,
    })
}

/// A stored template, as the admin screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    /// The WhatsApp Business account.
    pub waba_id: String,
    /// Template name.
    pub name: String,
    /// Language code, e.g. `en_US`.
    pub language: String,
    /// The API's template id.
    pub template_id: String,
    /// `MARKETING`, `UTILITY`, `AUTHENTICATION`.
    pub category: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, `IN_APPEAL`, …
    pub status: String,
    /// The components, as the API lists them.
    pub components: Value,
    /// How many parameters its header and body take.
    pub parameter_count: u32,
    /// The category before the last change, if it changed.
    pub previous_category: Option<String>,
    /// When the category changed (Unix seconds).
    pub category_changed_at: Option<i64>,
    /// The status before the last change, if it changed.
    pub previous_status: Option<String>,
    /// When the status changed (Unix seconds).
    pub status_changed_at: Option<i64>,
    /// A change not yet acknowledged by an administrator.
    pub flagged: bool,
    /// When the list was last read from the API, or the webhook arrived.
    pub refreshed_at: i64,
}

/// What changed about one template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Template name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// `category` or `status`.
    pub field: &'static str,
    /// Before.
    pub from: String,
    /// After.
    pub to: String,
}

/// What a refresh found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    /// The account.
    pub waba_id: String,
    /// Templates listed.
    pub count: usize,
    /// Templates no longer on the account, removed from the copy.
    pub removed: usize,
    /// Categories and statuses that changed since the last refresh or webhook.
    pub changes: Vec<Change>,
}

/// Reads every template of account `waba_id` (all pages), replaces the stored copy and
/// records what changed. `phone_number_id` (when not empty) is remembered as a number
/// of that account, so sends from it are checked against this list.
pub async fn refresh(
    store: &Store,
    client: &CloudClient,
    waba_id: &str,
    phone_number_id: &str,
    now: i64,
) -> Result<RefreshReport, TemplatesError> {
    if waba_id.is_empty() {
        return Err(TemplatesError::NoAccount);
    }
    let listed = client.message_templates(waba_id).await?;
    let records: Vec<TemplateRecord> = listed
        .iter()
        .filter_map(|t| record_from_api(waba_id, t, now))
        .collect();
    let (changes, removed) = store.transact(|tx| {
        let replaced = tx.templates().replace_account(waba_id, &records, now)?;
        if !phone_number_id.is_empty() {
            tx.templates()
                .remember_account(phone_number_id, waba_id, now)?;
        }
        Ok::<_, TemplatesError>(replaced)
    })?;
    log_changes(&changes);
    tracing::info!(
        kind = "template",
        code = "templates_refreshed",
        count = records.len(),
        changed = changes.len(),
        "Refreshed {} WhatsApp templates ({} changed)",
        records.len(),
        changes.len()
    );
    Ok(RefreshReport {
        waba_id: waba_id.to_owned(),
        count: records.len(),
        removed,
        changes,
    })
}

/// The stored templates of every account (or of `waba_id`), by name and language.
pub fn list(store: &Store, waba_id: Option<&str>) -> Result<Vec<Template>, TemplatesError> {
    Ok(store.templates().list(waba_id)?)
}

/// Clears the flag of a template once an administrator has seen the change.
pub fn acknowledge(
    store: &Store,
    waba_id: &str,
    name: &str,
    language: &str,
) -> Result<bool, TemplatesError> {
    Ok(store.templates().acknowledge(waba_id, name, language)?)
}

/// A `template_category_update` or `message_template_status_update` webhook change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateEvent {
    /// The account (`entry[].id`).
    pub waba_id: String,
    /// `message_template_name`.
    pub name: String,
    /// `message_template_language`.
    pub language: String,
    /// `message_template_id`, as text.
    pub template_id: String,
    /// What changed.
    pub kind: TemplateEventKind,
}

/// What a template webhook says changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TemplateEventKind {
    /// The category changed (`previous_category` → `new_category`).
    CategoryChanged {
        /// Before.
        previous: String,
        /// After.
        new: String,
    },
    /// The category will change (`correct_category` on `category_update_timestamp`);
    /// nothing changes yet.
    CategoryChangePlanned {
        /// The category it will get.
        correct: String,
        /// When (Unix seconds).
        at: Option<i64>,
    },
    /// The status changed (`event`), with the category the webhook reports.
    StatusChanged {
        /// `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, …
        status: String,
        /// `reason`, when given.
        reason: Option<String>,
        /// `message_template_category`, when given.
        category: Option<String>,
    },
}

/// Applies a template webhook to the stored copy; returns what changed (nothing for a
/// repeat, or for a planned category change).
pub fn apply_event(
    store: &Store,
    event: &TemplateEvent,
    now: i64,
) -> Result<Vec<Change>, StoreError> {
    let repo = store.templates();
    let changes = match &event.kind {
        TemplateEventKind::CategoryChanged { new, .. } => {
            repo.set_category(&event.waba_id, &event.name, &event.language, new, now)?
        }
        TemplateEventKind::CategoryChangePlanned { .. } => Vec::new(),
        TemplateEventKind::StatusChanged {
            status, category, ..
        } => repo.set_status(
            &event.waba_id,
            &event.name,
            &event.language,
            &event.template_id,
            status,
            category.as_deref(),
            now,
        )?,
    };
    log_changes(&changes);
    Ok(changes)
}

fn log_changes(changes: &[Change]) {
    for change in changes {
        tracing::warn!(
            kind = "template",
            code = if change.field == "category" {
                "template_category_changed"
            } else {
                "template_status_changed"
            },
            template = change.name.as_str(),
            language = change.language.as_str(),
            from = change.from.as_str(),
            to = change.to.as_str(),
            "WhatsApp template {} ({}) {} changed from {} to {}",
            change.name,
            change.language,
            change.field,
            change.from,
            change.to
        );
    }
}

/// A listed template as the store keeps it; `None` without a name or language.
fn record_from_api(waba_id: &str, template: &Value, now: i64) -> Option<TemplateRecord> {
    let text = |key: &str| {
        template
            .get(key)
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_u64().map(|n| n.to_string()))
            })
            .unwrap_or_default()
    };
    let (name, language) = (text("name"), text("language"));
    if name.is_empty() || language.is_empty() {
        return None;
    }
    let components = template
        .get("components")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    Some(TemplateRecord {
        waba_id: waba_id.to_owned(),
        name,
        language,
        template_id: text("id"),
        category: text("category").to_ascii_uppercase(),
        status: text("status").to_ascii_uppercase(),
        parameter_count: parameter_count(&components),
        components,
        refreshed_at: now,
    })
}

/// The parameters a template's header and body take: its distinct placeholders,
/// positional (`{{1}}`) or named (`{{order_number}}`). Button parameters are not
/// counted (they are sent per button).
pub fn parameter_count(components: &Value) -> u32 {
    let mut total = 0;
    for component in components.as_array().into_iter().flatten() {
        let kind = component
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_uppercase();
        if kind != "HEADER" && kind != "BODY" {
            continue;
        }
        let text = component
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default();
        total += placeholders(text).len() as u32;
    }
    total
}

/// The distinct `{{…}}` placeholders of a text, in order of first use.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        let inner = after[..end].trim();
        let valid = !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if valid && !found.iter().any(|f| f == inner) {
            found.push(inner.to_owned());
        }
        rest = &after[end + 2..];
    }
    found
}

/// The parameters a send carries for a template's header and body, counted the way
/// [`parameter_count`] counts the template's.
pub fn sent_parameter_count(components: &Value) -> u32 {
    components
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("header") || t.eq_ignore_ascii_case("body"))
        })
        .map(|c| {
            c.get("parameters")
                .and_then(Value::as_array)
                .map_or(0, Vec::len) as u32
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_positional_and_named_placeholders_of_header_and_body() {
        let components = json!([
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
            {"type": "BODY", "text": "Hi {{1}}, order {{2}} of {{3}} ships {{2}}."},
            {"type": "FOOTER", "text": "Reply STOP {{9}}"},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "url": "https://x/{{1}}"}]}
        ]);
        assert_eq!(parameter_count(&components), 4);
        let named = json!([{"type": "BODY", "text": "Hi {{first_name}}, {{ order_id }} is {{first_name}}'s"}]);
        assert_eq!(parameter_count(&named), 2);
        assert_eq!(placeholders("{{}} {{A}} {{ok}} {{"), vec!["ok"]);
        let sent = json!([{"type": "header", "parameters": [{"type": "text", "text": "1"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            {"type": "button", "parameters": [{"type": "text", "text": "c"}]}]);
        assert_eq!(sent_parameter_count(&sent), 3);
        assert_eq!(sent_parameter_count(&Value::Null), 0);
    }

    #[test]
    fn only_marketing_templates_go_to_marketing_messages() {
        assert_eq!(
            endpoint_for(Some(Category::Marketing)),
            Endpoint::MarketingMessages
        );
        assert_eq!(endpoint_for(Some(Category::Utility)), Endpoint::Messages);
        assert_eq!(
            endpoint_for(Some(Category::Authentication)),
            Endpoint::Messages
        );
        assert_eq!(endpoint_for(None), Endpoint::Messages);
        assert_eq!(Category::parse("marketing"), Some(Category::Marketing));
        assert_eq!(Category::parse("SERVICE"), None);
    }

    #[test]
    fn api_template_errors_become_refusals() {
        let refused = |code| CloudError::Refused {
            code,
            message: "(#x) y".into(),
        };
        let codes: Vec<_> = [132_000, 132_001, 132_015, 132_016, 132_005]
            .into_iter()
            .map(|c| Refusal::from_api(&refused(c), "t", "en").unwrap().code())
            .collect();
        assert_eq!(
            codes,
            [
                "template_parameters",
                "template_unknown",
                "template_paused",
                "template_disabled",
                "template_refused"
            ]
        );
        assert!(Refusal::from_api(&refused(131_047), "t", "en").is_none());
        assert_eq!(Refusal::Paused { name: "t".into() }.graph_code(), 132_015);
    }

    fn seeded(store: &Store, status: &str, category: &str) {
        let record = TemplateRecord {
            waba_id: "9".into(),
            name: "order_placed".into(),
            language: "en_US".into(),
            template_id: "1".into(),
            category: category.into(),
            status: status.into(),
            components: json!([]),
            parameter_count: 0,
            refreshed_at: 100,
        };
        let tx = store.write_transaction().unwrap();
        tx.templates().replace_account("9", &[record], 100).unwrap();
        tx.templates().remember_account("42", "9", 100).unwrap();
        tx.commit().unwrap();
    }

    #[test]
    fn sends_are_judged_from_the_stored_list_once_the_account_was_read() {
        let store = Store::open_in_memory().unwrap();
        // Never refreshed: not judged, /messages.
        let unknown_account = route(&store, "42", "anything", "en").unwrap();
        assert_eq!(unknown_account.endpoint, Endpoint::Messages);
        assert_eq!(unknown_account.category, None);

        seeded(&store, "APPROVED", "MARKETING");
        let marketing = route(&store, "42", "order_placed", "en_US").unwrap();
        assert_eq!(marketing.endpoint, Endpoint::MarketingMessages);
        let code = |r: Result<Route, TemplatesError>| match r {
            Err(TemplatesError::Refused(refusal)) => refusal.code(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(route(&store, "42", "order_placed", "es")),
            "template_unknown"
        );
        for (status, expected) in [
            ("PAUSED", "template_paused"),
            ("DISABLED", "template_disabled"),
            ("PENDING", "template_not_approved"),
            ("REJECTED", "template_not_approved"),
        ] {
            seeded(&store, status, "UTILITY");
            assert_eq!(code(route(&store, "42", "order_placed", "en_US")), expected);
        }
    }

    #[test]
    fn a_webhook_category_change_is_recorded_and_flagged_once() {
        let store = Store::open_in_memory().unwrap();
        seeded(&store, "APPROVED", "UTILITY");
        let event = TemplateEvent {
            waba_id: "9".into(),
            name: "order_placed".into(),
            language: "en_US".into(),
            template_id: "1".into(),
            kind: TemplateEventKind::CategoryChanged {
                previous: "UTILITY".into(),
                new: "MARKETING".into(),
            },
        };
        let changes = apply_event(&store, &event, 200).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].from.as_str(), changes[0].to.as_str()),
            ("UTILITY", "MARKETING")
        );
        // Delivered again: nothing new.
        assert!(apply_event(&store, &event, 300).unwrap().is_empty());
        let listed = list(&store, Some("9")).unwrap();
        assert_eq!(listed[0].category, "MARKETING");
        assert_eq!(listed[0].previous_category.as_deref(), Some("UTILITY"));
        assert_eq!(listed[0].category_changed_at, Some(200));
        assert!(listed[0].flagged);
        assert!(acknowledge(&store, "9", "order_placed", "en_US").unwrap());
        assert!(!list(&store, None).unwrap()[0].flagged);
        // The route follows the new category at once.
        assert_eq!(
            route(&store, "42", "order_placed", "en_US")
                .unwrap()
                .endpoint,
            Endpoint::MarketingMessages
        );
    }
}
