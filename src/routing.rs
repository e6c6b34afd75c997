//! Which vendor a customer's message is for. The rules run in order and the first that
//! decides wins; the decision names its rule so the stored message shows why it went
//! where it went.
//!
//! 0. A message to a number that belongs to one vendor (the integration's model 2,
//!    an account per vendor) is that vendor's, whatever it says.
//! 1. A product the customer refers to, or the items of an order (retailer id → vendor;
//!    an order spanning vendors goes to each vendor with their own lines).
//! 2. A vendor code or store name in the text.
//! 3. The customer's ongoing conversation with a vendor, within the admin's window.
//! 4. The admin's fallback: a default vendor, the marketplace team, or a menu asking
//!    the customer to choose (whose reply then routes by rule 0, the menu choice).

use serde::Serialize;

use crate::catalog::text::plain;
use crate::inbound::{Message, OrderLine};
use crate::messaging::Outbound;

/// Prefix of the row ids in the vendor menu, e.g. `wpwa-vendor:12`.
pub const MENU_REPLY_PREFIX: &str = "wpwa-vendor:";

/// A vendor as routing knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorEntry {
    /// WordPress user id.
    pub vendor_id: u64,
    /// A short code customers may type as `#ACME` (or as their whole message).
    pub code: String,
    /// The store name, e.g. `Acme Store` (matched as whole words).
    pub store_name: String,
}

/// Longest vendor code, in characters.
pub const MAX_CODE: usize = 20;

/// A vendor as the plugin lists them, before codes are given out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorListing {
    /// WordPress user id.
    pub vendor_id: u64,
    /// The code the vendor or the admin chose; empty to derive it from the store name.
    pub chosen_code: String,
    /// The store name as the marketplace answers it, possibly HTML-escaped
    /// (WCFM's `Bolt &amp; Co Gadgets`).
    pub store_name: String,
}

/// The routing directory: store names decoded, and a code for every vendor that no
/// other vendor has. Chosen codes go first; a code derived from the store name goes to
/// the vendor with the lowest id, and each other vendor whose name reduces to the same
/// code gets it with their vendor id appended (`#BOLT` and `#BOLT12`), so a vendor's
/// code depends only on who has the same name. A vendor listed twice keeps the first.
pub fn directory(listings: &[VendorListing]) -> Vec<VendorEntry> {
    let mut sorted: Vec<&VendorListing> = listings.iter().collect();
    sorted.sort_by_key(|l| l.vendor_id);
    sorted.dedup_by_key(|l| l.vendor_id);
    let mut taken = std::collections::HashSet::new();
    let mut codes: Vec<Option<String>> = vec![None; sorted.len()];
    for (slot, listing) in codes.iter_mut().zip(&sorted) {
        let chosen = clean_code(&plain(&listing.chosen_code));
        if !chosen.is_empty() && taken.insert(chosen.clone()) {
            *slot = Some(chosen);
        }
    }
    for (slot, listing) in codes.iter_mut().zip(&sorted) {
        if slot.is_some() {
            continue;
        }
        let chosen = clean_code(&plain(&listing.chosen_code));
        let base = if chosen.is_empty() {
            code_from_name(&listing.store_name)
        } else {
            chosen
        };
        let mut code = base.clone();
        let mut attempt = 1u64;
        while code.is_empty() || taken.contains(&code) {
            code = suffixed(&base, listing.vendor_id, attempt);
            attempt += 1;
        }
        taken.insert(code.clone());
        *slot = Some(code);
    }
    sorted
        .into_iter()
        .zip(codes)
        .map(|(listing, code)| VendorEntry {
            vendor_id: listing.vendor_id,
            code: code.unwrap_or_default(),
            store_name: plain(&listing.store_name),
        })
        .collect()
}

/// The code a store name reduces to: its letters and digits, accents dropped, in
/// capitals, at most [`MAX_CODE`]; entities are decoded first (`Bolt &amp; Co` gives
/// `BOLTCO`, not `BOLTAMPCO`).
pub fn code_from_name(store_name: &str) -> String {
    let folded: String = plain(store_name).chars().map(fold_accent).collect();
    clean_code(&folded)
}

/// Letters and digits only, upper case, at most [`MAX_CODE`].
pub fn clean_code(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(MAX_CODE)
        .collect()
}

