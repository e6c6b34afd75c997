//! The sandbox account's message templates: `GET /{version}/{waba_id}/message_templates`
//! with Graph's cursor paging, the checks a template send goes through (name and
//! language, status, parameter count, and only marketing templates on
//! `/marketing_messages`) with the real API's codes, and the control side
//! (`/sandbox/templates`): list them, change a category or status, which emits a signed
//! `template_category_update` or `message_template_status_update` webhook as WhatsApp
//! does when its review moves a template.
//!
//! Where the real API leaves room, the sandbox chooses (clients may rely on these):
//! - The sandbox has one account: every WABA id lists the same templates, and every
//!   phone number id sends with them. A reset restores the seeded set.
//! - Listing: `limit` 1–100 (default 25); `after` / `before` are opaque cursors;
//!   `paging.next` is present only when there is a next page; `fields` limits the
//!   fields (`id` always comes back, an unknown field is code 100); `name`, `status`,
//!   `category` and `language` filter (exact match, `name` by substring as Graph's
//!   `name` filter does).
//! - A template send is checked after the request's shape, before the rate limits:
//!   unknown name or language, or a status other than APPROVED / PAUSED / DISABLED:
//!   132001; PAUSED: 132015; DISABLED: 132016; header+body parameters not equal to the
//!   template's placeholders: 132000. A non-marketing message on `/marketing_messages`
//!   is code 100 ("only marketing templates").

use std::sync::{Arc, Mutex, MutexGuard};

use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::super::http::{Body, json, waha_error};
use super::super::state::Shared;
use super::Messages;
use crate::templates::{Category, parameter_count, sent_parameter_count};

/// Largest page.
const MAX_LIMIT: usize = 100;
/// Page size when `limit` is not given.
const DEFAULT_LIMIT: usize = 25;
/// The fields a template has.
const FIELDS: [&str; 7] = [
    "id",
    "name",
    "language",
    "status",
    "category",
    "parameter_format",
    "components",
];

/// One template of the sandbox account.
#[derive(Debug, Clone)]
pub(crate) struct SandboxTemplate {
    pub id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    pub status: String,
    pub components: Value,
}

impl SandboxTemplate {
    fn to_json(&self) -> Value {
        let named = self.components.to_string().contains("{{")
            && !self.components.to_string().contains("{{1}}");
        json!({
            "id": self.id,
            "name": self.name,
            "language": self.language,
            "status": self.status,
            "category": self.category,
            "parameter_format": if named { "NAMED" } else { "POSITIONAL" },
            "components": self.components,
        })
    }
}

/// The sandbox account's templates; a new or reset sandbox has the seeded set.
pub(crate) struct TemplateSet(Mutex<Vec<SandboxTemplate>>);

impl Default for TemplateSet {
    fn default() -> Self {
        Self(Mutex::new(seed()))
    }
}

impl TemplateSet {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Vec<SandboxTemplate>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Back to the seeded set.
    pub(crate) fn reset(&self) {
        *self.lock() = seed();
    }

    /// `GET /sandbox/templates`: every template, all fields.
    pub(crate) fn to_json(&self) -> Value {
        json!({"templates": self.lock().iter().map(SandboxTemplate::to_json).collect::<Vec<_>>()})
    }
}

/// `POST /sandbox/templates/update` (`name`, `language` (default `en_US`), `category`
/// and/or `status`, optional `reason`): changes the template as WhatsApp's review
/// would, and emits the signed webhook of each change to `cloud_webhook_url`.
/// Answers the template, and the webhooks emitted.
pub(crate) fn control_update(
    messages: &Arc<Messages>,
    shared: &Arc<Shared>,
    body: Option<Value>,
) -> Response<Body> {
    let body = body.unwrap_or(Value::Null);
    let outcome = update(&mut messages.templates.lock(), &body);
    match outcome {
        Ok((template, changes)) => {
            let mut emitted = Vec::new();
            for (field, value) in changes {
                if messages.emit_account_change(shared, field, value) {
                    emitted.push(field);
                }
            }
            json(
                StatusCode::OK,
                &json!({"template": template, "webhooks": emitted}),
            )
        }
        Err(message) if message.starts_with("no template") => {
            waha_error(StatusCode::NOT_FOUND, &message)
        }
        Err(message) => waha_error(StatusCode::UNPROCESSABLE_ENTITY, &message),
    }
}

