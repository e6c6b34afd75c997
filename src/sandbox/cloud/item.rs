//! One `items_batch` request, checked the way the catalog checks it.
//!
//! Two stages, as on the real API:
//! - [`parse`] runs when the batch arrives. It only looks at the request's shape
//!   (an object with a known `method` and a `data` object carrying a string `id`);
//!   what fails here is reported at once in `validation_status`. Unknown `data` fields
//!   are ignored with a warning.
//! - [`apply`] runs when the batch is processed, against the catalog as it is then:
//!   it builds the resulting item, checks every field, and changes the catalog only if
//!   nothing is wrong. Every problem is its own error message.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A catalog item: its fields in canonical order, every value a string.
pub(crate) type Item = Map<String, Value>;

/// Retailer ids are at most this many characters.
pub(crate) const MAX_ID_CHARS: usize = 100;
/// Descriptions are at most this many characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 9_999;

/// Fields an item must have after a CREATE (or an UPDATE that creates it).
const REQUIRED: [&str; 9] = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
];

/// Every field the sandbox knows, in the order items are stored and served.
const FIELDS: [&str; 11] = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "sale_price",
    "link",
    "image_link",
    "brand",
    "item_group_id",
];

const AVAILABILITY: [&str; 4] = [
    "in stock",
    "out of stock",
    "available for order",
    "discontinued",
];
const CONDITION: [&str; 3] = ["new", "refurbished", "used"];
/// Image formats the catalog refuses (it takes JPG and PNG).
const UNSUPPORTED_IMAGES: [&str; 3] = [".gif", ".webp", ".svg"];

/// `CREATE`, `UPDATE` or `DELETE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Create,
    Update,
    Delete,
}

/// A request whose shape is right; its fields are checked by [`apply`].
#[derive(Debug, Clone)]
pub(crate) struct ItemRequest {
    pub method: Method,
    pub id: String,
    /// The known fields of `data`, as sent (values not yet checked).
    pub data: Map<String, Value>,
}

/// What [`parse`] makes of one request.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    /// The retailer id as far as it could be read ("" when it could not).
    pub id: String,
    /// The method, when it was one of the three.
    pub method: Option<Method>,
    /// The request, or the reason its shape is wrong.
    pub request: Result<ItemRequest, String>,
    /// Unknown fields, ignored.
    pub warnings: Vec<String>,
}

/// Checks one request's shape.
pub(crate) fn parse(raw: &Value) -> Parsed {
    let mut parsed = Parsed {
        id: String::new(),
        method: None,
        request: Err(String::new()),
        warnings: Vec::new(),
    };
    let Some(raw) = raw.as_object() else {
        parsed.request = Err("Each request must be an object with method and data".into());
        return parsed;
    };
    let data = raw.get("data").and_then(Value::as_object);
    if let Some(Value::String(id)) = data.and_then(|d| d.get("id")) {
        parsed.id = id.clone();
    }
    parsed.method = match raw.get("method").and_then(Value::as_str) {
        Some("CREATE") => Some(Method::Create),
        Some("UPDATE") => Some(Method::Update),
        Some("DELETE") => Some(Method::Delete),
        _ => None,
    };
    let Some(method) = parsed.method else {
        parsed.request = Err(match raw.get("method") {
            None | Some(Value::Null) => "Missing method: use CREATE, UPDATE or DELETE".into(),
            Some(other) => format!("Invalid method {other}: use CREATE, UPDATE or DELETE"),
        });
        return parsed;
    };
    let Some(data) = data else {
        parsed.request = Err("data must be an object".into());
        return parsed;
    };
    match data.get("id") {
        Some(Value::String(_)) => {}
        None | Some(Value::Null) => {
            parsed.request = Err("Missing required field: id".into());
            return parsed;
        }
        Some(_) => {
            parsed.request = Err("Field id must be a string".into());
            return parsed;
        }
    }
    let mut known = Map::new();
    for (key, value) in data {
        if FIELDS.contains(&key.as_str()) {
            known.insert(key.clone(), value.clone());
        } else {
            parsed
                .warnings
                .push(format!("Field {key} is not supported and was ignored"));
        }
    }
    parsed.request = Ok(ItemRequest {
        method,
        id: parsed.id.clone(),
        data: known,
    });
    parsed
}