/// `base` with the vendor id appended (and a counter after the first attempt), cut so
/// that the whole stays within [`MAX_CODE`]. A vendor without a usable name is `V<id>`.
fn suffixed(base: &str, vendor_id: u64, attempt: u64) -> String {
    let base = if base.is_empty() { "V" } else { base };
    let suffix = if attempt == 1 {
        vendor_id.to_string()
    } else {
        format!("{vendor_id}X{attempt}")
    };
    let keep = MAX_CODE.saturating_sub(suffix.len());
    let mut code: String = base.chars().take(keep).collect();
    code.push_str(&suffix);
    code.chars().take(MAX_CODE).collect()
}

/// Latin letters with accents as their base letters (`é` → `e`, `ß` → `ss`); other
/// characters unchanged. Covers Latin-1 and the common Latin Extended-A letters.
fn fold_accent(c: char) -> char {
    match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => 'a',
        'Ç' | 'ç' | 'Ć'..='č' => 'c',
        'Ð' | 'ð' | 'Ď'..='đ' => 'd',
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => 'e',
        'Ĝ'..='ģ' => 'g',
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => 'i',
        'Ł' | 'ł' | 'Ĺ'..='ľ' => 'l',
        'Ñ' | 'ñ' | 'Ń'..='ň' => 'n',
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => 'o',
        'Ŕ'..='ř' => 'r',
        'Ś'..='š' => 's',
        'Ţ'..='ť' => 't',
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => 'u',
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => 'y',
        'Ź'..='ž' => 'z',
        other => other,
    }
}

/// What happens to a message no rule could place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Goes to this vendor.
    DefaultVendor(u64),
    /// Goes to the marketplace team (vendor id 0).
    MarketplaceTeam,
    /// The customer is asked to choose a vendor.
    Menu,
}

/// The admin's routing settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingConfig {
    /// How long a conversation keeps routing a customer to the same vendor.
    pub window_seconds: i64,
    /// What to do when nothing else decides.
    pub fallback: Fallback,
    /// The words that opt a customer out of (or in to) WhatsApp updates; a message
    /// that is one of them still reaches its vendor.
    pub consent_words: crate::consent::Words,
    /// The business numbers (`phone_number_id`) that each belong to one vendor; what
    /// reaches one is that vendor's.
    pub vendor_numbers: std::collections::HashMap<String, u64>,
}

impl RoutingConfig {
    /// The vendor who owns the business number `phone_number_id`, if one does.
    pub fn owner_of(&self, phone_number_id: &str) -> Option<u64> {
        self.vendor_numbers.get(phone_number_id).copied()
    }
}

impl Default for RoutingConfig {
    fn default() -> Self {
        Self {
            window_seconds: 72 * 3600,
            fallback: Fallback::MarketplaceTeam,
            consent_words: crate::consent::Words::default(),
            vendor_numbers: std::collections::HashMap::new(),
        }
    }
}

/// The rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The customer wrote to a number that belongs to one vendor.
    OwnNumber,
    /// The customer picked a vendor from the menu.
    MenuChoice,
    /// The product the customer asked about.
    Product,
    /// The items of an order.
    Order,
    /// A vendor code in the text.
    VendorCode,
    /// A store name in the text.
    StoreName,
    /// The ongoing conversation.
    Conversation,
    /// The admin's default vendor.
    DefaultVendor,
    /// The marketplace team.
    MarketplaceTeam,
    /// Nobody yet: the customer is asked to choose.
    Menu,
}

impl Rule {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::OwnNumber => "own_number",
            Rule::MenuChoice => "menu_choice",
            Rule::Product => "product",
            Rule::Order => "order",
            Rule::VendorCode => "vendor_code",
            Rule::StoreName => "store_name",
            Rule::Conversation => "conversation",
            Rule::DefaultVendor => "default_vendor",
            Rule::MarketplaceTeam => "marketplace_team",
            Rule::Menu => "menu",
        }
    }
}

/// A vendor a message goes to; for orders, with their own lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The vendor (0 = marketplace team).
    pub vendor_id: u64,
    /// This vendor's part of an order.
    pub order_lines: Vec<OrderLine>,
}

/// Where a message goes and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The deciding rule.
    pub rule: Rule,
    /// Who gets it; empty for [`Rule::Menu`].
    pub targets: Vec<Target>,
    /// What matched, for the stored decision (a retailer id, a code, a name).
    pub detail: String,
}

/// What routing needs to know from the store.
pub trait Lookup {
    /// The vendor whose catalog item has this retailer id.
    fn vendor_of_retailer_id(&self, retailer_id: &str) -> Option<u64>;
    /// The vendor of the customer's latest conversation since `since` (Unix seconds).
    fn recent_vendor(&self, customer: &str, since: i64) -> Option<u64>;
}

