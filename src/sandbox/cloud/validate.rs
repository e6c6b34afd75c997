//! The send endpoint's request validation, with Graph's wording: a missing parameter
//! is "(#100) The parameter X is required.", a wrong one "(#100) Param X …"; and the
//! shapes of the customer ids the sandbox takes (phone numbers, business-scoped user
//! ids).

use serde_json::{Map, Value};

/// Longest text body WhatsApp accepts.
const MAX_TEXT: usize = 4_096;
/// Product list limits.
const MAX_SECTIONS: usize = 10;
const MAX_PRODUCTS: usize = 30;
/// List message limits.
const MAX_LIST_ROWS: usize = 10;
/// Reply buttons per message.
const MAX_BUTTONS: usize = 3;

/// Who a send is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Address {
    /// `to`: the phone number's digits (the WhatsApp id).
    Phone(String),
    /// `recipient`: a business-scoped user id (BSUID), `US.13491208655302741918`.
    UserId(String),
    /// `recipient`: a parent BSUID, `US.ENT.11815799212886844830`.
    ParentUserId(String),
}

/// A send that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Outbound {
    /// What addressed it, as given: `to`, or `recipient` when there was no `to`.
    pub input: String,
    /// Whom `input` names.
    pub address: Address,
    /// `text`, `template` or `interactive`.
    pub kind: String,
    /// For interactive messages: `product`, `product_list`, `list`, `button`,
    /// `catalog_message`.
    pub interactive_type: Option<String>,
    /// For templates: the name.
    pub template: Option<String>,
    /// The readable part: the text, the interactive body, the template name.
    pub body: Option<String>,
}

/// Checks a send request.
pub(super) fn outbound(body: &Map<String, Value>) -> Result<Outbound, String> {
    let body = Value::Object(body.clone());
    match body.get("messaging_product") {
        Some(Value::String(p)) if p == "whatsapp" => {}
        None | Some(Value::Null) => return Err(required("messaging_product")),
        Some(other) => {
            return Err(format!(
                "(#100) Param messaging_product must be one of {{WHATSAPP}} - got {other}."
            ));
        }
    }
    match body.get("recipient_type") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if t == "individual" => {}
        Some(other) => {
            return Err(format!(
                "(#100) Param recipient_type must be one of {{INDIVIDUAL}} - got {other}."
            ));
        }
    }
    let (input, address) = addressee(&body)?;
    let kind = match body.get("type") {
        // The API defaults to a text message.
        None | Some(Value::Null) => "text".to_owned(),
        Some(Value::String(kind)) => kind.clone(),
        Some(_) => return Err("(#100) Param type must be a string.".into()),
    };
    let mut outbound = Outbound {
        input,
        address,
        kind: kind.clone(),
        interactive_type: None,
        template: None,
        body: None,
    };
    match kind.as_str() {
        "text" => {
            let text = string(&body, "/text/body", "text['body']")?;
            if text.chars().count() > MAX_TEXT {
                return Err(format!(
                    "(#100) Param text['body'] must be at most {MAX_TEXT} characters long."
                ));
            }
            optional_bool(&body, "/text/preview_url", "text['preview_url']")?;
            outbound.body = Some(text);
        }
        "template" => {
            let name = string(&body, "/template/name", "template['name']")?;
            object(&body, "/template/language", "template['language']")?;
            string(
                &body,
                "/template/language/code",
                "template['language']['code']",
            )?;
            match body.pointer("/template/components") {
                None | Some(Value::Null) | Some(Value::Array(_)) => {}
                Some(_) => {
                    return Err("(#100) Param template['components'] must be an array.".into());
                }
            }
            outbound.body = Some(name.clone());
            outbound.template = Some(name);
        }
        "interactive" => {
            let itype = string(&body, "/interactive/type", "interactive['type']")?;
            outbound.body = interactive(&body, &itype)?;
            outbound.interactive_type = Some(itype);
        }
        other => {
            return Err(format!(
                "(#100) Param type must be one of {{TEXT, TEMPLATE, INTERACTIVE}} - got \"{other}\"."
            ));
        }
    }
    Ok(outbound)
}

