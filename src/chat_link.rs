//! The "Chat on WhatsApp" button's link: a `wa.me` link to the marketplace's (or,
//! under model 2, the vendor's) number with a prefilled message that names the
//! product and carries the vendor's code as `#CODE`, so that when the customer sends
//! it, [`crate::routing::decide`] routes the conversation to that vendor by its
//! vendor-code rule.
//!
//! The admin words the message as a pattern with placeholders (`{product}`, `{store}`,
//! `{code}`). Whatever the pattern and the names hold, the text carries exactly one
//! `#` — the vendor's code — so no other vendor's code can be read in it: a `#` in the
//! pattern, the product's or the store's name becomes a full-width `＃`, which routing
//! does not read as a code. A pattern without `{code}` gets it appended.

use serde::Serialize;
use thiserror::Error;

use crate::routing::clean_code;
use crate::rules::{Format, MAX_CHAT_MESSAGE_CHARS, MAX_CHAT_PRODUCT_CHARS};

/// The placeholder of the product's name.
pub const PRODUCT: &str = "{product}";
/// The placeholder of the store's name.
pub const STORE: &str = "{store}";
/// The placeholder of the vendor's code, written `#CODE`.
pub const CODE: &str = "{code}";

/// What stands in for a `#` that is not the vendor code's (FULLWIDTH NUMBER SIGN).
const NEUTRAL_HASH: char = '\u{FF03}';

/// Why no link can be made.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ChatLinkError {
    /// The number is not 6 to 15 digits (an optional `+`, spaces, dashes, dots and
    /// brackets aside).
    #[error("the WhatsApp number must have 6 to 15 digits, with its country code")]
    BadNumber,
    /// The vendor has no code (letters and digits) to route by.
    #[error("the vendor code must hold letters or digits")]
    NoCode,
}

/// A chat link, with the parts it was made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatLink {
    /// `https://wa.me/<digits>?text=<prefilled text, percent-encoded>`.
    pub url: String,
    /// The prefilled text.
    pub text: String,
    /// The vendor code the text carries (without `#`).
    pub code: String,
    /// The number's digits.
    pub number: String,
}

/// The number's digits: an optional leading `+`, and spaces, dashes, dots and
/// brackets, are dropped; what remains must be a WhatsApp number.
pub fn number_digits(number: &str) -> Result<String, ChatLinkError> {
    let compact: String = number
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if Format::PhoneNumber.matches(&compact) {
        Ok(compact.trim_start_matches('+').to_owned())
    } else {
        Err(ChatLinkError::BadNumber)
    }
}

/// The prefilled text: `pattern` with `{product}`, `{store}` and `{code}` (as `#CODE`)
/// filled in, `{code}` appended when the pattern lacks it, no other `#`, whitespace
/// runs and control characters collapsed to one space, the product's name cut to
/// [`MAX_CHAT_PRODUCT_CHARS`] and the pattern to [`MAX_CHAT_MESSAGE_CHARS`].
pub fn prefilled_text(
    pattern: &str,
    product: &str,
    store: &str,
    code: &str,
) -> Result<String, ChatLinkError> {
    let code = clean_code(code);
    if code.is_empty() {
        return Err(ChatLinkError::NoCode);
    }
    let mut pattern: String = pattern
        .trim()
        .chars()
        .take(MAX_CHAT_MESSAGE_CHARS)
        .collect();
    if !pattern.contains(CODE) {
        if !pattern.is_empty() {
            pattern.push(' ');
        }
        pattern.push_str(CODE);
    }
    let product = cut(&single_line(product), MAX_CHAT_PRODUCT_CHARS);
    let store = single_line(store);

    let mut text = String::with_capacity(pattern.len() + product.len() + store.len());
    // Whether the text ends with the code: then what follows must not begin with a
    // letter or digit, or `#ACME` would read as `#ACMES`.
    let mut after_code = false;
    let push = |text: &mut String, piece: &str, after_code: &mut bool| {
        if piece.is_empty() {
            return;
        }
        if *after_code && piece.chars().next().is_some_and(char::is_alphanumeric) {
            text.push(' ');
        }
        text.push_str(piece);
        *after_code = false;
    };
    let mut rest = pattern.as_str();
    while !rest.is_empty() {
        let next = [PRODUCT, STORE, CODE]
            .into_iter()
            .filter_map(|p| rest.find(p).map(|at| (at, p)))
            .min();
        let Some((at, placeholder)) = next else {
            push(&mut text, &neutral(rest), &mut after_code);
            break;
        };
        push(&mut text, &neutral(&rest[..at]), &mut after_code);
        rest = &rest[at + placeholder.len()..];
        match placeholder {
            PRODUCT => push(&mut text, &neutral(&product), &mut after_code),
            STORE => push(&mut text, &neutral(&store), &mut after_code),
            _ => {
                push(&mut text, &format!("#{code}"), &mut after_code);
                after_code = true;
            }
        }
    }
    Ok(single_line(&text))
}