/// Decides where `message` goes.
pub fn decide(
    message: &Message,
    vendors: &[VendorEntry],
    config: &RoutingConfig,
    lookup: &dyn Lookup,
    now: i64,
) -> Decision {
    let single = |rule, vendor_id, detail: String| Decision {
        rule,
        targets: vec![Target {
            vendor_id,
            order_lines: Vec::new(),
        }],
        detail,
    };

    if let Some(vendor_id) = config.owner_of(&message.phone_number_id) {
        return single(Rule::OwnNumber, vendor_id, message.phone_number_id.clone());
    }
    if let Some(id) = message
        .reply_id
        .as_deref()
        .and_then(|r| r.strip_prefix(MENU_REPLY_PREFIX))
    {
        if let Some(vendor) = vendors.iter().find(|v| v.vendor_id.to_string() == id) {
            return single(
                Rule::MenuChoice,
                vendor.vendor_id,
                vendor.store_name.clone(),
            );
        }
    }
    if let Some(product) = &message.referred_product {
        if let Some(vendor) = lookup.vendor_of_retailer_id(&product.retailer_id) {
            return single(Rule::Product, vendor, product.retailer_id.clone());
        }
    }
    if !message.order.is_empty() {
        let mut targets: Vec<Target> = Vec::new();
        for line in &message.order {
            let Some(vendor) = lookup.vendor_of_retailer_id(&line.retailer_id) else {
                continue;
            };
            match targets.iter_mut().find(|t| t.vendor_id == vendor) {
                Some(target) => target.order_lines.push(line.clone()),
                None => targets.push(Target {
                    vendor_id: vendor,
                    order_lines: vec![line.clone()],
                }),
            }
        }
        if !targets.is_empty() {
            let detail = message
                .order
                .iter()
                .map(|l| l.retailer_id.as_str())
                .collect::<Vec<_>>()
                .join(",");
            return Decision {
                rule: Rule::Order,
                targets,
                detail,
            };
        }
    }
    if let Some(text) = message.text.as_deref() {
        if let Some(vendor) = vendors.iter().find(|v| mentions_code(text, &v.code)) {
            return single(Rule::VendorCode, vendor.vendor_id, vendor.code.clone());
        }
        let words = words(text);
        // The longest name first, so "Acme Store Outlet" beats "Acme Store".
        let mut by_length: Vec<&VendorEntry> = vendors
            .iter()
            .filter(|v| !v.store_name.trim().is_empty())
            .collect();
        by_length.sort_by_key(|v| std::cmp::Reverse(v.store_name.len()));
        if let Some(vendor) = by_length
            .into_iter()
            .find(|v| contains_words(&words, &self::words(&v.store_name)))
        {
            return single(Rule::StoreName, vendor.vendor_id, vendor.store_name.clone());
        }
    }
    if let Some(vendor) = lookup.recent_vendor(&message.customer, now - config.window_seconds) {
        return single(Rule::Conversation, vendor, String::new());
    }
    match config.fallback {
        Fallback::DefaultVendor(vendor) => single(Rule::DefaultVendor, vendor, String::new()),
        Fallback::MarketplaceTeam => single(Rule::MarketplaceTeam, 0, String::new()),
        Fallback::Menu => Decision {
            rule: Rule::Menu,
            targets: Vec::new(),
            detail: String::new(),
        },
    }
}