/// Whom a send goes to: `to` (a phone number) when given, else `recipient` (a BSUID
/// or a parent BSUID). With both, `to` wins and `recipient` is not looked at, as on
/// the real API; with neither, Graph asks for `to`, the parameter every client knows.
fn addressee(body: &Value) -> Result<(String, Address), String> {
    match body.get("to") {
        None | Some(Value::Null) => {}
        Some(Value::String(to)) => {
            let digits = wa_id(to).ok_or_else(|| {
                format!("(#100) Param to must be a valid WhatsApp phone number, got {to:?}.")
            })?;
            return Ok((to.clone(), Address::Phone(digits)));
        }
        Some(_) => return Err("(#100) Param to must be a string.".into()),
    }
    match body.get("recipient") {
        None | Some(Value::Null) => Err(required("to")),
        Some(Value::String(recipient)) if is_user_id(recipient) => {
            Ok((recipient.clone(), Address::UserId(recipient.clone())))
        }
        Some(Value::String(recipient)) if is_parent_user_id(recipient) => {
            Ok((recipient.clone(), Address::ParentUserId(recipient.clone())))
        }
        Some(Value::String(recipient)) => Err(format!(
            "(#100) Param recipient must be a valid business-scoped user ID, got {recipient:?}."
        )),
        Some(_) => Err("(#100) Param recipient must be a string.".into()),
    }
}

/// Whether `id` is a business-scoped user id as the sandbox takes it: an ISO 3166
/// alpha-2 country code in capitals, a dot, 1 to 32 digits (`US.13491208655302741918`).
/// Meta allows up to 128 alphanumeric characters after the dot; every published
/// example is digits, and the sandbox keeps to that so a typo is caught.
pub(super) fn is_user_id(id: &str) -> bool {
    id.split_once('.')
        .is_some_and(|(country, number)| is_country(country) && is_number(number))
}

/// Whether `id` is a parent business-scoped user id: country, `.ENT.`, 1 to 32 digits
/// (`US.ENT.11815799212886844830`).
pub(super) fn is_parent_user_id(id: &str) -> bool {
    id.split_once(".ENT.")
        .is_some_and(|(country, number)| is_country(country) && is_number(number))
}