/// The chat link to `number` with the prefilled text of [`prefilled_text`].
pub fn chat_link(
    number: &str,
    pattern: &str,
    product: &str,
    store: &str,
    code: &str,
) -> Result<ChatLink, ChatLinkError> {
    let number = number_digits(number)?;
    let text = prefilled_text(pattern, product, store, code)?;
    Ok(ChatLink {
        url: format!("https://wa.me/{number}?text={}", percent_encode(&text)),
        text,
        code: clean_code(code),
        number,
    })
}

/// Text on one line: control characters and whitespace runs become one space,
/// leading and trailing space is dropped.
fn single_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` with every `#` made one routing does not read.
fn neutral(text: &str) -> String {
    text.replace('#', &NEUTRAL_HASH.to_string())
}

/// At most `max` characters, an ellipsis marking a cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut = cut.trim_end().to_owned();
    cut.push('…');
    cut
}

/// Percent-encoding of a query value: everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::{Direction, Message};
    use crate::routing::{
        Decision, Fallback, Lookup, RoutingConfig, Rule, VendorListing, decide, directory,
    };

    /// The text as a customer message arriving from the link.
    fn sent(text: &str) -> Message {
        Message {
            phone_number_id: "100000000000001".into(),
            direction: Direction::Inbound,
            id: "wamid.chat".into(),
            customer: "15550009999".into(),
            identity: Default::default(),
            imported: false,
            customer_name: None,
            timestamp: 1_000,
            kind: "text".into(),
            text: Some(text.into()),
            reply_to: None,
            forwarded: false,
            referred_product: None,
            order: Vec::new(),
            order_catalog_id: None,
            reply_id: None,
            media: None,
            errors: Vec::new(),
            raw: serde_json::Value::Null,
        }
    }

    /// A customer who wrote to vendor `recent` a moment ago; no catalog.
    struct Recently(Option<u64>);

    impl Lookup for Recently {
        fn vendor_of_retailer_id(&self, _: &str) -> Option<u64> {
            None
        }
        fn recent_vendor(&self, _: &str, _: i64) -> Option<u64> {
            self.0
        }
    }

    fn listing(vendor_id: u64, chosen_code: &str, store_name: &str) -> VendorListing {
        VendorListing {
            vendor_id,
            chosen_code: chosen_code.into(),
            store_name: store_name.into(),
        }
    }

    fn route(text: &str, recent: Option<u64>, listings: &[VendorListing]) -> Decision {
        decide(
            &sent(text),
            &directory(listings),
            &RoutingConfig {
                window_seconds: 3600,
                fallback: Fallback::Menu,
                ..RoutingConfig::default()
            },
            &Recently(recent),
            1_000,
        )
    }

    #[test]
    fn the_pattern_is_filled_and_the_link_encodes_it() {
        let link = chat_link(
            "+1 (555) 010-0001",
            "Hi {store}! About {product}: {code}",
            "Blue Mug",
            "Acme Store",
            "acme",
        )
        .unwrap();
        assert_eq!(link.text, "Hi Acme Store! About Blue Mug: #ACME");
        assert_eq!(link.number, "15550100001");
        assert_eq!(link.code, "ACME");
        assert_eq!(
            link.url,
            "https://wa.me/15550100001?text=Hi%20Acme%20Store%21%20About%20Blue%20Mug%3A%20%23ACME"
        );
    }

    #[test]
    fn a_pattern_without_the_code_gets_it_and_hashes_are_neutralised() {
        assert_eq!(
            prefilled_text("Question about {product} #1", "C# Guide", "S", "ACME").unwrap(),
            "Question about C＃ Guide ＃1 #ACME"
        );
        assert_eq!(prefilled_text("", "", "", "x1").unwrap(), "#X1");
        assert_eq!(
            prefilled_text("{code}s and {product}", "Mug", "", "ACME").unwrap(),
            "#ACME s and Mug",
            "a letter right after the code is kept apart from it"
        );
        assert_eq!(
            prefilled_text("{product} {code}", "Line\none\t\u{7}two  ", "", "A").unwrap(),
            "Line one two #A"
        );
        let long = "x".repeat(MAX_CHAT_PRODUCT_CHARS + 20);
        let text = prefilled_text("{product} {code}", &long, "", "A").unwrap();
        assert_eq!(
            text.chars().count(),
            MAX_CHAT_PRODUCT_CHARS + " #A".len(),
            "the product's name is cut"
        );
        assert!(text.contains("…"));
    }

    #[test]
    fn bad_numbers_and_empty_codes_are_refused() {
        for number in [
            "",
            "12345",
            "+1234567890123456",
            "555-CALL-NOW",
            "++15550100",
        ] {
            assert_eq!(
                chat_link(number, "{code}", "p", "s", "ACME"),
                Err(ChatLinkError::BadNumber),
                "{number}"
            );
        }
        assert_eq!(
            chat_link("15550100001", "{code}", "p", "s", "#!?"),
            Err(ChatLinkError::NoCode)
        );
    }

    #[test]
    fn what_the_button_writes_routing_reads_back_as_that_vendor() {
        // Vendors whose names, codes and products try to mislead routing: a code that
        // is another's prefix, a store named inside another's name and inside product
        // names, codes written into product names, accents and HTML entities.
        let listings = [
            listing(11, "", "Acme Store"),
            listing(12, "BOLT", "Bolt Gadgets"),
            listing(13, "BOLT12", "Bolt &amp; Co"),
            listing(14, "", "Acme Store Outlet"),
            listing(15, "", "Café Ünïcode"),
            listing(16, "mug", "Mugs"),
        ];
        let entries = directory(&listings);
        let products = [
            "Blue Mug",
            "Acme Store Outlet exclusive",
            "Bolt Gadgets charger #BOLT",
            "#MUG #ACMESTORE bundle",
            "Mug",
            "",
        ];
        let patterns = [
            "Hi {store}, I have a question about {product} ({code})",
            "{code}",
            "About {product} from {store}",
            "Hello #BOLT team, {product}: {code}!",
            "{product}{code}{store}",
        ];
        for entry in &entries {
            for product in products {
                for pattern in patterns {
                    let link = chat_link(
                        "15550100001",
                        pattern,
                        product,
                        &entry.store_name,
                        &entry.code,
                    )
                    .unwrap();
                    // Even for a customer just talking to another vendor.
                    for recent in [None, Some(if entry.vendor_id == 11 { 12 } else { 11 })] {
                        let decision = route(&link.text, recent, &listings);
                        assert_eq!(
                            (decision.rule, decision.detail.as_str()),
                            (Rule::VendorCode, entry.code.as_str()),
                            "{pattern:?} / {product:?} for {}: {:?}",
                            entry.store_name,
                            link.text
                        );
                        assert_eq!(
                            decision
                                .targets
                                .iter()
                                .map(|t| t.vendor_id)
                                .collect::<Vec<_>>(),
                            vec![entry.vendor_id]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_encoded_text_decodes_to_the_text() {
        let link = chat_link(
            "15550100001",
            "¿Tienen {product}? {code} 🙂 & ok",
            "Taza 100% azul+",
            "",
            "TAZA",
        )
        .unwrap();
        let encoded = link.url.split_once("?text=").unwrap().1;
        let mut bytes = Vec::new();
        let raw = encoded.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'%' {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap();
                bytes.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                assert!(raw[i].is_ascii_alphanumeric() || b"-._~".contains(&raw[i]));
                bytes.push(raw[i]);
                i += 1;
            }
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), link.text);
        assert_eq!(link.text, "¿Tienen Taza 100% azul+? #TAZA 🙂 & ok");
    }
}