/// Applies one request to `items`, or leaves them untouched and says why not.
pub(crate) fn apply(
    items: &mut BTreeMap<String, Item>,
    request: &ItemRequest,
    allow_upsert: bool,
) -> Result<(), Vec<String>> {
    let existing = items.get(&request.id);
    let base = match (request.method, existing) {
        (Method::Delete, Some(_)) => {
            items.remove(&request.id);
            return Ok(());
        }
        (Method::Delete, None) => return Err(vec!["Product not found".into()]),
        (Method::Create, Some(_)) if !allow_upsert => {
            return Err(vec![
                "Product already exists: use UPDATE, or allow_upsert".into(),
            ]);
        }
        (Method::Update, None) if !allow_upsert => return Err(vec!["Product not found".into()]),
        // CREATE replaces the whole item; UPDATE merges into what is there.
        (Method::Create, _) | (Method::Update, None) => Map::new(),
        (Method::Update, Some(item)) => item.clone(),
    };
    let mut base = base;
    base.insert("id".into(), Value::String(request.id.clone()));
    let (item, mut errors) = merge(base, &request.data);
    errors.extend(check(&item));
    if errors.is_empty() {
        items.insert(request.id.clone(), item);
        Ok(())
    } else {
        Err(errors)
    }
}

/// `base` with `data`'s fields over it. An empty (or blank) string or null clears a
/// field: fine for `sale_price` and `item_group_id`, a missing field for the others.
fn merge(mut base: Item, data: &Map<String, Value>) -> (Item, Vec<String>) {
    let mut errors = Vec::new();
    // The id is the request's own, set by the caller.
    for (key, value) in data.iter().filter(|(key, _)| *key != "id") {
        match value {
            Value::String(text) if !text.trim().is_empty() => {
                base.insert(key.clone(), value.clone());
            }
            // Cleared: fine for an optional field, "missing" for a required one.
            Value::String(_) | Value::Null => {
                base.remove(key);
            }
            _ => errors.push(format!("Field {key} must be a string")),
        }
    }
    // Canonical field order, so items read back the same however they were written.
    let mut item = Map::new();
    for field in FIELDS {
        if let Some(value) = base.remove(field) {
            item.insert(field.to_owned(), value);
        }
    }
    (item, errors)
}

/// Every problem with a complete item, in field order.
fn check(item: &Item) -> Vec<String> {
    let field = |name: &str| item.get(name).and_then(Value::as_str);
    let mut errors = Vec::new();
    for name in REQUIRED {
        if field(name).is_none() {
            errors.push(format!("Missing required field: {name}"));
        }
    }
    if let Some(id) = field("id") {
        if id.chars().count() > MAX_ID_CHARS {
            errors.push(format!(
                "Retailer ID is too long: at most {MAX_ID_CHARS} characters are allowed"
            ));
        }
        if id.trim().is_empty() {
            errors.push("Retailer ID must not be empty".into());
        }
    }
    if let Some(description) = field("description") {
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.push(format!(
                "Description is too long: at most {MAX_DESCRIPTION_CHARS} characters are allowed"
            ));
        }
        if has_html_tag(description) {
            errors.push("Description must be plain text: HTML tags are not supported".into());
        }
    }
    if let Some(value) = field("availability")
        && !AVAILABILITY.contains(&value)
    {
        errors.push(format!(
            "Invalid availability \"{value}\": use in stock, out of stock, available for order or discontinued"
        ));
    }
    if let Some(value) = field("condition")
        && !CONDITION.contains(&value)
    {
        errors.push(format!(
            "Invalid condition \"{value}\": use new, refurbished or used"
        ));
    }
    let price = field("price").map(|p| (p, parse_price(p)));
    if let Some((text, None)) = price {
        errors.push(format!(
            "Invalid price format \"{text}\": use an amount with at most 2 decimals and a currency code, like 12.34 USD"
        ));
    }
    if let Some(sale) = field("sale_price") {
        match (parse_price(sale), price) {
            (None, _) => errors.push(format!(
                "Invalid sale_price format \"{sale}\": use an amount with at most 2 decimals and a currency code, like 9.99 USD"
            )),
            (Some((_, sale_currency)), Some((_, Some((_, currency)))))
                if sale_currency != currency =>
            {
                errors.push(format!(
                    "Sale price currency {sale_currency} does not match the price currency {currency}"
                ));
            }
            (Some((sale_cents, _)), Some((_, Some((cents, _))))) if sale_cents >= cents => {
                errors.push("Sale price must be lower than the price".into());
            }
            _ => {}
        }
    }
    if let Some(link) = field("link")
        && !is_web_url(link)
    {
        errors.push(format!("Invalid link \"{link}\": use an http or https URL"));
    }
    if let Some(image) = field("image_link") {
        if !is_web_url(image) {
            errors.push(format!(
                "Invalid image_link \"{image}\": use an http or https URL"
            ));
        } else if let Some(ext) = unsupported_image(image) {
            errors.push(format!(
                "Image format not supported ({ext}): use a JPG or PNG image"
            ));
        }
    }
    if let Some(group) = field("item_group_id")
        && group.chars().count() > MAX_ID_CHARS
    {
        errors.push(format!(
            "item_group_id is too long: at most {MAX_ID_CHARS} characters are allowed"
        ));
    }
    errors
}