/// The seeded account: utility templates for every order event, the templates the
/// plugin's own notifications and the tests use, one marketing, one authentication,
/// and one each paused, disabled, pending and rejected.
pub(crate) fn seed() -> Vec<SandboxTemplate> {
    let body = |text: &str| json!([{"type": "BODY", "text": text}]);
    let with_footer = |text: &str| {
        json!([{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
            {"type": "BODY", "text": text},
            {"type": "FOOTER", "text": "Reply STOP to stop order updates"}])
    };
    let rows: Vec<(&str, &str, &str, &str, Value)> = vec![
        (
            "order_placed",
            "en_US",
            "UTILITY",
            "APPROVED",
            with_footer(
                "Hi {{2}}, thanks for your order {{1}} of {{3}}. Pay or view it here: {{4}}",
            ),
        ),
        (
            "order_placed",
            "es",
            "UTILITY",
            "APPROVED",
            body("Hola {{1}}, gracias por tu pedido {{2}} de {{3}}."),
        ),
        (
            "order_processing",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Good news: your order {{1}} of {{2}} is being prepared: {{3}}."),
        ),
        (
            "order_shipped",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Your order {{1}} has shipped. Tracking: {{2}}"),
        ),
        (
            "order_completed",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Your order {{1}} is complete. Thank you, {{2}}!"),
        ),
        (
            "order_refunded",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("We refunded {{2}} for your order {{1}}."),
        ),
        (
            "vendor_completed",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Your order {{1}} from {{2}} is complete. Thank you!"),
        ),
        (
            "order_cancelled",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Your order {{1}} was cancelled."),
        ),
        (
            "order_failed",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("The payment for your order {{1}} failed. Try again: {{2}}"),
        ),
        (
            "order_on_hold",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Your order {{1}} is on hold: {{2}}"),
        ),
        (
            "order_update",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("There is news about your order {{1}}."),
        ),
        (
            "delivery_window",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("Hi {{first_name}}, your order arrives {{window}}."),
        ),
        (
            "new_customer_message",
            "en_US",
            "UTILITY",
            "APPROVED",
            body("New WhatsApp message from {{1}}: {{2}}"),
        ),
        (
            "spring_sale",
            "en_US",
            "MARKETING",
            "APPROVED",
            body("Hi {{1}}, our spring sale is on: {{2}} off everything this week."),
        ),
        (
            "login_code",
            "en_US",
            "AUTHENTICATION",
            "APPROVED",
            json!([{"type": "BODY", "text": "{{1}} is your verification code."},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]),
        ),
        (
            "winter_promo",
            "en_US",
            "MARKETING",
            "PAUSED",
            body("Hi {{1}}, winter deals are here."),
        ),
        (
            "clearance_blast",
            "en_US",
            "MARKETING",
            "DISABLED",
            body("Everything must go!"),
        ),
        (
            "back_in_stock",
            "en_US",
            "UTILITY",
            "PENDING",
            body("{{1}} is back in stock."),
        ),
        (
            "review_request",
            "en_US",
            "MARKETING",
            "REJECTED",
            body("How did we do, {{1}}?"),
        ),
    ];
    rows.into_iter()
        .enumerate()
        .map(
            |(i, (name, language, category, status, components))| SandboxTemplate {
                id: format!("{}", 900_000_000_000_001_u64 + i as u64),
                name: name.into(),
                language: language.into(),
                category: category.into(),
                status: status.into(),
                components,
            },
        )
        .collect()
}

/// `GET /{version}/{waba_id}/message_templates`; `Err` is a code-100 message.
pub(crate) fn list(
    templates: &[SandboxTemplate],
    base: &str,
    query: Option<&str>,
) -> Result<Value, String> {
    let param = |key: &str| super::super::http::query_param(query, key).filter(|v| !v.is_empty());
    let limit = match param("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                format!("(#100) Param limit must be an integer from 1 to {MAX_LIMIT}")
            })?,
    };
    let fields: Vec<&str> = match param("fields") {
        None => FIELDS.to_vec(),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect(),
    };
    if let Some(unknown) = fields.iter().find(|f| !FIELDS.contains(f)) {
        return Err(format!(
            "(#100) Tried accessing nonexisting field ({unknown}) on node type (WhatsAppBusinessHSM)"
        ));
    }
    let matching: Vec<&SandboxTemplate> = templates
        .iter()
        .filter(|t| param("name").is_none_or(|n| t.name.contains(n)))
        .filter(|t| param("status").is_none_or(|s| t.status.eq_ignore_ascii_case(s)))
        .filter(|t| param("category").is_none_or(|c| t.category.eq_ignore_ascii_case(c)))
        .filter(|t| param("language").is_none_or(|l| t.language == l))
        .collect();
    let start = match (param("after"), param("before")) {
        (Some(cursor), _) => cursor_index(cursor)? + 1,
        (None, Some(cursor)) => cursor_index(cursor)?.saturating_sub(limit),
        (None, None) => 0,
    }
    .min(matching.len());
    let page = &matching[start..(start + limit).min(matching.len())];
    let data: Vec<Value> = page
        .iter()
        .map(|t| {
            let all = t.to_json();
            let mut shown = Map::new();
            shown.insert("id".into(), all["id"].clone());
            for field in &fields {
                shown.insert((*field).to_owned(), all[*field].clone());
            }
            Value::Object(shown)
        })
        .collect();
    let mut answer = json!({"data": data});
    if !page.is_empty() {
        let (first, last) = (start, start + page.len() - 1);
        let mut paging = json!({"cursors": {"before": cursor(first), "after": cursor(last)}});
        let keep: Vec<String> = query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("after=") && !p.starts_with("before="))
            .map(str::to_owned)
            .collect();
        let with = |extra: String| {
            let mut parts = keep.clone();
            parts.push(extra);
            format!("{base}?{}", parts.join("&"))
        };
        if last + 1 < matching.len() {
            paging["next"] = json!(with(format!("after={}", cursor(last))));
        }
        if first > 0 {
            paging["previous"] = json!(with(format!("before={}", cursor(first))));
        }
        answer["paging"] = paging;
    }
    Ok(answer)
}

