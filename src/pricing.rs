//! What outbound messages cost: each message's pricing category as WhatsApp bills it
//! (per message since July 2025), the admin's rate card, and a vendor's month in
//! messages and estimated cost.
//!
//! WhatsApp's status webhooks say how a message was billed (`pricing {billable,
//! pricing_model, category, type}`) but never what it cost: the price comes from the
//! rate card the admin enters (see `docs/whatsapp-contracts.md`, "Per-message
//! pricing"). A message is classified when it is sent, from what the core knows (the
//! template's category, or a free-form message inside the customer-service window),
//! and the status's `pricing` replaces that guess when it arrives.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::templates::Category;

/// One million micro-units make one unit of the currency: prices are whole numbers so
/// sums are exact.
pub const MICROS_PER_UNIT: i64 = 1_000_000;

/// A pricing category as status webhooks name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PricingCategory {
    /// Marketing templates.
    Marketing,
    /// Marketing templates sent through the Marketing Messages API.
    MarketingLite,
    /// Utility templates.
    Utility,
    /// Authentication templates.
    Authentication,
    /// Authentication templates to some countries, at their own rate.
    AuthenticationInternational,
    /// Free-form (non-template) messages.
    Service,
    /// Messages of a free entry point conversation (click-to-WhatsApp ads).
    ReferralConversion,
}

impl PricingCategory {
    /// Every category, in the order forms and reports list them.
    pub const ALL: [PricingCategory; 7] = [
        PricingCategory::Marketing,
        PricingCategory::MarketingLite,
        PricingCategory::Utility,
        PricingCategory::Authentication,
        PricingCategory::AuthenticationInternational,
        PricingCategory::Service,
        PricingCategory::ReferralConversion,
    ];

    /// The webhook's spelling, also the stored one.
    pub fn as_str(self) -> &'static str {
        match self {
            PricingCategory::Marketing => "marketing",
            PricingCategory::MarketingLite => "marketing_lite",
            PricingCategory::Utility => "utility",
            PricingCategory::Authentication => "authentication",
            PricingCategory::AuthenticationInternational => "authentication_international",
            PricingCategory::Service => "service",
            PricingCategory::ReferralConversion => "referral_conversion",
        }
    }

    /// Reads the webhook's spelling (any case); `None` for a category this build does
    /// not know (kept as text, priced at 0).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }

    /// The category a message is billed under when it is sent: a template's own
    /// category, and `service` for anything else (free-form messages may only go
    /// inside the customer-service window). A template whose category is not known
    /// counts as marketing, the dearest, so a cost cap is never passed by a guess; its
    /// status corrects it.
    pub fn at_send(template: Option<Option<Category>>) -> Self {
        match template {
            None => PricingCategory::Service,
            Some(Some(Category::Utility)) => PricingCategory::Utility,
            Some(Some(Category::Authentication)) => PricingCategory::Authentication,
            Some(Some(Category::Marketing)) | Some(None) => PricingCategory::Marketing,
        }
    }
}

/// How a status webhook says a message was billed (`statuses[].pricing`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Pricing {
    /// `category`, as sent.
    pub category: Option<String>,
    /// `billable`.
    pub billable: Option<bool>,
    /// `type`: `regular`, `free_customer_service`, `free_entry_point`.
    pub pricing_type: Option<String>,
    /// `pricing_model`: `PMP` (per message), `CBP` before July 2025.
    pub pricing_model: Option<String>,
}

impl Pricing {
    /// Whether the status carried any pricing at all.
    pub fn is_empty(&self) -> bool {
        self.category.is_none() && self.billable.is_none() && self.pricing_type.is_none()
    }
}

/// Whether a message is free whatever the rate card says: WhatsApp said it is not
/// billable, or that it went inside a free window. A message whose status has not
/// said yet is charged (estimates err on the dear side).
pub fn is_free(billable: Option<bool>, pricing_type: Option<&str>) -> bool {
    billable == Some(false)
        || matches!(
            pricing_type,
            Some("free_customer_service" | "free_entry_point")
        )
}

/// The admin's prices per message, by category, in micro-units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateCard {
    /// ISO 4217 code.
    pub currency: String,
    /// Price per category; a category without one costs 0.
    pub prices: BTreeMap<PricingCategory, i64>,
}

