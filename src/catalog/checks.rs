//! The dashboard's catalog checks, kept per product: each product's verdict (ready,
//! needs attention with its problems, not listed) is stored when the product changes,
//! so that showing a vendor's catalog reads counts from the store instead of reading
//! and validating every product on every view. A whole pass (first view, or the
//! catalog rules changed) is recorded with the rules it was made under.

use serde::Serialize;

use super::{Listing, Problem, Product, Rules, prepare, retailer_id};
use crate::store::{Store, StoreError};

/// Most "needs attention" entries one read returns.
pub const MAX_ATTENTION: u32 = 500;

/// A product's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Listable as it is.
    Ready,
    /// The vendor must fix something first.
    Invalid,
    /// Not a catalog item (a variable product's parent, a draft).
    NotListed,
}

impl CheckStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ready => "ready",
            CheckStatus::Invalid => "invalid",
            CheckStatus::NotListed => "not_listed",
        }
    }

    /// The status a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "ready" => Some(CheckStatus::Ready),
            "invalid" => Some(CheckStatus::Invalid),
            "not_listed" => Some(CheckStatus::NotListed),
            _ => None,
        }
    }
}

/// One product's stored verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Product (or variation) post id.
    pub product_id: u64,
    /// The product a change is recorded under: the variable product for a
    /// variation, the product itself otherwise.
    pub parent_id: u64,
    /// Its retailer id.
    pub retailer_id: String,
    /// The verdict.
    pub status: CheckStatus,
    /// Why it needs attention (empty unless invalid), as codes the plugin words.
    pub problems: Vec<Problem>,
}

/// A vendor's checked catalog at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedCatalog {
    /// Products ready to list.
    pub ready: u64,
    /// Products that need the vendor's attention.
    pub needs_attention: u64,
    /// The first of those (by product id), with their problems.
    pub attention: Vec<Check>,
}

/// The verdict on one product under `rules` at `now`.
pub fn check(product: &Product, rules: &Rules, now: i64) -> Check {
    let (status, problems) = match prepare(product, rules, now) {
        Listing::Item(_) => (CheckStatus::Ready, Vec::new()),
        Listing::Invalid(found) => (CheckStatus::Invalid, found),
        Listing::NotListed(_) => (CheckStatus::NotListed, Vec::new()),
    };
    Check {
        product_id: product.id,
        parent_id: product.parent_id.unwrap_or(product.id),
        retailer_id: retailer_id(product),
        status,
        problems,
    }
}

/// Which stored checks new ones replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The vendor's whole catalog, checked under the rules named `rules_key`.
    Whole {
        /// What the rules were (the plugin's fingerprint of them).
        rules_key: &'a str,
    },
    /// These products (and their variations) only: they changed, or are gone.
    Products(&'a [u64]),
}

/// Checks `products` of `vendor_id` and stores the verdicts in place of the ones
/// `scope` names. Returns the verdicts.
pub fn record(
    store: &Store,
    vendor_id: u64,
    products: &[Product],
    rules: &Rules,
    scope: Scope<'_>,
    now: i64,
) -> Result<Vec<Check>, StoreError> {
    let checks: Vec<Check> = products
        .iter()
        .filter(|p| p.vendor_id == vendor_id)
        .map(|p| check(p, rules, now))
        .collect();
    store.catalog_checks_record(vendor_id, &checks, &scope, now)?;
    Ok(checks)
}

/// The vendor's stored verdicts when a whole pass under `rules_key` was made; `None`
/// when none was (never, or under other rules): the caller makes one.
pub fn checked(
    store: &Store,
    vendor_id: u64,
    rules_key: &str,
    limit: u32,
) -> Result<Option<CheckedCatalog>, StoreError> {
    store.catalog_checks_read(vendor_id, rules_key, limit.min(MAX_ATTENTION))
}

/// Forgets the vendor's stored checks and their whole pass. Returns whether there were any.
pub fn forget(store: &Store, vendor_id: u64) -> Result<bool, StoreError> {
    store.catalog_checks_forget(vendor_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: u64, vendor_id: u64, price: Option<&str>) -> Product {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "vendor_id": vendor_id,
            "product_type": "simple",
            "status": "publish",
            "title": format!("Product {id}"),
            "description": "A fine product.",
            "price": price,
            "regular_price": price,
            "stock_status": "instock",
            "permalink": format!("https://shop.example/p/{id}"),
            "image": {"url": format!("https://shop.example/{id}.png"), "mime": "image/png", "bytes": 1000},
        }))
        .unwrap()
    }

    #[test]
    fn a_whole_pass_then_changed_products_keep_the_counts() {
        let store = Store::open_in_memory().unwrap();
        let rules = Rules::default();
        let now = 1_800_000_000;
        assert_eq!(checked(&store, 5, "r1", 10).unwrap(), None, "never checked");

        let products: Vec<Product> = (1..=10)
            .map(|id| product(id, 5, if id <= 7 { Some("9.50") } else { None }))
            .chain([product(99, 6, Some("1.00"))])
            .collect();
        let checks = record(
            &store,
            5,
            &products,
            &rules,
            Scope::Whole { rules_key: "r1" },
            now,
        )
        .unwrap();
        assert_eq!(
            checks.len(),
            10,
            "another vendor's product is not theirs to check"
        );
        let seen = checked(&store, 5, "r1", 10).unwrap().unwrap();
        assert_eq!((seen.ready, seen.needs_attention), (7, 3));
        assert_eq!(
            seen.attention
                .iter()
                .map(|c| c.product_id)
                .collect::<Vec<_>>(),
            vec![8, 9, 10]
        );
        assert_eq!(seen.attention[0].problems[0].code(), "missing_price");
        assert_eq!(
            checked(&store, 5, "r2", 10).unwrap(),
            None,
            "other rules: a new pass"
        );

        // Product 8 got its price, product 3 was deleted: only they are checked again.
        record(
            &store,
            5,
            &[product(8, 5, Some("2.00"))],
            &rules,
            Scope::Products(&[8, 3]),
            now,
        )
        .unwrap();
        let seen = checked(&store, 5, "r1", 1).unwrap().unwrap();
        assert_eq!((seen.ready, seen.needs_attention), (7, 2));
        assert_eq!(seen.attention.len(), 1, "limited");

        // A whole pass replaces everything the vendor had.
        record(
            &store,
            5,
            &products[..2],
            &rules,
            Scope::Whole { rules_key: "r2" },
            now,
        )
        .unwrap();
        let seen = checked(&store, 5, "r2", 10).unwrap().unwrap();
        assert_eq!((seen.ready, seen.needs_attention), (2, 0));
        assert_eq!(checked(&store, 5, "r1", 10).unwrap(), None);

        assert!(forget(&store, 5).unwrap());
        assert_eq!(checked(&store, 5, "r2", 10).unwrap(), None, "forgotten");
        assert!(!forget(&store, 5).unwrap());
    }
}
