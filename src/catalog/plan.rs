//! The catalog plan as a pure function: from what the catalog was last sent for a vendor
//! ([`Known`]) and the vendor's products now, the item records to write and the changes
//! to send. No store and no network: [`diff`] is tested on its own, like
//! [`crate::routing::decide`]; [`super::sync::plan`] reads the known state from the store,
//! calls it and writes its result back in one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::{Value, json};

use super::{Listing, Problem, Product, Rules, content_hash, prepare, retailer_id};

/// Where one catalog item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// A change is queued or sent and not yet answered.
    Pending,
    /// In the catalog as last planned.
    Synced,
    /// Our own checks refuse it; the vendor must fix the product.
    Invalid,
    /// The API refused it.
    Rejected,
    /// Its removal is queued or sent.
    Deleting,
}

/// What one change asks the catalog API to do (the `method` of an `items_batch`
/// request, in the API's own words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum OpMethod {
    /// A new item.
    #[serde(rename = "CREATE")]
    Create,
    /// A changed item.
    #[serde(rename = "UPDATE")]
    Update,
    /// An item to remove.
    #[serde(rename = "DELETE")]
    Delete,
}

impl OpMethod {
    /// The API's word for the method.
    pub fn as_str(self) -> &'static str {
        match self {
            OpMethod::Create => "CREATE",
            OpMethod::Update => "UPDATE",
            OpMethod::Delete => "DELETE",
        }
    }
}

/// What the store holds for one of the vendor's catalog items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownItem {
    /// The WordPress post id it was recorded for.
    pub product_id: u64,
    /// Content hash of what the catalog was last sent, `None` if it never was.
    pub sent_hash: Option<String>,
    /// Where the item stands.
    pub state: ItemState,
}

/// The stored state a plan starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// The vendor the plan is for.
    pub vendor_id: u64,
    /// The vendor's items in the catalog, by retailer id.
    pub items: BTreeMap<String, KnownItem>,
    /// Retailer ids of the vendor's products that another vendor's item holds in the
    /// same catalog, with the product id recorded there.
    pub held_elsewhere: HashMap<String, u64>,
}

/// One write to the vendor's item records, applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemWrite {
    /// Records the item (taking over a row another vendor held for the same product).
    Upsert {
        /// Retailer id.
        retailer_id: String,
        /// WordPress post id.
        product_id: u64,
        /// Its new state.
        state: ItemState,
        /// Messages for the vendor (empty unless invalid).
        problems: Vec<String>,
        /// Content hash of the change queued, if one is.
        want_hash: Option<String>,
    },
    /// The item leaves the catalog: its removal is queued.
    MarkDeleting {
        /// Retailer id.
        retailer_id: String,
    },
    /// The item was never sent: its record simply goes.
    Forget {
        /// Retailer id.
        retailer_id: String,
    },
}

/// One change to send.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOp {
    /// Retailer id.
    pub retailer_id: String,
    /// What to do.
    pub method: OpMethod,
    /// The request's `data`.
    pub data: Value,
    /// Content hash of the item sent (not for deletes).
    pub hash: Option<String>,
}

/// A product the plan left out, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// The product belongs to another vendor (a reader bug must never put it in this
    /// vendor's batch).
    OtherVendor {
        /// WordPress post id.
        product_id: u64,
        /// The vendor it belongs to.
        owner: u64,
    },
    /// Another vendor already lists the SKU.
    SkuTaken {
        /// WordPress post id.
        product_id: u64,
        /// The SKU's retailer id.
        retailer_id: String,
    },
}

/// What a sync must change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Item record writes, in order.
    pub writes: Vec<ItemWrite>,
    /// Changes to send: deletes first (an old SKU goes before a create may reuse it),
    /// then by retailer id.
    pub ops: Vec<PlannedOp>,
    /// Products left out, and why.
    pub skipped: Vec<Skipped>,
}

/// What the vendor is told when two of their products share a SKU.
const DUPLICATE_SKU: &str =
    "Another of your products has the same SKU; give each product its own SKU.";