impl Default for RateCard {
    /// No prices: every message costs 0 (the admin has not entered a rate card).
    fn default() -> Self {
        Self {
            currency: "USD".to_owned(),
            prices: BTreeMap::new(),
        }
    }
}

impl RateCard {
    /// The price of one message of `category` (the stored spelling), 0 when the card
    /// has none or the category is unknown.
    pub fn price(&self, category: Option<&str>) -> i64 {
        category
            .and_then(PricingCategory::parse)
            .and_then(|c| self.prices.get(&c).copied())
            .unwrap_or(0)
    }

    /// What `count` messages of `category` cost, free ones excluded by the caller.
    pub fn cost(&self, category: Option<&str>, count: u64) -> i64 {
        self.price(category)
            .saturating_mul(i64::try_from(count).unwrap_or(i64::MAX))
    }

    /// `micros` of this card's currency as text ([`format_amount`]).
    pub fn format(&self, micros: i64) -> String {
        format_amount(micros, &self.currency)
    }
}

/// `micros` of `currency` as `12.50 EUR`: at least two decimals, more only when the
/// amount has them (prices of a few hundredths of a cent exist).
pub fn format_amount(micros: i64, currency: &str) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    let units = abs / MICROS_PER_UNIT as u64;
    let fraction = format!("{:06}", abs % MICROS_PER_UNIT as u64);
    let fraction = fraction.trim_end_matches('0');
    let fraction = format!("{fraction:0<2}");
    format!("{sign}{units}.{fraction} {currency}")
}

/// Outbound messages of one category (and how WhatsApp billed them) as the store counts
/// them: the rows of [`crate::store`]'s month queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCount {
    /// The vendor.
    pub vendor_id: u64,
    /// The stored category (`None`: sent before messages were classified).
    pub category: Option<String>,
    /// Whether these messages are free ([`is_free`]).
    pub free: bool,
    /// How many.
    pub count: u64,
}

/// One category of a month's usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryUsage {
    /// The category (`unclassified` for messages sent before classification).
    pub category: String,
    /// Messages sent.
    pub messages: u64,
    /// Of which billable (or not yet said free by a status: see [`is_free`]).
    pub billable: u64,
    /// Estimated cost, micro-units.
    pub cost_micros: i64,
}

/// A vendor's calendar month (UTC) of outbound messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthUsage {
    /// The vendor.
    pub vendor_id: u64,
    /// First second of the month (Unix).
    pub month_start: i64,
    /// First second of the next month.
    pub next_month: i64,
    /// Messages sent.
    pub messages: u64,
    /// Of which billable.
    pub billable: u64,
    /// Estimated cost, micro-units of `currency`.
    pub cost_micros: i64,
    /// The rate card's currency.
    pub currency: String,
    /// By category, in [`PricingCategory::ALL`] order (unknown spellings after).
    pub categories: Vec<CategoryUsage>,
}

/// The category the report files a stored category under.
const UNCLASSIFIED: &str = "unclassified";