/// A field of a send's `template` object, by JSON pointer below it.
fn template_part<'a>(body: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    body.get("template")?.pointer(pointer)
}

/// An opaque cursor for a position (Graph's are Base64; these only look alike).
fn cursor(index: usize) -> String {
    format!("QVFI{index:06}")
}

fn cursor_index(cursor: &str) -> Result<usize, String> {
    cursor
        .strip_prefix("QVFI")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| "(#100) Param after/before is not a valid cursor".to_owned())
}

/// Why a template send is refused: Graph code, message, details.
pub(crate) type Refusal = (u32, String, String);

/// Checks a template send against the account (`None`: it may go), and whether a
/// message may go through the endpoint at all (`marketing` for `/marketing_messages`).
pub(crate) fn check_send(
    templates: &[SandboxTemplate],
    body: &Map<String, Value>,
    marketing: bool,
) -> Option<Refusal> {
    let is_template = body.get("type").and_then(Value::as_str) == Some("template");
    let only_marketing = || {
        (
            100,
            "(#100) Invalid parameter".to_owned(),
            "Only marketing template messages can be sent through the Marketing Messages API; use /messages".to_owned(),
        )
    };
    if !is_template {
        return marketing.then(only_marketing);
    }
    let name = template_part(body, "/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let language = template_part(body, "/language/code")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(template) = templates
        .iter()
        .find(|t| t.name == name && t.language == language)
    else {
        return Some((
            132_001,
            "(#132001) Template name does not exist in the translation".into(),
            format!("template name ({name}) does not exist in {language}"),
        ));
    };
    match template.status.as_str() {
        "APPROVED" => {}
        "PAUSED" => {
            return Some((
                132_015,
                "(#132015) Template is Paused".into(),
                format!(
                    "Template {name} is paused due to low quality so it cannot be sent in a template message"
                ),
            ));
        }
        "DISABLED" => {
            return Some((
                132_016,
                "(#132016) Template is Disabled".into(),
                format!(
                    "Template {name} has been paused too many times due to low quality and is now permanently disabled"
                ),
            ));
        }
        _ => {
            return Some((
                132_001,
                "(#132001) Template name does not exist in the translation".into(),
                format!("template name ({name}) does not exist in {language} or is not approved"),
            ));
        }
    }
    if marketing && Category::parse(&template.category) != Some(Category::Marketing) {
        return Some(only_marketing());
    }
    let expected = parameter_count(&template.components);
    let sent = sent_parameter_count(template_part(body, "/components").unwrap_or(&Value::Null));
    if expected != sent {
        return Some((
            132_000,
            "(#132000) Number of parameters does not match the expected number of params".into(),
            format!(
                "number of localizable_params ({sent}) does not match the expected number of params ({expected})"
            ),
        ));
    }
    None
}

/// The category a send is priced in: the template's (lower case), `utility` for an
/// unknown one.
pub(crate) fn pricing_category(
    templates: &[SandboxTemplate],
    body: &Map<String, Value>,
) -> &'static str {
    let name = template_part(body, "/name").and_then(Value::as_str);
    let language = template_part(body, "/language/code").and_then(Value::as_str);
    let category = templates
        .iter()
        .find(|t| Some(t.name.as_str()) == name && Some(t.language.as_str()) == language)
        .and_then(|t| Category::parse(&t.category));
    match category {
        Some(Category::Marketing) => "marketing",
        Some(Category::Authentication) => "authentication",
        _ => "utility",
    }
}