/// Compares `products` (the vendor's products now) with `known` and returns the item
/// writes and the changes that bring the catalog in line: creates for new items,
/// updates for changed ones (by content hash), deletes for products removed,
/// unpublished, made invalid or moved to another vendor. `now` decides scheduled sales.
pub fn diff(known: &Known, products: &[Product], rules: &Rules, now: i64) -> Plan {
    let mut plan = Plan::default();
    let mut listed: HashSet<String> = HashSet::new();
    let was_sent = |rid: &str| {
        known
            .items
            .get(rid)
            .is_some_and(|item| item.sent_hash.is_some())
    };
    for product in products {
        if product.vendor_id != known.vendor_id {
            plan.skipped.push(Skipped::OtherVendor {
                product_id: product.id,
                owner: product.vendor_id,
            });
            continue;
        }
        let rid = retailer_id(product);
        let listing = prepare(product, rules, now);
        if matches!(listing, Listing::NotListed(_)) {
            continue;
        }
        if !listed.insert(rid.clone()) {
            plan.writes.push(ItemWrite::Upsert {
                retailer_id: rid,
                product_id: product.id,
                state: ItemState::Invalid,
                problems: vec![DUPLICATE_SKU.to_owned()],
                want_hash: None,
            });
            continue;
        }
        // The same product moved to this vendor takes the other row over.
        if known
            .held_elsewhere
            .get(&rid)
            .is_some_and(|other_product| *other_product != product.id)
        {
            listed.remove(&rid);
            plan.skipped.push(Skipped::SkuTaken {
                product_id: product.id,
                retailer_id: rid,
            });
            continue;
        }
        match listing {
            Listing::Item(item) => {
                let hash = content_hash(&item);
                let unchanged = known.items.get(&rid).is_some_and(|k| {
                    k.sent_hash.as_deref() == Some(hash.as_str()) && k.state == ItemState::Synced
                });
                if unchanged {
                    continue;
                }
                let method = if was_sent(&rid) {
                    OpMethod::Update
                } else {
                    OpMethod::Create
                };
                plan.writes.push(ItemWrite::Upsert {
                    retailer_id: rid.clone(),
                    product_id: product.id,
                    state: ItemState::Pending,
                    problems: Vec::new(),
                    want_hash: Some(hash.clone()),
                });
                plan.ops.push(PlannedOp {
                    retailer_id: rid,
                    method,
                    data: serde_json::to_value(&*item).unwrap_or_default(),
                    hash: Some(hash),
                });
            }
            Listing::Invalid(problems) => {
                let in_catalog = was_sent(&rid);
                plan.writes.push(ItemWrite::Upsert {
                    retailer_id: rid.clone(),
                    product_id: product.id,
                    state: ItemState::Invalid,
                    problems: problems.iter().map(Problem::message).collect(),
                    want_hash: None,
                });
                if in_catalog {
                    plan.ops.push(PlannedOp {
                        data: json!({"id": rid}),
                        retailer_id: rid,
                        method: OpMethod::Delete,
                        hash: None,
                    });
                }
            }
            Listing::NotListed(_) => {}
        }
    }
    // Whatever the catalog holds for this vendor that is no longer listed goes.
    for (rid, item) in &known.items {
        if listed.contains(rid) {
            continue;
        }
        if item.sent_hash.is_some() {
            plan.writes.push(ItemWrite::MarkDeleting {
                retailer_id: rid.clone(),
            });
            plan.ops.push(PlannedOp {
                retailer_id: rid.clone(),
                method: OpMethod::Delete,
                data: json!({"id": rid}),
                hash: None,
            });
        } else {
            plan.writes.push(ItemWrite::Forget {
                retailer_id: rid.clone(),
            });
        }
    }
    plan.ops.sort_by(|a, b| {
        (a.method != OpMethod::Delete, &a.retailer_id)
            .cmp(&(b.method != OpMethod::Delete, &b.retailer_id))
    });
    plan
}
