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
        /// What is wrong, as codes the plugin words (empty unless invalid).
        problems: Vec<Problem>,
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
    /// Another of the vendor's products, not changed since the last sync, lists the
    /// SKU.
    SkuHeld {
        /// WordPress post id.
        product_id: u64,
        /// The SKU's retailer id.
        retailer_id: String,
        /// The product that lists it.
        holder: u64,
    },
}

/// Which of the vendor's products a plan's products stand for.
#[derive(Debug, Clone, Copy)]
pub enum Coverage<'a> {
    /// Every product, but those in `unchanged` (products and variations, by their own
    /// post id) were not read: nothing about them changed since the catalog got them.
    All {
        /// Products not read.
        unchanged: &'a HashSet<u64>,
    },
    /// Only these products changed (variations by their own id too); the rest were not
    /// read.
    Only(&'a [u64]),
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

/// Compares `products` (the vendor's products now) with `known` and returns the item
/// writes and the changes that bring the catalog in line: creates for new items,
/// updates for changed ones (by content hash), deletes for products removed,
/// unpublished, made invalid or moved to another vendor. `now` decides scheduled sales.
///
/// `coverage` says which of the vendor's products `products` stands for: all of them
/// but those not read because nothing about them changed, or only the changed ones.
/// The items of products not read are left as they are, and keep their SKU.
///
/// The same as a [`Planner`] given every product as one page, then closed.
pub fn diff(
    known: &Known,
    products: &[Product],
    coverage: &Coverage<'_>,
    rules: &Rules,
    now: i64,
) -> Plan {
    let (scope, unchanged): (Scope, Vec<u64>) = match coverage {
        Coverage::All { unchanged } => (Scope::All, unchanged.iter().copied().collect()),
        Coverage::Only(ids) => (Scope::Only(ids.iter().copied().collect()), Vec::new()),
    };
    let mut planner = Planner::new(known.clone(), scope, rules.clone(), now);
    let mut plan = planner.page(products, &unchanged, &HashMap::new());
    let closing = planner.close();
    plan.writes.extend(closing.writes);
    plan.ops.extend(closing.ops);
    plan.skipped.extend(closing.skipped);
    sort_ops(&mut plan.ops);
    plan
}

/// Which of the vendor's products a [`Planner`]'s pages stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every product; each page names those of its range left unread because nothing
    /// about them changed since the catalog got them.
    All,
    /// Only these products changed (variations by their own id too); the rest are not
    /// read.
    Only(HashSet<u64>),
}

/// A plan made page by page, so that a page's changes can be sent while the next page
/// is read. Its pages and its close together give what [`diff`] gives for all the
/// products at once: what is decided on the whole catalog (what the catalog holds and
/// no product listed any more, SKUs held by products further on) waits for the close.
#[derive(Debug, Clone)]
pub struct Planner {
    known: Known,
    scope: Scope,
    rules: Rules,
    now: i64,
    /// Retailer ids listed so far: the first product with a SKU lists it.
    listed: HashSet<String>,
    /// Products and variations read so far, by post id.
    read: HashSet<u64>,
    /// Of a plan of every product: those left unread so far.
    unchanged: HashSet<u64>,
    /// Products whose SKU an item of a product not reached yet holds, in reading order;
    /// planned at the close, when it is known whether that product was read.
    deferred: Vec<Product>,
    /// The SKUs of the deferred products: a later product with one of them waits too,
    /// so that the first in reading order still lists it.
    waiting: HashSet<String>,
    closing: bool,
}

impl Planner {
    /// A plan from `known` (without `held_elsewhere`: each page brings its own).
    pub fn new(known: Known, scope: Scope, rules: Rules, now: i64) -> Self {
        Self {
            known,
            scope,
            rules,
            now,
            listed: HashSet::new(),
            read: HashSet::new(),
            unchanged: HashSet::new(),
            deferred: Vec::new(),
            waiting: HashSet::new(),
            closing: false,
        }
    }