/// The webhooks a change emits: each `field` and its `value`.
pub(crate) type Webhooks = Vec<(&'static str, Value)>;

/// A change asked for through `POST /sandbox/templates/update`: the template found,
/// and the webhook values (`field`, `value`) to emit.
pub(crate) fn update(
    templates: &mut [SandboxTemplate],
    body: &Value,
) -> Result<(Value, Webhooks), String> {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let name = text("name").ok_or("name is required")?;
    let language = text("language").unwrap_or("en_US");
    let category = text("category").map(str::to_ascii_uppercase);
    let status = text("status").map(str::to_ascii_uppercase);
    if category.is_none() && status.is_none() {
        return Err("give a new category, a new status, or both".into());
    }
    if let Some(category) = &category {
        Category::parse(category).ok_or("category must be MARKETING, UTILITY or AUTHENTICATION")?;
    }
    const STATUSES: [&str; 8] = [
        "APPROVED",
        "PENDING",
        "REJECTED",
        "PAUSED",
        "DISABLED",
        "IN_APPEAL",
        "ARCHIVED",
        "PENDING_DELETION",
    ];
    if let Some(status) = &status {
        if !STATUSES.contains(&status.as_str()) {
            return Err(format!("status must be one of {}", STATUSES.join(", ")));
        }
    }
    let template = templates
        .iter_mut()
        .find(|t| t.name == name && t.language == language)
        .ok_or_else(|| format!("no template {name} in {language}"))?;
    let id: u64 = template.id.parse().unwrap_or_default();
    let mut changes = Vec::new();
    if let Some(category) = category.filter(|c| *c != template.category) {
        changes.push((
            "template_category_update",
            json!({"message_template_id": id, "message_template_name": template.name,
                "message_template_language": template.language,
                "previous_category": template.category, "new_category": category}),
        ));
        template.category = category;
    }
    if let Some(status) = status.filter(|s| *s != template.status) {
        let reason = text("reason").unwrap_or(match status.as_str() {
            "PAUSED" | "DISABLED" => "LOW_QUALITY",
            "REJECTED" => "INCORRECT_CATEGORY",
            _ => "NONE",
        });
        let mut value = json!({"event": status, "message_template_id": id,
            "message_template_name": template.name, "message_template_language": template.language,
            "reason": reason, "message_template_category": template.category});
        if status == "DISABLED" {
            value["disable_info"] = json!({"disable_date": super::messages::now_secs()});
        }
        changes.push(("message_template_status_update", value));
        template.status = status;
    }
    Ok((template.to_json(), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn pages_follow_the_cursors_to_the_end() {
        let templates = seed();
        let first = list(
            &templates,
            "http://x/v21.0/1/message_templates",
            Some("limit=5&fields=name,category"),
        )
        .unwrap();
        assert_eq!(first["data"].as_array().unwrap().len(), 5);
        assert_eq!(
            first["data"][0].as_object().unwrap().len(),
            3,
            "id, name, category"
        );
        let next = first["paging"]["next"].as_str().unwrap();
        assert!(
            next.contains("limit=5") && next.contains("after="),
            "{next}"
        );
        let mut seen = 5;
        let mut after = first["paging"]["cursors"]["after"]
            .as_str()
            .unwrap()
            .to_owned();
        loop {
            let page = list(&templates, "b", Some(&format!("limit=5&after={after}"))).unwrap();
            seen += page["data"].as_array().unwrap().len();
            if page["paging"].get("next").is_none() {
                break;
            }
            after = page["paging"]["cursors"]["after"]
                .as_str()
                .unwrap()
                .to_owned();
        }
        assert_eq!(seen, templates.len());
        assert!(list(&templates, "b", Some("fields=name,colour")).is_err());
        assert!(list(&templates, "b", Some("limit=0")).is_err());
        let marketing = list(&templates, "b", Some("category=MARKETING&status=APPROVED")).unwrap();
        assert_eq!(marketing["data"][0]["name"], "spring_sale");
    }

    #[test]
    fn sends_are_checked_like_the_real_api() {
        let templates = seed();
        let send = |name: &str, params: usize| {
            let parameters: Vec<Value> = (0..params)
                .map(|i| json!({"type": "text", "text": i.to_string()}))
                .collect();
            body(
                json!({"type": "template", "template": {"name": name, "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": parameters}]}}),
            )
        };
        let code = |r: Option<Refusal>| r.map(|(c, _, _)| c);
        assert_eq!(
            code(check_send(&templates, &send("order_processing", 3), false)),
            None
        );
        assert_eq!(
            code(check_send(&templates, &send("order_processing", 1), false)),
            Some(132_000)
        );
        assert_eq!(
            code(check_send(&templates, &send("nope", 0), false)),
            Some(132_001)
        );
        assert_eq!(
            code(check_send(&templates, &send("back_in_stock", 1), false)),
            Some(132_001)
        );
        assert_eq!(
            code(check_send(&templates, &send("winter_promo", 1), false)),
            Some(132_015)
        );
        assert_eq!(
            code(check_send(&templates, &send("clearance_blast", 0), false)),
            Some(132_016)
        );
        assert_eq!(
            code(check_send(&templates, &send("spring_sale", 2), true)),
            None
        );
        assert_eq!(
            code(check_send(&templates, &send("order_processing", 3), true)),
            Some(100)
        );
        assert_eq!(
            code(check_send(&templates, &body(json!({"type": "text"})), true)),
            Some(100)
        );
        assert_eq!(
            code(check_send(
                &templates,
                &body(json!({"type": "text"})),
                false
            )),
            None
        );
        assert_eq!(
            pricing_category(&templates, &send("spring_sale", 2)),
            "marketing"
        );
    }

    #[test]
    fn an_update_says_which_webhooks_to_emit() {
        let mut templates = seed();
        let (template, changes) = update(
            &mut templates,
            &json!({"name": "order_shipped", "category": "marketing", "status": "PAUSED"}),
        )
        .unwrap();
        assert_eq!(template["category"], "MARKETING");
        assert_eq!(changes[0].0, "template_category_update");
        assert_eq!(changes[0].1["previous_category"], "UTILITY");
        assert_eq!(changes[1].0, "message_template_status_update");
        assert_eq!(changes[1].1["event"], "PAUSED");
        // The same again changes nothing.
        let (_, none) = update(
            &mut templates,
            &json!({"name": "order_shipped", "category": "MARKETING"}),
        )
        .unwrap();
        assert!(none.is_empty());
        assert!(
            update(
                &mut templates,
                &json!({"name": "order_shipped", "category": "SERVICE"})
            )
            .is_err()
        );
        assert!(update(&mut templates, &json!({"name": "nope", "status": "PAUSED"})).is_err());
    }
}