fn is_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_number(digits: &str) -> bool {
    (1..=32).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The digits of a phone number written the usual ways, if it has 6 to 15 of them.
pub(super) fn wa_id(phone: &str) -> Option<String> {
    let well_formed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (well_formed && (6..=15).contains(&digits.len())).then_some(digits)
}

fn interactive(body: &Value, itype: &str) -> Result<Option<String>, String> {
    let body_text = || {
        string(
            body,
            "/interactive/body/text",
            "interactive['body']['text']",
        )
    };
    let optional_body_text = || match body.pointer("/interactive/body") {
        None | Some(Value::Null) => Ok(None),
        Some(_) => body_text().map(Some),
    };
    match itype {
        "product" => {
            string(
                body,
                "/interactive/action/catalog_id",
                "interactive['action']['catalog_id']",
            )?;
            string(
                body,
                "/interactive/action/product_retailer_id",
                "interactive['action']['product_retailer_id']",
            )?;
            optional_body_text()
        }
        "product_list" => {
            object(body, "/interactive/header", "interactive['header']")?;
            string(
                body,
                "/interactive/header/text",
                "interactive['header']['text']",
            )?;
            let text = body_text()?;
            string(
                body,
                "/interactive/action/catalog_id",
                "interactive['action']['catalog_id']",
            )?;
            let sections = sections(body)?;
            let mut total = 0;
            for (i, section) in sections.iter().enumerate() {
                let name = format!("interactive['action']['sections'][{i}]");
                if sections.len() > 1 {
                    string(section, "/title", &format!("{name}['title']"))?;
                }
                let items = section
                    .get("product_items")
                    .and_then(Value::as_array)
                    .filter(|items| !items.is_empty())
                    .ok_or_else(|| {
                        format!("(#100) Param {name}['product_items'] must be a non-empty array.")
                    })?;
                for (j, item) in items.iter().enumerate() {
                    string(
                        item,
                        "/product_retailer_id",
                        &format!("{name}['product_items'][{j}]['product_retailer_id']"),
                    )?;
                }
                total += items.len();
            }
            if total > MAX_PRODUCTS {
                return Err(format!(
                    "(#100) Param interactive['action']['sections'] must contain at most {MAX_PRODUCTS} product items in total, got {total}."
                ));
            }
            Ok(Some(text))
        }
        "list" => {
            let text = body_text()?;
            let button = string(
                body,
                "/interactive/action/button",
                "interactive['action']['button']",
            )?;
            if button.chars().count() > 20 {
                return Err(
                    "(#100) Param interactive['action']['button'] must be at most 20 characters long."
                        .into(),
                );
            }
            let sections = sections(body)?;
            let mut total = 0;
            for (i, section) in sections.iter().enumerate() {
                let name = format!("interactive['action']['sections'][{i}]");
                let rows = section
                    .get("rows")
                    .and_then(Value::as_array)
                    .filter(|rows| !rows.is_empty())
                    .ok_or_else(|| {
                        format!("(#100) Param {name}['rows'] must be a non-empty array.")
                    })?;
                for (j, row) in rows.iter().enumerate() {
                    string(row, "/id", &format!("{name}['rows'][{j}]['id']"))?;
                    string(row, "/title", &format!("{name}['rows'][{j}]['title']"))?;
                }
                total += rows.len();
            }
            if total > MAX_LIST_ROWS {
                return Err(format!(
                    "(#100) Param interactive['action']['sections'] must contain at most {MAX_LIST_ROWS} rows in total, got {total}."
                ));
            }
            Ok(Some(text))
        }
        "button" => {
            let text = body_text()?;
            let buttons = body
                .pointer("/interactive/action/buttons")
                .and_then(Value::as_array)
                .filter(|b| (1..=MAX_BUTTONS).contains(&b.len()))
                .ok_or_else(|| {
                    format!(
                        "(#100) Param interactive['action']['buttons'] must be an array of 1 to {MAX_BUTTONS} buttons."
                    )
                })?;
            for (i, button) in buttons.iter().enumerate() {
                let name = format!("interactive['action']['buttons'][{i}]");
                if button.get("type").and_then(Value::as_str) != Some("reply") {
                    return Err(format!(
                        "(#100) Param {name}['type'] must be one of {{REPLY}}."
                    ));
                }
                string(button, "/reply/id", &format!("{name}['reply']['id']"))?;
                string(button, "/reply/title", &format!("{name}['reply']['title']"))?;
            }
            Ok(Some(text))
        }
        "catalog_message" => {
            let text = body_text()?;
            let name = string(
                body,
                "/interactive/action/name",
                "interactive['action']['name']",
            )?;
            if name != "catalog_message" {
                return Err(format!(
                    "(#100) Param interactive['action']['name'] must be one of {{CATALOG_MESSAGE}} - got \"{name}\"."
                ));
            }
            Ok(Some(text))
        }
        other => Err(format!(
            "(#100) Param interactive['type'] must be one of {{BUTTON, CATALOG_MESSAGE, LIST, PRODUCT, PRODUCT_LIST}} - got \"{other}\"."
        )),
    }
}

fn sections(body: &Value) -> Result<&Vec<Value>, String> {
    let sections = body
        .pointer("/interactive/action/sections")
        .ok_or_else(|| required("interactive['action']['sections']"))?
        .as_array()
        .ok_or("(#100) Param interactive['action']['sections'] must be an array.")?;
    if !(1..=MAX_SECTIONS).contains(&sections.len()) {
        return Err(format!(
            "(#100) Param interactive['action']['sections'] must have between 1 and {MAX_SECTIONS} elements, got {}.",
            sections.len()
        ));
    }
    Ok(sections)
}

fn required(name: &str) -> String {
    format!("(#100) The parameter {name} is required.")
}

/// A required, non-empty string.
fn string(value: &Value, pointer: &str, name: &str) -> Result<String, String> {
    match value.pointer(pointer) {
        None | Some(Value::Null) => Err(required(name)),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(format!("(#100) Param {name} must not be empty."))
        }
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("(#100) Param {name} must be a string.")),
    }
}

fn object(value: &Value, pointer: &str, name: &str) -> Result<(), String> {
    match value.pointer(pointer) {
        None | Some(Value::Null) => Err(required(name)),
        Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(format!("(#100) Param {name} must be an object.")),
    }
}

