//! The product normalizer (`Wpwa\catalog_check()`, catalog sync): any JSON that reads
//! as a [`wpwa::catalog::Product`] is listed, refused with problems, or not listed, by
//! [`wpwa::catalog::prepare`], never a panic.
//!
//! Invariants: a product survives its own JSON round trip; a catalog item keeps the
//! catalog's limits (retailer id, title and description lengths), a sale price below
//! the price, and survives the round trip the `items_batch` request gives it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wpwa::catalog::{self, CatalogItem, Listing, Product, Rules};

/// Moments around the samples' sale windows and the ends of time.
const NOWS: [i64; 4] = [0, 1_700_000_000, 1_800_000_000, i64::MAX];

fuzz_target!(|data: &[u8]| {
    let Ok(product) = serde_json::from_slice::<Product>(data) else {
        return;
    };
    let json = serde_json::to_vec(&product).expect("a product serializes");
    let back: Product = serde_json::from_slice(&json).expect("a product reads back");
    assert_eq!(back, product, "a product changes in its JSON round trip");

    let rules = Rules {
        default_brand: "Acme &amp; Co".into(),
        ..Rules::default()
    };
    for now in NOWS {
        let _ = catalog::checks::check(&product, &rules, now);
        if let Some(at) = catalog::next_price_change(&product, now) {
            assert!(at > now, "the next price change {at} is not after {now}");
        }
        let Listing::Item(item) = catalog::prepare(&product, &rules, now) else {
            continue;
        };
        assert!(item.id.chars().count() <= catalog::MAX_RETAILER_ID);
        assert!(item.title.chars().count() <= 200);
        assert!(item.description.chars().count() <= catalog::MAX_DESCRIPTION);
        assert!(!item.title.is_empty() && !item.description.is_empty());
        if let Some(sale) = &item.sale_price {
            assert_ne!(sale, &item.price, "a sale at the list price");
        }
        if let Some(id) = catalog::product_id_of(&item.id) {
            assert!(
                id == product.id || product.sku.is_some(),
                "{} names {id}",
                item.id
            );
        }
        let json = serde_json::to_vec(&item).expect("an item serializes");
        let back: CatalogItem = serde_json::from_slice(&json).expect("an item reads back");
        // No sale is sent as "" (see CatalogItem::sale_price), which reads back as Some("").
        let back = CatalogItem {
            sale_price: back.sale_price.filter(|s| !s.is_empty()),
            ..back
        };
        assert_eq!(&back, &*item, "an item changes in its JSON round trip");
        assert_eq!(catalog::content_hash(&back), catalog::content_hash(&item));
    }
});