/// `^\d+(\.\d{1,2})? [A-Z]{3}$` → (amount in hundredths, currency).
pub(crate) fn parse_price(text: &str) -> Option<(u128, &str)> {
    let (amount, currency) = text.split_once(' ')?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let (whole, fraction) = match amount.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (amount, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (amount.contains('.') && !(digits(fraction) && fraction.len() <= 2)) {
        return None;
    }
    let whole: u128 = whole.parse().ok()?;
    let fraction: u128 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u128>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    Some((whole.checked_mul(100)?.checked_add(fraction)?, currency))
}

/// An absolute http(s) URL with a host.
fn is_web_url(text: &str) -> bool {
    reqwest::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    }) && !text.chars().any(char::is_whitespace)
}

/// The refused extension the image URL's path ends with, if any.
fn unsupported_image(text: &str) -> Option<&'static str> {
    let path = reqwest::Url::parse(text).ok()?.path().to_ascii_lowercase();
    UNSUPPORTED_IMAGES
        .into_iter()
        .find(|ext| path.ends_with(ext))
}

/// Whether `text` holds something shaped like an HTML tag: `<` then a letter, `/` or
/// `!`, and a `>` before the next `<`. "a < b" and "<3" are plain text.
fn has_html_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'<'
            && bytes
                .get(i + 1)
                .is_some_and(|&n| n.is_ascii_alphabetic() || n == b'/' || n == b'!')
            && bytes[i + 1..]
                .iter()
                .find(|&&c| c == b'<' || c == b'>')
                .is_some_and(|&c| c == b'>')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prices_follow_the_graph_format() {
        assert_eq!(parse_price("12.34 USD"), Some((1234, "USD")));
        assert_eq!(parse_price("12.3 EUR"), Some((1230, "EUR")));
        assert_eq!(parse_price("7 BRL"), Some((700, "BRL")));
        assert_eq!(parse_price("0.05 USD"), Some((5, "USD")));
        for bad in [
            "12.345 USD",
            "12,34 USD",
            "12.34 usd",
            "12.34USD",
            "$12.34",
            ".5 USD",
            "12. USD",
            "12.34 US",
            "12.34  USD",
            "-1 USD",
            "",
        ] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }

    #[test]
    fn html_tags_are_told_from_plain_text() {
        assert!(has_html_tag("<p>Hi</p>"));
        assert!(has_html_tag("a <br/> b"));
        assert!(has_html_tag("x <!-- c -->"));
        assert!(!has_html_tag("a < b and c > d"));
        assert!(!has_html_tag("I <3 it"));
        assert!(!has_html_tag("x<y"));
    }

    #[test]
    fn shapes_are_checked_on_arrival() {
        let ok = parse(&json!({"method": "DELETE", "data": {"id": "a", "colour": "red"}}));
        assert!(ok.request.is_ok());
        assert_eq!(ok.warnings.len(), 1);
        for (raw, id) in [
            (json!("CREATE"), ""),
            (json!({"method": "PATCH", "data": {"id": "a"}}), "a"),
            (json!({"method": "CREATE"}), ""),
            (json!({"method": "CREATE", "data": {"title": "t"}}), ""),
            (json!({"method": "CREATE", "data": {"id": 5}}), ""),
        ] {
            let parsed = parse(&raw);
            assert!(parsed.request.is_err(), "{raw}");
            assert_eq!(parsed.id, id);
        }
    }

    #[test]
    fn update_merges_and_clears_optional_fields() {
        let mut items = BTreeMap::new();
        let create = parse(&json!({"method": "CREATE", "data": {
            "id": "a", "title": "T", "description": "D", "availability": "in stock",
            "condition": "new", "price": "10.00 USD", "sale_price": "8.00 USD",
            "link": "https://shop.test/a", "image_link": "https://shop.test/a.jpg", "brand": "B",
        }}))
        .request
        .unwrap();
        apply(&mut items, &create, true).unwrap();
        let update = parse(&json!({"method": "UPDATE", "data": {"id": "a", "sale_price": ""}}))
            .request
            .unwrap();
        apply(&mut items, &update, true).unwrap();
        assert!(!items["a"].contains_key("sale_price"));
        let bad = parse(&json!({"method": "UPDATE", "data": {"id": "a", "title": ""}}))
            .request
            .unwrap();
        assert_eq!(
            apply(&mut items, &bad, true).unwrap_err(),
            ["Missing required field: title"]
        );
        assert_eq!(items["a"]["title"], "T");
    }
}