/// Sums `rows` (all of one vendor) into a month at the rate card's prices.
pub fn month_usage(
    vendor_id: u64,
    (month_start, next_month): (i64, i64),
    rows: &[CategoryCount],
    card: &RateCard,
) -> MonthUsage {
    let mut by_category: BTreeMap<(usize, String), CategoryUsage> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.vendor_id == vendor_id) {
        let name = row.category.clone().unwrap_or_else(|| UNCLASSIFIED.into());
        let order = PricingCategory::parse(&name)
            .and_then(|c| PricingCategory::ALL.iter().position(|a| *a == c))
            .unwrap_or(PricingCategory::ALL.len());
        let entry = by_category
            .entry((order, name.clone()))
            .or_insert_with(|| CategoryUsage {
                category: name,
                messages: 0,
                billable: 0,
                cost_micros: 0,
            });
        entry.messages += row.count;
        if !row.free {
            entry.billable += row.count;
            entry.cost_micros = entry
                .cost_micros
                .saturating_add(card.cost(row.category.as_deref(), row.count));
        }
    }
    let categories: Vec<CategoryUsage> = by_category.into_values().collect();
    MonthUsage {
        vendor_id,
        month_start,
        next_month,
        messages: categories.iter().map(|c| c.messages).sum(),
        billable: categories.iter().map(|c| c.billable).sum(),
        cost_micros: categories
            .iter()
            .fold(0i64, |sum, c| sum.saturating_add(c.cost_micros)),
        currency: card.currency.clone(),
        categories,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> RateCard {
        RateCard {
            currency: "EUR".into(),
            prices: BTreeMap::from([
                (PricingCategory::Marketing, 61_000),
                (PricingCategory::Utility, 20_000),
                (PricingCategory::Authentication, 30_000),
                (PricingCategory::Service, 0),
            ]),
        }
    }

    #[test]
    fn sends_are_classified_from_what_the_core_knows() {
        assert_eq!(PricingCategory::at_send(None), PricingCategory::Service);
        assert_eq!(
            PricingCategory::at_send(Some(Some(Category::Utility))),
            PricingCategory::Utility
        );
        assert_eq!(
            PricingCategory::at_send(Some(Some(Category::Authentication))),
            PricingCategory::Authentication
        );
        assert_eq!(
            PricingCategory::at_send(Some(Some(Category::Marketing))),
            PricingCategory::Marketing
        );
        // Unknown template category: the dearest, until the status says.
        assert_eq!(
            PricingCategory::at_send(Some(None)),
            PricingCategory::Marketing
        );
    }

    #[test]
    fn categories_read_the_webhook_spelling() {
        for c in PricingCategory::ALL {
            assert_eq!(PricingCategory::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            PricingCategory::parse("MARKETING_LITE"),
            Some(PricingCategory::MarketingLite)
        );
        assert_eq!(PricingCategory::parse("agent"), None);
    }

    #[test]
    fn free_messages_cost_nothing() {
        assert!(is_free(Some(false), Some("regular")));
        assert!(is_free(Some(true), Some("free_customer_service")));
        assert!(is_free(None, Some("free_entry_point")));
        assert!(!is_free(Some(true), Some("regular")));
        // Not said yet: charged.
        assert!(!is_free(None, None));
    }

    #[test]
    fn a_month_sums_counts_and_costs_by_category() {
        let rows = vec![
            CategoryCount {
                vendor_id: 7,
                category: Some("marketing".into()),
                free: false,
                count: 3,
            },
            CategoryCount {
                vendor_id: 7,
                category: Some("utility".into()),
                free: true,
                count: 2,
            },
            CategoryCount {
                vendor_id: 7,
                category: Some("utility".into()),
                free: false,
                count: 1,
            },
            CategoryCount {
                vendor_id: 7,
                category: Some("service".into()),
                free: true,
                count: 5,
            },
            CategoryCount {
                vendor_id: 7,
                category: None,
                free: false,
                count: 4,
            },
            CategoryCount {
                vendor_id: 8,
                category: Some("marketing".into()),
                free: false,
                count: 100,
            },
        ];
        let month = month_usage(7, (100, 200), &rows, &card());
        assert_eq!(month.messages, 15);
        assert_eq!(month.billable, 8);
        assert_eq!(month.cost_micros, 3 * 61_000 + 20_000);
        assert_eq!(month.currency, "EUR");
        let names: Vec<&str> = month
            .categories
            .iter()
            .map(|c| c.category.as_str())
            .collect();
        assert_eq!(names, ["marketing", "utility", "service", "unclassified"]);
        assert_eq!(month.categories[1].messages, 3);
        assert_eq!(month.categories[1].billable, 1);
        assert_eq!(month.categories[1].cost_micros, 20_000);
        assert_eq!(month.categories[3].cost_micros, 0);
    }

    #[test]
    fn amounts_are_written_with_their_currency() {
        assert_eq!(format_amount(12_500_000, "EUR"), "12.50 EUR");
        assert_eq!(format_amount(61_000, "EUR"), "0.061 EUR");
        assert_eq!(format_amount(0, "USD"), "0.00 USD");
        assert_eq!(format_amount(1_000_001, "USD"), "1.000001 USD");
        assert_eq!(card().cost(Some("marketing"), 2), 122_000);
        assert_eq!(card().cost(Some("agent"), 2), 0);
        assert_eq!(card().cost(None, 2), 0);
    }
}