    /// The writes and changes of one page of `products`, in reading order; `unchanged`:
    /// the products (and variations) of the page's range a read of every product left
    /// unread; `held_elsewhere`: of the page's retailer ids, those another vendor's item
    /// holds in the same catalog, with its product id.
    pub fn page(
        &mut self,
        products: &[Product],
        unchanged: &[u64],
        held_elsewhere: &HashMap<String, u64>,
    ) -> Plan {
        self.unchanged.extend(unchanged);
        self.read.extend(products.iter().map(|p| p.id));
        self.known
            .held_elsewhere
            .extend(held_elsewhere.iter().map(|(rid, id)| (rid.clone(), *id)));
        let mut plan = Plan::default();
        for product in products {
            self.take(product, &mut plan);
        }
        sort_ops(&mut plan.ops);
        plan
    }

    /// The rest of the plan, once every page was read: the deferred products, then
    /// whatever the catalog holds for the vendor that no product lists any more.
    pub fn close(&mut self) -> Plan {
        self.closing = true;
        self.waiting.clear();
        let mut plan = Plan::default();
        for product in std::mem::take(&mut self.deferred) {
            self.take(&product, &mut plan);
        }
        for (rid, item) in &self.known.items {
            if self.listed.contains(rid) || self.not_read(item.product_id) {
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
        sort_ops(&mut plan.ops);
        plan
    }

    fn not_read(&self, product_id: u64) -> bool {
        match &self.scope {
            Scope::All => self.unchanged.contains(&product_id),
            Scope::Only(ids) => !ids.contains(&product_id) && !self.read.contains(&product_id),
        }
    }

    /// Whether it is known yet if `product_id` is read: at the close, or once it was
    /// read or named unchanged (or changed, for a plan of the changes).
    fn settled(&self, product_id: u64) -> bool {
        self.closing
            || self.read.contains(&product_id)
            || match &self.scope {
                Scope::All => self.unchanged.contains(&product_id),
                Scope::Only(ids) => ids.contains(&product_id),
            }
    }

    fn was_sent(&self, rid: &str) -> bool {
        self.known
            .items
            .get(rid)
            .is_some_and(|item| item.sent_hash.is_some())
    }

    fn take(&mut self, product: &Product, plan: &mut Plan) {
        if product.vendor_id != self.known.vendor_id {
            plan.skipped.push(Skipped::OtherVendor {
                product_id: product.id,
                owner: product.vendor_id,
            });
            return;
        }
        let rid = retailer_id(product);
        let listing = prepare(product, &self.rules, self.now);
        if matches!(listing, Listing::NotListed(_)) {
            return;
        }
        // The product an item holding the SKU belongs to, if another.
        let holder = self
            .known
            .items
            .get(&rid)
            .map(|k| k.product_id)
            .filter(|holder| *holder != product.id);
        if self.waiting.contains(&rid) || holder.is_some_and(|h| !self.settled(h)) {
            self.waiting.insert(rid);
            self.deferred.push(product.clone());
            return;
        }
        if let Some(holder) = holder.filter(|h| self.not_read(*h)) {
            plan.skipped.push(Skipped::SkuHeld {
                product_id: product.id,
                retailer_id: rid,
                holder,
            });
            return;
        }
        if !self.listed.insert(rid.clone()) {
            plan.writes.push(ItemWrite::Upsert {
                retailer_id: rid,
                product_id: product.id,
                state: ItemState::Invalid,
                problems: vec![Problem::DuplicateSku],
                want_hash: None,
            });
            return;
        }
        // The same product moved to this vendor takes the other row over.
        if self
            .known
            .held_elsewhere
            .get(&rid)
            .is_some_and(|other_product| *other_product != product.id)
        {
            self.listed.remove(&rid);
            plan.skipped.push(Skipped::SkuTaken {
                product_id: product.id,
                retailer_id: rid,
            });
            return;
        }
        match listing {
            Listing::Item(item) => {
                let hash = content_hash(&item);
                let unchanged = self.known.items.get(&rid).is_some_and(|k| {
                    k.sent_hash.as_deref() == Some(hash.as_str()) && k.state == ItemState::Synced
                });
                if unchanged {
                    return;
                }
                let method = if self.was_sent(&rid) {
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
                let in_catalog = self.was_sent(&rid);
                plan.writes.push(ItemWrite::Upsert {
                    retailer_id: rid.clone(),
                    product_id: product.id,
                    state: ItemState::Invalid,
                    problems,
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
}

/// Deletes first (an old SKU goes before a create may reuse it), then by retailer id.
fn sort_ops(ops: &mut [PlannedOp]) {
    ops.sort_by(|a, b| {
        (a.method != OpMethod::Delete, &a.retailer_id)
            .cmp(&(b.method != OpMethod::Delete, &b.retailer_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Image;

    const VENDOR: u64 = 5;
    const NOW: i64 = 1_780_272_000;

    fn product(id: u64) -> Product {
        Product {
            id,
            vendor_id: VENDOR,
            product_type: "simple".into(),
            parent_id: None,
            status: "publish".into(),
            visibility: None,
            sku: None,
            title: format!("Product {id}"),
            description: "A fine product.".into(),
            short_description: String::new(),
            price: Some("10".into()),
            regular_price: Some("10".into()),
            sale_price: None,
            stock_status: Some("instock".into()),
            manage_stock: false,
            stock_quantity: None,
            image: Some(Image {
                url: format!("http://127.0.0.1/{id}.png"),
                mime: "image/png".into(),
                bytes: Some(1000),
            }),
            permalink: format!("http://127.0.0.1/p/{id}"),
            brand: None,
            sale_from: None,
            sale_to: None,
        }
    }

    fn hash_of(product: &Product) -> String {
        match prepare(product, &Rules::default(), NOW) {
            Listing::Item(item) => content_hash(&item),
            other => panic!("not listable: {other:?}"),
        }
    }

    /// What the catalog holds after `products` were synced.
    fn synced(products: &[Product]) -> Known {
        Known {
            vendor_id: VENDOR,
            items: products
                .iter()
                .map(|p| {
                    let item = KnownItem {
                        product_id: p.id,
                        sent_hash: Some(hash_of(p)),
                        state: ItemState::Synced,
                    };
                    (retailer_id(p), item)
                })
                .collect(),
            held_elsewhere: HashMap::new(),
        }
    }

    fn methods(plan: &Plan) -> Vec<(OpMethod, &str)> {
        plan.ops
            .iter()
            .map(|op| (op.method, op.retailer_id.as_str()))
            .collect()
    }

    fn diff_now(known: &Known, products: &[Product]) -> Plan {
        diff(
            known,
            products,
            &Coverage::All {
                unchanged: &HashSet::new(),
            },
            &Rules::default(),
            NOW,
        )
    }

    #[test]
    fn new_products_are_created_and_recorded_pending() {
        let known = Known {
            vendor_id: VENDOR,
            ..Known::default()
        };
        let plan = diff_now(&known, &[product(2), product(1)]);
        assert_eq!(
            methods(&plan),
            vec![(OpMethod::Create, "wc_1"), (OpMethod::Create, "wc_2")]
        );
        assert_eq!(plan.ops[0].hash, Some(hash_of(&product(1))));
        assert_eq!(plan.ops[0].data["id"], "wc_1");
        assert_eq!(
            plan.writes[0],
            ItemWrite::Upsert {
                retailer_id: "wc_2".into(),
                product_id: 2,
                state: ItemState::Pending,
                problems: Vec::new(),
                want_hash: Some(hash_of(&product(2))),
            }
        );
        assert!(plan.skipped.is_empty());
    }

    #[test]
    fn an_unchanged_synced_product_plans_nothing_and_a_changed_one_an_update() {
        let mut products = vec![product(1), product(2)];
        let known = synced(&products);
        let nothing = diff_now(&known, &products);
        assert_eq!(nothing, Plan::default());

        products[1].regular_price = Some("12".into());
        let plan = diff_now(&known, &products);
        assert_eq!(methods(&plan), vec![(OpMethod::Update, "wc_2")]);
        assert_eq!(plan.writes.len(), 1);
    }

    #[test]
    fn a_product_sent_but_not_yet_confirmed_is_sent_again() {
        let products = vec![product(1)];
        let mut known = synced(&products);
        known.items.get_mut("wc_1").unwrap().state = ItemState::Pending;
        assert_eq!(
            methods(&diff_now(&known, &products)),
            vec![(OpMethod::Update, "wc_1")]
        );
    }

    #[test]
    fn removed_products_are_deleted_if_sent_and_forgotten_if_not() {
        let mut known = synced(&[product(1), product(2)]);
        known.items.insert(
            "wc_3".into(),
            KnownItem {
                product_id: 3,
                sent_hash: None,
                state: ItemState::Invalid,
            },
        );
        let plan = diff_now(&known, &[product(1)]);
        assert_eq!(methods(&plan), vec![(OpMethod::Delete, "wc_2")]);
        assert_eq!(plan.ops[0].data, json!({"id": "wc_2"}));
        assert_eq!(
            plan.writes,
            vec![
                ItemWrite::MarkDeleting {
                    retailer_id: "wc_2".into()
                },
                ItemWrite::Forget {
                    retailer_id: "wc_3".into()
                },
            ]
        );
    }

    #[test]
    fn a_listed_product_made_invalid_leaves_the_catalog_with_its_problems() {
        let mut products = vec![product(1), product(2)];
        let known = synced(&products[..1]);
        products[0].image = None;
        products[1].image = None;
        let plan = diff_now(&known, &products);
        assert_eq!(methods(&plan), vec![(OpMethod::Delete, "wc_1")]);
        for (write, product_id) in plan.writes.iter().zip([1, 2]) {
            match write {
                ItemWrite::Upsert {
                    product_id: id,
                    state: ItemState::Invalid,
                    problems,
                    want_hash: None,
                    ..
                } => {
                    assert_eq!(*id, product_id);
                    assert!(
                        matches!(problems[0], Problem::MissingImage { .. }),
                        "{problems:?}"
                    );
                }
                other => panic!("expected an invalid record, got {other:?}"),
            }
        }
    }

    #[test]
    fn unpublished_products_are_not_listed_and_a_listed_one_goes() {
        let mut products = vec![product(1)];
        let known = synced(&products);
        products[0].status = "draft".into();
        let plan = diff_now(&known, &products);
        assert_eq!(methods(&plan), vec![(OpMethod::Delete, "wc_1")]);
    }

    #[test]
    fn a_second_product_with_the_same_sku_is_invalid() {
        let mut products = vec![product(1), product(2)];
        for p in &mut products {
            p.sku = Some("SAME".into());
        }
        let known = Known {
            vendor_id: VENDOR,
            ..Known::default()
        };
        let plan = diff_now(&known, &products);
        assert_eq!(methods(&plan), vec![(OpMethod::Create, "SAME")]);
        assert_eq!(
            plan.writes[1],
            ItemWrite::Upsert {
                retailer_id: "SAME".into(),
                product_id: 2,
                state: ItemState::Invalid,
                problems: vec![Problem::DuplicateSku],
                want_hash: None,
            }
        );
    }

    #[test]
    fn other_vendors_products_and_skus_are_left_alone() {
        let mut stranger = product(9);
        stranger.vendor_id = 6;
        let mut taken = product(2);
        taken.sku = Some("SHARED".into());
        let mut moved = product(3);
        moved.sku = Some("MOVED".into());
        let known = Known {
            vendor_id: VENDOR,
            items: BTreeMap::new(),
            held_elsewhere: HashMap::from([("SHARED".to_owned(), 77), ("MOVED".to_owned(), 3)]),
        };
        let plan = diff_now(&known, &[stranger, taken, moved]);
        assert_eq!(
            methods(&plan),
            vec![(OpMethod::Create, "MOVED")],
            "the product that moved to this vendor takes its row over"
        );
        assert_eq!(
            plan.skipped,
            vec![
                Skipped::OtherVendor {
                    product_id: 9,
                    owner: 6
                },
                Skipped::SkuTaken {
                    product_id: 2,
                    retailer_id: "SHARED".into()
                },
            ]
        );
    }

    /// A plan's parts in an order that does not depend on paging.
    fn settled(plan: &Plan) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut writes: Vec<String> = plan.writes.iter().map(|w| format!("{w:?}")).collect();
        let mut ops: Vec<String> = plan
            .ops
            .iter()
            .map(|op| format!("{:?} {} {:?}", op.method, op.retailer_id, op.hash))
            .collect();
        let mut skipped: Vec<String> = plan.skipped.iter().map(|s| format!("{s:?}")).collect();
        writes.sort();
        ops.sort();
        skipped.sort();
        (writes, ops, skipped)
    }

    #[test]
    fn a_plan_made_page_by_page_is_the_plan_made_in_one_go() {
        // Product 1 takes the SKU product 9 held (9 comes later, unchanged or not);
        // products 2 and 7 share a SKU; 3 is gone; 4 changed; 5 made invalid.
        let mut products: Vec<Product> = (1..=9).filter(|id| *id != 3).map(product).collect();
        let mut known = synced(&(1..=9).map(product).collect::<Vec<_>>());
        let moved = known.items.remove("wc_9").unwrap();
        known.items.insert("OLD9".into(), moved);
        products[0].sku = Some("OLD9".into());
        products[1].sku = Some("TWIN".into());
        products[5].sku = Some("TWIN".into());
        products[2].regular_price = Some("99".into());
        products[3].image = None;
        for unchanged in [vec![], vec![9], vec![6, 9]] {
            let read: Vec<Product> = products
                .iter()
                .filter(|p| !unchanged.contains(&p.id))
                .cloned()
                .collect();
            let unread: HashSet<u64> = unchanged.iter().copied().collect();
            let whole = diff(
                &known,
                &read,
                &Coverage::All { unchanged: &unread },
                &Rules::default(),
                NOW,
            );
            for size in 1..=3 {
                let mut planner = Planner::new(known.clone(), Scope::All, Rules::default(), NOW);
                let mut paged = Plan::default();
                let mut pages = read.chunks(size).peekable();
                let mut first = 1;
                while let Some(page) = pages.next() {
                    // Each page names the unchanged products of its id range.
                    let last = match pages.peek() {
                        Some(next) => next[0].id - 1,
                        None => u64::MAX,
                    };
                    let range: Vec<u64> = unchanged
                        .iter()
                        .copied()
                        .filter(|id| (first..=last).contains(id))
                        .collect();
                    first = last.saturating_add(1);
                    let part = planner.page(page, &range, &HashMap::new());
                    paged.writes.extend(part.writes);
                    paged.ops.extend(part.ops);
                    paged.skipped.extend(part.skipped);
                }
                let rest = planner.close();
                paged.writes.extend(rest.writes);
                paged.ops.extend(rest.ops);
                paged.skipped.extend(rest.skipped);
                assert_eq!(
                    settled(&paged),
                    settled(&whole),
                    "pages of {size}, unchanged {unchanged:?}"
                );
            }
            let duplicate = whole.writes.iter().any(|w| {
                matches!(w, ItemWrite::Upsert { product_id: 7, problems, .. } if problems == &vec![Problem::DuplicateSku])
            });
            assert!(
                duplicate,
                "the later of two products with one SKU is the duplicate"
            );
        }
    }

    #[test]
    fn deletes_go_before_creates_that_may_reuse_the_sku() {
        let mut old = product(1);
        old.sku = Some("B".into());
        let known = synced(&[old]);
        let mut new = product(2);
        new.sku = Some("A".into());
        let plan = diff_now(&known, &[new]);
        assert_eq!(
            methods(&plan),
            vec![(OpMethod::Delete, "B"), (OpMethod::Create, "A")]
        );
    }
}