fn optional_bool(value: &Value, pointer: &str, name: &str) -> Result<(), String> {
    match value.pointer(pointer) {
        None | Some(Value::Null) | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err(format!("(#100) Param {name} must be a boolean.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(body: Value) -> Result<Outbound, String> {
        outbound(body.as_object().unwrap())
    }

    #[test]
    fn recipients_are_phone_numbers() {
        assert_eq!(wa_id("+1 (555) 000-1234").as_deref(), Some("15550001234"));
        assert_eq!(wa_id("12345"), None);
        assert_eq!(wa_id("abc123456"), None);
        assert_eq!(wa_id("1234567890123456"), None);
    }

    #[test]
    fn sends_need_their_parameters() {
        let text = check(
            json!({"messaging_product": "whatsapp", "to": "+15550001", "text": {"body": "hi"}}),
        )
        .unwrap();
        assert_eq!(
            (text.kind.as_str(), &text.address, text.input.as_str()),
            ("text", &Address::Phone("15550001".into()), "+15550001")
        );
        for (bad, needle) in [
            (
                json!({"to": "15550001", "type": "text", "text": {"body": "x"}}),
                "messaging_product",
            ),
            (
                json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}),
                "parameter to",
            ),
            (
                json!({"messaging_product": "whatsapp", "to": "15550001", "type": "text"}),
                "text['body']",
            ),
            (
                json!({"messaging_product": "whatsapp", "to": "15550001", "type": "template",
                "template": {"language": {"code": "en"}}}),
                "template['name']",
            ),
            (
                json!({"messaging_product": "whatsapp", "to": "15550001", "type": "sticker"}),
                "Param type",
            ),
            (
                json!({"messaging_product": "whatsapp", "to": "15550001", "type": "interactive",
                "interactive": {"type": "product", "action": {"catalog_id": "1"}}}),
                "product_retailer_id",
            ),
        ] {
            let message = check(bad.clone()).unwrap_err();
            assert!(message.starts_with("(#100) "), "{message}");
            assert!(message.contains(needle), "{bad}: {message}");
        }
    }

    #[test]
    fn business_scoped_user_ids_have_a_country_a_dot_and_digits() {
        assert!(is_user_id("US.13491208655302741918"));
        assert!(is_user_id("BR.1"));
        assert!(is_user_id(&format!("US.{}", "9".repeat(32))));
        for bad in [
            "us.123",
            "USA.123",
            "US.",
            "US.12a",
            "US 123",
            "US.ENT.123",
            ".123",
            "15550001",
        ] {
            assert!(!is_user_id(bad), "{bad}");
        }
        assert!(!is_user_id(&format!("US.{}", "9".repeat(33))));
        assert!(is_parent_user_id("US.ENT.11815799212886844830"));
        for bad in ["US.123", "US.ENT.", "us.ENT.1", "US.ent.1", "US.ENT.1x"] {
            assert!(!is_parent_user_id(bad), "{bad}");
        }
    }

    #[test]
    fn recipient_stands_in_for_to_and_to_wins() {
        let text = |extra: Value| {
            let mut body = json!({"messaging_product": "whatsapp", "text": {"body": "hi"}});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            check(body)
        };
        let by_id = text(json!({"recipient": "US.13491208655302741918"})).unwrap();
        assert_eq!(
            (by_id.input.as_str(), by_id.address),
            (
                "US.13491208655302741918",
                Address::UserId("US.13491208655302741918".into())
            )
        );
        let parent = text(json!({"recipient": "US.ENT.42"})).unwrap();
        assert_eq!(parent.address, Address::ParentUserId("US.ENT.42".into()));
        let both = text(json!({"to": "+1 555 0001", "recipient": "US.1"})).unwrap();
        assert_eq!(
            (both.input.as_str(), both.address),
            ("+1 555 0001", Address::Phone("15550001".into()))
        );
        // `to` wins even over a recipient that would be refused on its own.
        assert!(text(json!({"to": "15550001", "recipient": "nonsense"})).is_ok());
        assert_eq!(
            text(json!({})).unwrap_err(),
            "(#100) The parameter to is required."
        );
        assert_eq!(
            text(json!({"to": null, "recipient": null})).unwrap_err(),
            "(#100) The parameter to is required."
        );
        let malformed = text(json!({"recipient": "US-123"})).unwrap_err();
        assert!(
            malformed.starts_with("(#100) Param recipient "),
            "{malformed}"
        );
        let typed = text(json!({"recipient": 42})).unwrap_err();
        assert_eq!(typed, "(#100) Param recipient must be a string.");
    }
}