/// Whether `text` names vendor `code`: as `#code` followed by a word boundary, or as the
/// whole message. A bare word is not enough: codes are often ordinary words.
fn mentions_code(text: &str, code: &str) -> bool {
    let code = code.trim();
    if code.is_empty() {
        return false;
    }
    if text.trim().eq_ignore_ascii_case(code) {
        return true;
    }
    let text = text.to_lowercase();
    let tag = format!("#{}", code.to_lowercase());
    text.match_indices(&tag).any(|(at, _)| {
        !text[at + tag.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    })
}

/// Lowercase alphanumeric words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `needle` appears in `haystack` as consecutive whole words.
fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Rows a WhatsApp list may hold.
const MENU_ROWS: usize = 10;

/// The list that asks a customer which shop they mean: one row per vendor (the first
/// ten by store name), whose reply routes by [`Rule::MenuChoice`]. `intro` is the
/// marketplace's question; customers can still answer with a store name or `#CODE`.
pub fn vendor_menu(vendors: &[VendorEntry], intro: &str, button: &str) -> Outbound {
    let mut sorted: Vec<&VendorEntry> = vendors
        .iter()
        .filter(|v| v.vendor_id > 0 && !v.store_name.trim().is_empty())
        .collect();
    sorted.sort_by_key(|v| v.store_name.to_lowercase());
    let rows = sorted
        .into_iter()
        .take(MENU_ROWS)
        .map(|v| {
            let description = if v.code.is_empty() {
                String::new()
            } else {
                format!("#{}", v.code)
            };
            (
                format!("{MENU_REPLY_PREFIX}{}", v.vendor_id),
                truncate(v.store_name.trim(), 24),
                description,
            )
        })
        .collect();
    Outbound::List {
        body: truncate(intro.trim(), 1024),
        button: truncate(button.trim(), 20),
        rows,
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::ProductRef;
    use std::collections::HashMap;

    struct Fake {
        catalog: HashMap<&'static str, u64>,
        recent: Option<(u64, i64)>,
    }

    impl Lookup for Fake {
        fn vendor_of_retailer_id(&self, retailer_id: &str) -> Option<u64> {
            self.catalog.get(retailer_id).copied()
        }
        fn recent_vendor(&self, _: &str, since: i64) -> Option<u64> {
            self.recent.filter(|(_, at)| *at >= since).map(|(v, _)| v)
        }
    }

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
            VendorEntry {
                vendor_id: 13,
                code: String::new(),
                store_name: "Acme Store Outlet".into(),
            },
        ]
    }

    fn lookup() -> Fake {
        Fake {
            catalog: HashMap::from([("ACME-1", 11), ("ACME-2", 11), ("BOLT-1", 12)]),
            recent: None,
        }
    }

    /// A plain text message from one customer (shared with `directory_tests`).
    pub(super) fn text(body: &str) -> Message {
        Message {
            phone_number_id: "42".into(),
            direction: crate::inbound::Direction::Inbound,
            id: "wamid.1".into(),
            customer: "15550001".into(),
            identity: Default::default(),
            imported: false,
            customer_name: None,
            timestamp: 1_000,
            kind: "text".into(),
            text: Some(body.into()),
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

    fn line(rid: &str) -> OrderLine {
        OrderLine {
            retailer_id: rid.into(),
            quantity: 1,
            item_price: 5.0,
            currency: "USD".into(),
        }
    }

    fn route(message: &Message, lookup: &Fake, fallback: Fallback) -> Decision {
        decide(
            message,
            &vendors(),
            &RoutingConfig {
                window_seconds: 3600,
                fallback,
                ..RoutingConfig::default()
            },
            lookup,
            10_000,
        )
    }

    #[test]
    fn the_routing_table() {
        let team = Fallback::MarketplaceTeam;
        let with_product = |rid: &str| Message {
            referred_product: Some(ProductRef {
                catalog_id: None,
                retailer_id: rid.into(),
            }),
            ..text("Is this available?")
        };
        let menu_reply = Message {
            reply_id: Some("wpwa-vendor:12".into()),
            kind: "interactive".into(),
            ..text("Bolt Gadgets")
        };
        let recent = Fake {
            recent: Some((12, 9_000)),
            ..lookup()
        };
        let stale = Fake {
            recent: Some((12, 1_000)),
            ..lookup()
        };
        let plain = lookup();
        // (case, message, lookup, fallback) → (rule, vendors, detail)
        type Case<'a> = (
            &'a str,
            Message,
            &'a Fake,
            Fallback,
            Rule,
            Vec<u64>,
            &'a str,
        );
        let cases: Vec<Case> = vec![
            (
                "menu choice",
                menu_reply,
                &recent,
                team,
                Rule::MenuChoice,
                vec![12],
                "Bolt Gadgets",
            ),
            (
                "referred product",
                with_product("ACME-1"),
                &recent,
                team,
                Rule::Product,
                vec![11],
                "ACME-1",
            ),
            (
                "unknown product falls through",
                with_product("NOPE"),
                &recent,
                team,
                Rule::Conversation,
                vec![12],
                "",
            ),
            (
                "vendor code",
                text("hi #bolt, do you ship?"),
                &plain,
                team,
                Rule::VendorCode,
                vec![12],
                "BOLT",
            ),
            (
                "store name",
                text("Question for acme store please"),
                &plain,
                team,
                Rule::StoreName,
                vec![11],
                "Acme Store",
            ),
            (
                "longest store name",
                text("acme store outlet: open today?"),
                &plain,
                team,
                Rule::StoreName,
                vec![13],
                "Acme Store Outlet",
            ),
            (
                "code as a word only",
                text("acmeish things"),
                &plain,
                team,
                Rule::MarketplaceTeam,
                vec![0],
                "",
            ),
            (
                "ongoing conversation",
                text("and the blue one?"),
                &recent,
                team,
                Rule::Conversation,
                vec![12],
                "",
            ),
            (
                "conversation too old",
                text("hello again"),
                &stale,
                team,
                Rule::MarketplaceTeam,
                vec![0],
                "",
            ),
            (
                "default vendor",
                text("hello"),
                &plain,
                Fallback::DefaultVendor(11),
                Rule::DefaultVendor,
                vec![11],
                "",
            ),
            (
                "menu",
                text("hello"),
                &plain,
                Fallback::Menu,
                Rule::Menu,
                vec![],
                "",
            ),
            (
                "bogus menu reply",
                Message {
                    reply_id: Some("wpwa-vendor:99".into()),
                    ..text("x")
                },
                &plain,
                Fallback::Menu,
                Rule::Menu,
                vec![],
                "",
            ),
        ];
        for (case, message, lookup, fallback, rule, targets, detail) in cases {
            let decision = route(&message, lookup, fallback);
            assert_eq!(decision.rule, rule, "{case}");
            assert_eq!(
                decision
                    .targets
                    .iter()
                    .map(|t| t.vendor_id)
                    .collect::<Vec<_>>(),
                targets,
                "{case}"
            );
            assert_eq!(decision.detail, detail, "{case}");
        }
    }

    #[test]
    fn a_vendors_own_number_decides_before_anything_the_message_says() {
        let config = RoutingConfig {
            vendor_numbers: HashMap::from([("900".to_owned(), 12)]),
            ..RoutingConfig::default()
        };
        let to_bolt = Message {
            phone_number_id: "900".into(),
            ..text("#ACME is this yours?")
        };
        let decision = decide(&to_bolt, &vendors(), &config, &lookup(), 1_000);
        assert_eq!(decision.rule, Rule::OwnNumber);
        assert_eq!(decision.targets[0].vendor_id, 12);
        assert_eq!(decision.detail, "900");
        // The shared number still routes by what the message says.
        let shared = decide(&text("#ACME hi"), &vendors(), &config, &lookup(), 1_000);
        assert_eq!(
            (shared.rule, shared.targets[0].vendor_id),
            (Rule::VendorCode, 11)
        );
    }

    #[test]
    fn an_order_spanning_vendors_reaches_each_with_their_own_lines() {
        let order = Message {
            kind: "order".into(),
            text: None,
            order: vec![line("ACME-1"), line("BOLT-1"), line("ACME-2"), line("GONE")],
            ..text("")
        };
        let decision = route(&order, &lookup(), Fallback::MarketplaceTeam);
        assert_eq!(decision.rule, Rule::Order);
        let parts: Vec<(u64, Vec<&str>)> = decision
            .targets
            .iter()
            .map(|t| {
                (
                    t.vendor_id,
                    t.order_lines
                        .iter()
                        .map(|l| l.retailer_id.as_str())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            parts,
            vec![(11, vec!["ACME-1", "ACME-2"]), (12, vec!["BOLT-1"])]
        );
    }

    #[test]
    fn the_vendor_menu_lists_shops_by_name_with_reply_ids_routing_back() {
        let mut many = vendors();
        many.extend((1..=12).map(|i| VendorEntry {
            vendor_id: 100 + i,
            code: format!("Z{i}"),
            store_name: format!("Zeta shop number {i} with a very long name"),
        }));
        let Outbound::List { body, button, rows } =
            vendor_menu(&many, "Which shop is your message for?", "Choose a shop")
        else {
            panic!("the menu is a list");
        };
        assert_eq!(body, "Which shop is your message for?");
        assert_eq!(button, "Choose a shop");
        assert_eq!(rows.len(), 10, "WhatsApp lists hold ten rows");
        assert_eq!(
            rows[0],
            ("wpwa-vendor:11".into(), "Acme Store".into(), "#ACME".into())
        );
        assert_eq!(rows[1].2, "", "no code, no description");
        assert_eq!(rows[3].1.chars().count(), 24, "titles are cut to 24");
        assert!(rows[3].1.ends_with('…'));

        // The reply to a row routes to that vendor.
        let reply = Message {
            reply_id: Some(rows[2].0.clone()),
            kind: "interactive".into(),
            ..text(&rows[2].1)
        };
        let d = route(&reply, &lookup(), Fallback::Menu);
        assert_eq!((d.rule, d.targets[0].vendor_id), (Rule::MenuChoice, 12));
    }
}

#[cfg(test)]
mod directory_tests {
    use super::*;

    fn listing(vendor_id: u64, chosen_code: &str, store_name: &str) -> VendorListing {
        VendorListing {
            vendor_id,
            chosen_code: chosen_code.into(),
            store_name: store_name.into(),
        }
    }

    fn codes(listings: &[VendorListing]) -> Vec<(u64, String)> {
        directory(listings)
            .into_iter()
            .map(|e| (e.vendor_id, e.code))
            .collect()
    }

    #[test]
    fn an_escaped_store_name_gives_the_code_and_name_a_customer_writes() {
        let entries = directory(&[listing(7, "", "Bolt &amp; Co Gadgets")]);
        assert_eq!(entries[0].code, "BOLTCOGADGETS");
        assert_eq!(entries[0].store_name, "Bolt & Co Gadgets");
        assert_eq!(
            code_from_name("Café Ünïcode &#8211; Straße"),
            "CAFEUNICODESTRAE"
        );

        let lookup = |_: &str| None;
        struct NoCatalog<F: Fn(&str) -> Option<u64>>(F);
        impl<F: Fn(&str) -> Option<u64>> Lookup for NoCatalog<F> {
            fn vendor_of_retailer_id(&self, retailer_id: &str) -> Option<u64> {
                (self.0)(retailer_id)
            }
            fn recent_vendor(&self, _: &str, _: i64) -> Option<u64> {
                None
            }
        }
        let route = |body: &str| {
            let message = super::tests::text(body);
            let decision = decide(
                &message,
                &entries,
                &RoutingConfig::default(),
                &NoCatalog(lookup),
                10_000,
            );
            (
                decision.rule,
                decision
                    .targets
                    .iter()
                    .map(|t| t.vendor_id)
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            route("Hi #BOLTCOGADGETS, is it in stock?"),
            (Rule::VendorCode, vec![7])
        );
        assert_eq!(route("boltcogadgets"), (Rule::VendorCode, vec![7]));
        assert_eq!(
            route("A question for Bolt & Co Gadgets please"),
            (Rule::StoreName, vec![7])
        );
    }

    #[test]
    fn vendors_whose_names_reduce_to_one_code_get_different_codes() {
        let listed = [
            listing(31, "", "Bolt Co"),
            listing(12, "", "BOLT & CO"),
            listing(20, "", "bolt-co"),
        ];
        assert_eq!(
            codes(&listed),
            vec![
                (12, "BOLTCO".to_owned()),
                (20, "BOLTCO20".to_owned()),
                (31, "BOLTCO31".to_owned())
            ],
            "the lowest id keeps the plain code; the others carry their id"
        );
        let mut reversed = listed.clone();
        reversed.reverse();
        assert_eq!(
            codes(&reversed),
            codes(&listed),
            "the order listed does not matter"
        );
    }

    #[test]
    fn a_chosen_code_is_kept_and_wins_over_a_derived_one() {
        let listed = [
            listing(5, "", "Acme"),
            listing(9, "acme!", "Something Else"),
            listing(11, "ACME", "Third"),
        ];
        assert_eq!(
            codes(&listed),
            vec![
                (5, "ACME5".to_owned()),
                (9, "ACME".to_owned()),
                (11, "ACME11".to_owned())
            ]
        );
    }

    #[test]
    fn every_code_fits_and_no_vendor_is_left_without_one() {
        let long = "A Very Long Store Name That Goes On";
        let entries = directory(&[
            listing(1, "", long),
            listing(123_456, "", long),
            listing(3, "", "متجر"),
            listing(3, "", "listed twice"),
        ]);
        let codes: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            vec!["AVERYLONGSTORENAMETH", "V3", "AVERYLONGSTORE123456"]
        );
        assert!(codes.iter().all(|c| c.len() <= MAX_CODE));
    }

    #[test]
    fn a_suffixed_code_that_is_taken_tries_again() {
        let entries = directory(&[
            listing(1, "", "Bolt"),
            listing(2, "BOLT7", "Other"),
            listing(7, "", "Bolt"),
        ]);
        let codes: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, vec!["BOLT", "BOLT7", "BOLT7X2"]);
    }
}
